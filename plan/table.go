package plan

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
)

// A statement with a SELECT list (columns, GROUP BY, ORDER BY, LIMIT…)
// has no form in BIMFACE's API, whose queries return IDs. Its filter, the
// request's query, is planned and run as for a plain statement; then the
// records it found are read (the element endpoints, MaxBatchIDs IDs a
// request, several at once), indexed, and the rest is computed here by
// package eval, with the same code as a local cache's.

// Table runs a statement with a SELECT list on b. A plain statement
// answers as one selecting its IDs.
func Table(ctx context.Context, b Backend, st dsl.Statement, opts Options) (*eval.Table, error) {
	p, err := Build(ctx, b, st, opts)
	if err != nil {
		return nil, err
	}
	return p.Table(ctx, b)
}

// Table runs the plan's filter on b, reads the records it found and
// computes the statement's table from them.
func (p *Plan) Table(ctx context.Context, b Backend) (*eval.Table, error) {
	results, err := p.Run(ctx, b)
	if err != nil {
		return nil, err
	}
	st := p.Statement
	srcs := make([]eval.Source, len(results))
	g, gctx := errgroup.WithContext(ctx)
	for i, res := range results {
		srcs[i].TargetID = res.TargetID
		g.Go(func() error {
			ix, recs, err := b.Records(gctx, st.Select, st.Request.TargetType(), res.TargetID, res.IDs)
			srcs[i].Index, srcs[i].Records = ix, recs
			return err
		})
	}
	if err := g.Wait(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	return eval.Tabulate(st, srcs)
}

// describeTable is what EXPLAIN says of the part computed here.
func (p *Plan) describeTable(step int) string {
	st := p.Statement
	var parts []string
	if st.Aggregating() {
		var gs []string
		for _, g := range st.Groups() {
			gs = append(gs, g.Label(st.Select))
		}
		if len(gs) > 0 {
			parts = append(parts, "GROUP BY "+strings.Join(gs, ", "))
		}
		if st.HavingQuery() != nil {
			parts = append(parts, "HAVING")
		}
	}
	var cols []string
	for _, c := range st.Columns() {
		cols = append(cols, c.Label(st.Select))
	}
	parts = append([]string{"SELECT " + strings.Join(cols, ", ")}, parts...)
	if st.IsDistinct() {
		parts = append(parts, "DISTINCT")
	}
	if len(st.Orders()) > 0 {
		parts = append(parts, "ORDER BY")
	}
	if l, o := st.LimitOffset(); l > 0 || o > 0 {
		parts = append(parts, "LIMIT/OFFSET")
	}
	noun := strings.TrimSuffix(st.Select.String(), "Id") + "s"
	how := fmt.Sprintf("%d IDs a request, several at once", bimface.MaxBatchIDs)
	if st.Select != dsl.SelectElements {
		how = fmt.Sprintf("one listing of the target's %s", noun)
	}
	return fmt.Sprintf("%d. read the %s found (%s), and compute here: %s\n", step, noun, how, strings.Join(parts, "; "))
}

// Records reads the elements of ids (rooms and areas: all of the target's,
// then those of ids).
func (r remote) Records(ctx context.Context, sel dsl.Select, t dsl.TargetType, id string, ids []string) (*eval.Index, *eval.Set, error) {
	var ix *eval.Index
	var err error
	switch {
	case sel != dsl.SelectElements:
		if ix, err = r.spaces(ctx, sel, t, id); err != nil {
			return nil, nil, err
		}
		return ix, pick(ix, ids), nil
	case len(ids) == 0:
		ix, err = loadRecords(nil, sel)
	case t == dsl.TargetIntegration:
		ix, err = r.integrationRecords(ctx, id, ids)
	default:
		var recs []json.RawMessage
		if recs, err = r.c.Files.ElementsRaw(ctx, id, ids, nil); err == nil {
			ix, err = loadRecords(recs, sel)
		}
	}
	return ix, nil, err
}

func (l local) Records(_ context.Context, sel dsl.Select, t dsl.TargetType, id string, ids []string) (*eval.Index, *eval.Set, error) {
	ix, err := l.c.Index(t, id, sel)
	if err != nil {
		return nil, nil, err
	}
	return ix, pick(ix, ids), nil
}

// pick returns the records of ix whose IDs are in ids.
func pick(ix *eval.Index, ids []string) *eval.Set {
	want := make(map[string]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	set := ix.Records().Filter(func(i int) bool { return want[ix.ID(i)] })
	return &set
}
