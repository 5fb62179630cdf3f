package runner

import (
	"context"
	"slices"

	"golang.org/x/sync/errgroup"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/dsl"
)

// How many categories, and how many elements of each, the remote engine
// reads to learn a target's property keys.
const (
	sampleCategories  = 24
	samplePerCategory = 5
)

// sampleKeys learns the property keys of a target's elements, Chinese
// ones included, from a few elements of each category, so that \keys and
// completion know keys no query has used yet. The category tree says
// which categories there are and on which floor each has the fewest
// elements; elementIds filtered to that floor and category is a short
// list; one batch request reads the properties of the first few of
// each. It costs two requests and one per category, once per target.
func (r *remote) sampleKeys(ctx context.Context, t Target) ([]dsl.Key, error) {
	var tree *bimface.Tree
	var err error
	if t.Type == dsl.TargetIntegration {
		tree, err = r.c.Integrations.Tree(ctx, t.ID, nil)
	} else {
		tree, err = r.c.Files.Tree(ctx, t.ID, nil)
	}
	if err != nil {
		return nil, err
	}
	filters := categoryFilters(tree.Items)
	if len(filters) > sampleCategories {
		filters = filters[:sampleCategories]
	}
	ids := make([][]string, len(filters))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(4)
	for i, f := range filters {
		g.Go(func() error {
			var got []string
			var err error
			if t.Type == dsl.TargetIntegration {
				got, err = r.c.Integrations.ElementIDs(gctx, t.ID, &f)
			} else {
				got, err = r.c.Files.ElementIDs(gctx, t.ID, &f)
			}
			ids[i] = got[:min(len(got), samplePerCategory)]
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	sample := slices.Concat(ids...)
	if len(sample) == 0 {
		return nil, nil
	}
	var els []bimface.Element
	if t.Type == dsl.TargetIntegration {
		els, err = r.c.Integrations.Elements(ctx, t.ID, sample)
	} else {
		els, err = r.c.Files.Elements(ctx, t.ID, sample, nil)
	}
	if err != nil {
		return nil, err
	}
	var keys []dsl.Key
	for _, el := range els {
		for _, g := range el.Properties {
			for _, it := range g.Items {
				if k := dsl.Key(it.Key); k != "" && !slices.Contains(keys, k) {
					keys = append(keys, k)
				}
			}
		}
	}
	return keys, nil
}

// categoryFilters walks a category tree and returns, for each category in
// the order first met, the elementIds filter of the floor (or specialty)
// where it has the fewest elements.
func categoryFilters(nodes []bimface.TreeNode) []bimface.ElementFilter {
	type best struct {
		f     bimface.ElementFilter
		count int
	}
	byID := map[string]int{}
	var out []best
	var walk func([]bimface.TreeNode, bimface.ElementFilter)
	walk = func(nodes []bimface.TreeNode, f bimface.ElementFilter) {
		for _, n := range nodes {
			g := f
			switch n.Type {
			case "floor":
				g.Floor = n.Name
			case "specialty":
				g.Specialty = n.Name
			case "category":
				if n.ID == "" || n.ElementCount <= 0 {
					continue
				}
				g.CategoryID = n.ID
				if i, ok := byID[n.ID]; !ok {
					byID[n.ID] = len(out)
					out = append(out, best{g, n.ElementCount})
				} else if n.ElementCount < out[i].count {
					out[i] = best{g, n.ElementCount}
				}
				continue
			}
			walk(n.Items, g)
		}
	}
	walk(nodes, bimface.ElementFilter{})
	filters := make([]bimface.ElementFilter, len(out))
	for i, b := range out {
		filters[i] = b.f
	}
	return filters
}
