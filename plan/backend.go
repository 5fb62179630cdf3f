package plan

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
)

// Local returns a backend over a loaded cache: for EXPLAIN without the
// network, and to check plans against the engine.
func Local(c *eval.Cache) Backend { return local{c} }

type local struct{ c *eval.Cache }

func (l local) Query(_ context.Context, sel dsl.Select, req dsl.Request) ([]eval.Result, error) {
	return l.c.Query(req, sel)
}

func (l local) Values(_ context.Context, sel dsl.Select, t dsl.TargetType, ids []string, keys []dsl.Key) (Values, error) {
	var ixs []*eval.Index
	for _, id := range ids {
		ix, err := l.c.Index(t, id, sel)
		if err != nil {
			return Values{}, err
		}
		ixs = append(ixs, ix)
	}
	byKey, err := valuesOf(ixs, keys)
	return Values{ByKey: byKey}, err
}

// valuesOf merges the distinct values of keys over several indexes.
func valuesOf(ixs []*eval.Index, keys []dsl.Key) (map[dsl.Key][]dsl.Value, error) {
	out := make(map[dsl.Key][]dsl.Value, len(keys))
	for _, k := range keys {
		seen := map[dsl.Value]bool{}
		vals := []dsl.Value{}
		for _, ix := range ixs {
			vcs, err := ix.ValueCounts(k)
			if err != nil {
				return nil, err
			}
			for _, vc := range vcs {
				if !seen[vc.Value] {
					seen[vc.Value] = true
					vals = append(vals, vc.Value)
				}
			}
		}
		out[k] = vals
	}
	return out, nil
}

func (l local) All(_ context.Context, sel dsl.Select, t dsl.TargetType, id string) ([]string, error) {
	ix, err := l.c.Index(t, id, sel)
	if err != nil {
		return nil, err
	}
	ids := make([]string, ix.Len())
	for i := range ids {
		ids[i] = ix.ID(i)
	}
	return ids, nil
}

func (l local) Filter(_ context.Context, sel dsl.Select, t dsl.TargetType, id string, ids []string, q dsl.Query) ([]string, error) {
	ix, err := l.c.Index(t, id, sel)
	if err != nil {
		return nil, err
	}
	return filterIndex(ix, ids, q)
}

// filterIndex keeps those of ids that q matches in ix.
func filterIndex(ix *eval.Index, ids []string, q dsl.Query) ([]string, error) {
	found, err := ix.Find(q)
	if err != nil {
		return nil, err
	}
	match := make(map[string]bool, len(found))
	for _, id := range found {
		match[id] = true
	}
	var out []string
	for _, id := range ids {
		if match[id] {
			out = append(out, id)
		}
	}
	return out, nil
}

// Remote returns a backend that runs plans on BIMFACE through a client.
// opts (may be nil) apply to every query request.
func Remote(c *bimface.Client, opts *bimface.QueryOptions) Backend { return remote{c, opts} }

type remote struct {
	c    *bimface.Client
	opts *bimface.QueryOptions
}

func (r remote) Query(ctx context.Context, sel dsl.Select, req dsl.Request) ([]eval.Result, error) {
	found, err := r.c.Query.IDs(ctx, sel, req, r.opts)
	if err != nil {
		return nil, err
	}
	return results(sel, req.TargetIDs(), found), nil
}

// results puts a query's answer in the order of the request's targets,
// with an empty result for a target BIMFACE left out.
func results(sel dsl.Select, targets []string, found []bimface.TargetIDs) []eval.Result {
	byTarget := make(map[string][]string, len(found))
	for _, f := range found {
		byTarget[f.TargetID] = append(byTarget[f.TargetID], f.IDs...)
	}
	out := make([]eval.Result, len(targets))
	for i, t := range targets {
		out[i] = eval.Result{TargetID: t, Select: sel, IDs: byTarget[t]}
	}
	return out
}

// Values asks propertyValues for elements. Rooms and areas have no such
// endpoint: their values come from reading them all, which is cheap, as
// a model has few.
func (r remote) Values(ctx context.Context, sel dsl.Select, t dsl.TargetType, ids []string, keys []dsl.Key) (Values, error) {
	if sel != dsl.SelectElements {
		var ixs []*eval.Index
		for _, id := range ids {
			ix, err := r.spaces(ctx, sel, t, id)
			if err != nil {
				return Values{}, err
			}
			ixs = append(ixs, ix)
		}
		byKey, err := valuesOf(ixs, keys)
		return Values{ByKey: byKey}, err
	}
	props := make([]string, len(keys))
	for i, k := range keys {
		props[i] = string(k)
	}
	pvs, err := r.c.Query.PropertyValues(ctx, t, ids, props)
	if err != nil {
		return Values{}, err
	}
	out := Values{ByKey: make(map[dsl.Key][]dsl.Value, len(keys)), Untyped: true}
	for _, k := range keys {
		out.ByKey[k] = []dsl.Value{}
	}
	for _, pv := range pvs {
		out.ByKey[dsl.Key(pv.Property)] = append(out.ByKey[dsl.Key(pv.Property)], pv.Typed...)
		for _, v := range pv.Typed {
			if v.Kind() != dsl.KindString {
				// A server that sends numbers as numbers says which
				// strings are strings.
				out.Untyped = false
			}
		}
	}
	return out, nil
}

func (r remote) spaces(ctx context.Context, sel dsl.Select, t dsl.TargetType, id string) (*eval.Index, error) {
	recs, err := r.c.SpacesRaw(ctx, t, id, sel)
	if err != nil {
		return nil, err
	}
	return loadRecords(recs, sel)
}

// loadRecords indexes records read from BIMFACE; none is an empty index
// (a model without areas).
func loadRecords(recs []json.RawMessage, sel dsl.Select) (*eval.Index, error) {
	var buf bytes.Buffer
	buf.WriteByte('[')
	for i, rec := range recs {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(rec)
	}
	buf.WriteByte(']')
	return eval.LoadIndex(&buf, "the records read from BIMFACE", sel)
}

func (r remote) All(ctx context.Context, sel dsl.Select, t dsl.TargetType, id string) ([]string, error) {
	if sel != dsl.SelectElements {
		ix, err := r.spaces(ctx, sel, t, id)
		if err != nil {
			return nil, err
		}
		ids := make([]string, ix.Len())
		for i := range ids {
			ids[i] = ix.ID(i)
		}
		return ids, nil
	}
	if t == dsl.TargetIntegration {
		return r.c.Integrations.ElementIDs(ctx, id, nil)
	}
	return r.c.Files.ElementIDs(ctx, id, nil)
}

// Filter reads the records and runs q on them with the local engine.
func (r remote) Filter(ctx context.Context, sel dsl.Select, t dsl.TargetType, id string, ids []string, q dsl.Query) ([]string, error) {
	var ix *eval.Index
	var err error
	switch {
	case sel != dsl.SelectElements:
		ix, err = r.spaces(ctx, sel, t, id)
	case t == dsl.TargetIntegration:
		ix, err = r.integrationRecords(ctx, id, ids)
	default:
		var recs []json.RawMessage
		if recs, err = r.c.Files.ElementsRaw(ctx, id, ids, nil); err == nil {
			ix, err = loadRecords(recs, sel)
		}
	}
	if err != nil {
		return nil, err
	}
	return filterIndex(ix, ids, q)
}

// integrationRecords reads elements of an integration, ids being
// fileId.elementId. BIMFACE sends them without their file, and two files
// may hold the same elementId, so each request asks for the elements of
// one file only, and its answers are tagged with that file, to print as
// the query endpoints print them.
func (r remote) integrationRecords(ctx context.Context, id string, ids []string) (*eval.Index, error) {
	var files []string
	byFile := map[string][]string{}
	for _, full := range ids {
		f, _, _ := strings.Cut(full, ".")
		if _, ok := byFile[f]; !ok {
			files = append(files, f)
		}
		byFile[f] = append(byFile[f], full)
	}
	var recs []json.RawMessage
	for _, f := range files {
		got, err := r.c.Integrations.ElementsRaw(ctx, id, byFile[f])
		if err != nil {
			return nil, err
		}
		for _, rec := range got {
			var head struct {
				FileID     json.RawMessage `json:"fileId"`
				FileIDHash json.RawMessage `json:"fileIdHash"`
			}
			if err := json.Unmarshal(rec, &head); err != nil {
				return nil, err
			}
			if len(head.FileID) == 0 && len(head.FileIDHash) == 0 {
				tagged, _ := json.Marshal(f)
				rest := bytes.TrimSpace(bytes.TrimPrefix(bytes.TrimSpace(rec), []byte("{")))
				sep := []byte(",")
				if bytes.HasPrefix(rest, []byte("}")) {
					sep = nil
				}
				rec = slices.Concat([]byte(`{"fileId":`), tagged, sep, rest)
			}
			recs = append(recs, rec)
		}
	}
	return loadRecords(recs, dsl.SelectElements)
}

// CacheValues returns b with Values remembered: a key's values in a set of
// targets are fetched once, however many plans ask for them. It is what a
// batch of queries in one run uses; the values do not change meanwhile.
func CacheValues(b Backend) Backend {
	return &valueCache{Backend: b, seen: map[string]cachedValues{}}
}

type valueCache struct {
	Backend
	mu   sync.Mutex
	seen map[string]cachedValues
}

type cachedValues struct {
	vals    []dsl.Value
	untyped bool
}

func (c *valueCache) Values(ctx context.Context, sel dsl.Select, t dsl.TargetType, ids []string, keys []dsl.Key) (Values, error) {
	scope := sel.String() + "\x00" + string(t) + "\x00" + strings.Join(ids, "\x00") + "\x00"
	out := Values{ByKey: make(map[dsl.Key][]dsl.Value, len(keys))}
	var missing []dsl.Key
	c.mu.Lock()
	for _, k := range keys {
		if cv, ok := c.seen[scope+string(k)]; ok {
			out.ByKey[k] = cv.vals
			out.Untyped = out.Untyped || cv.untyped
		} else {
			missing = append(missing, k)
		}
	}
	c.mu.Unlock()
	if len(missing) == 0 {
		return out, nil
	}
	got, err := c.Backend.Values(ctx, sel, t, ids, missing)
	if err != nil {
		return Values{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, k := range missing {
		c.seen[scope+string(k)] = cachedValues{got.ByKey[k], got.Untyped}
		out.ByKey[k] = got.ByKey[k]
	}
	out.Untyped = out.Untyped || got.Untyped
	return out, nil
}
