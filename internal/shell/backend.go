package shell

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
	"github.com/bfquery/bfquery/internal/output"
	"github.com/bfquery/bfquery/parser"
	"github.com/bfquery/bfquery/plan"
)

// Backend is what the shell runs queries on.
type Backend interface {
	// Name says what the backend is, for the banner: "the demo model",
	// "cache DIR", "BIMFACE at URL".
	Name() string
	// Answer answers a statement; with records, it also reads what a
	// table shows of each ID when it can.
	Answer(ctx context.Context, st dsl.Statement, records bool) (output.Answer, error)
	// Explain returns how a statement is answered, as EXPLAIN prints it.
	Explain(ctx context.Context, st dsl.Statement) (string, error)
	// Targets lists the known targets with their sizes (-1: unknown).
	Targets(ctx context.Context) ([]TargetInfo, error)
	// Keys lists the keys of a target's elements, rooms or areas.
	// Records is -1 when the backend cannot tell.
	Keys(ctx context.Context, t Target, sel dsl.Select) ([]eval.KeyStat, error)
	// Values lists the distinct values of a key. Count is -1 when the
	// backend cannot tell.
	Values(ctx context.Context, t Target, sel dsl.Select, key dsl.Key) ([]eval.ValueCount, error)
}

// TargetInfo is a target with its numbers of elements, rooms and areas.
type TargetInfo struct {
	Target
	Elements, Rooms, Areas int
}

// Local returns a backend over a loaded cache; name says where it came
// from.
func Local(c *eval.Cache, name string) Backend { return local{c, name} }

type local struct {
	c    *eval.Cache
	name string
}

func (l local) Name() string { return l.name }

func (l local) Answer(_ context.Context, st dsl.Statement, records bool) (output.Answer, error) {
	return output.FromCache(l.c, st, records)
}

// Explain shows the plan and, since the records are at hand, how many
// each clause matched in each target.
func (l local) Explain(ctx context.Context, st dsl.Statement) (string, error) {
	p, err := plan.Build(ctx, plan.Local(l.c), st, plan.Options{})
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(p.String())
	for _, id := range st.Request.TargetIDs() {
		ix, err := l.c.Index(st.Request.TargetType(), id, st.Select)
		if err != nil {
			return "", err
		}
		ep, err := ix.Explain(st.Request.Query())
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "\nRecords matched in %s %s (%d %s):\n%s\n", st.Request.TargetType(), id, ix.Len(), noun(st.Select), ep)
	}
	return b.String(), nil
}

func noun(sel dsl.Select) string { return [...]string{"elements", "rooms", "areas"}[sel] }

func (l local) Targets(context.Context) ([]TargetInfo, error) {
	var out []TargetInfo
	size := func(ix *eval.Index) int {
		if ix == nil {
			return 0
		}
		return ix.Len()
	}
	for _, t := range l.c.Targets() {
		out = append(out, TargetInfo{Target{t.Type, t.ID}, size(t.Elements), size(t.Rooms), size(t.Areas)})
	}
	return out, nil
}

func (l local) Keys(_ context.Context, t Target, sel dsl.Select) ([]eval.KeyStat, error) {
	ix, err := l.c.Index(t.Type, t.ID, sel)
	if err != nil {
		return nil, err
	}
	return ix.Keys(), nil
}

func (l local) Values(_ context.Context, t Target, sel dsl.Select, key dsl.Key) ([]eval.ValueCount, error) {
	ix, err := l.c.Index(t.Type, t.ID, sel)
	if err != nil {
		return nil, err
	}
	vals, err := ix.ValueCounts(key)
	if err != nil {
		return nil, err
	}
	if vals == nil {
		return nil, fmt.Errorf("no %s of %s has the key %s: \\keys lists the keys", strings.TrimSuffix(noun(sel), "s"), t, parser.FormatKey(key))
	}
	return vals, nil
}

// Remote returns a backend on BIMFACE. BIMFACE cannot list the targets of
// an account through the query API, so the targets it knows are those given
// here and those the session's queries name. Keys are the standard keys
// (dsl.StandardKeys), those of a sample of the target's elements (read
// the first time its keys are asked for) and those the session's queries
// used; their distinct values come from /query/propertyValues, without
// counts.
func Remote(c *bimface.Client, opts *bimface.QueryOptions, name string, targets ...Target) Backend {
	r := &remote{c: c, plan: plan.CacheValues(plan.Remote(c, opts)), name: name, seenKeys: map[Target][]dsl.Key{}, sampled: map[Target]bool{}}
	for _, t := range targets {
		r.see(t)
	}
	return r
}

type remote struct {
	c    *bimface.Client
	plan plan.Backend // values remembered for the session
	name string

	mu       sync.Mutex
	targets  []Target
	seenKeys map[Target][]dsl.Key
	sampled  map[Target]bool
}

func (r *remote) Name() string { return r.name }

func (r *remote) see(t Target, keys ...dsl.Key) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !slices.Contains(r.targets, t) {
		r.targets = append(r.targets, t)
	}
	for _, k := range keys {
		if !k.IsStandard() && !slices.Contains(r.seenKeys[t], k) {
			r.seenKeys[t] = append(r.seenKeys[t], k)
		}
	}
}

func (r *remote) Answer(ctx context.Context, st dsl.Statement, _ bool) (output.Answer, error) {
	results, err := plan.Answer(ctx, r.plan, st, plan.Options{})
	if err != nil {
		return output.Answer{}, err
	}
	keys := queryKeys(st.Request.Query())
	for _, id := range st.Request.TargetIDs() {
		r.see(Target{st.Request.TargetType(), id}, keys...)
	}
	return output.Answer{Select: st.Select, Results: results}, nil
}

func (r *remote) Explain(ctx context.Context, st dsl.Statement) (string, error) {
	p, err := plan.Build(ctx, r.plan, st, plan.Options{})
	if err != nil {
		return "", err
	}
	return p.String(), nil
}

func (r *remote) Targets(context.Context) ([]TargetInfo, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]TargetInfo, len(r.targets))
	for i, t := range r.targets {
		out[i] = TargetInfo{t, -1, -1, -1}
	}
	return out, nil
}

func (r *remote) Keys(ctx context.Context, t Target, sel dsl.Select) ([]eval.KeyStat, error) {
	r.see(t)
	r.mu.Lock()
	sampled := r.sampled[t]
	r.mu.Unlock()
	if sel == dsl.SelectElements && !sampled {
		keys, err := r.sampleKeys(ctx, t)
		if err != nil {
			return nil, err
		}
		r.see(t, keys...)
		r.mu.Lock()
		r.sampled[t] = true
		r.mu.Unlock()
	}
	r.mu.Lock()
	keys := append(dsl.StandardKeys(), r.seenKeys[t]...)
	r.mu.Unlock()
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = string(k)
	}
	pvs, err := r.c.Query.PropertyValues(ctx, t.Type, []string{t.ID}, names)
	if err != nil {
		return nil, err
	}
	distinct := map[string]int{}
	for _, pv := range pvs {
		distinct[pv.Property] = len(pv.Typed)
	}
	out := make([]eval.KeyStat, len(keys))
	for i, k := range keys {
		out[i] = eval.KeyStat{Key: k, Distinct: distinct[string(k)], Records: -1}
	}
	slices.SortFunc(out, func(a, b eval.KeyStat) int { return strings.Compare(string(a.Key), string(b.Key)) })
	return out, nil
}

func (r *remote) Values(ctx context.Context, t Target, _ dsl.Select, key dsl.Key) ([]eval.ValueCount, error) {
	pvs, err := r.c.Query.PropertyValues(ctx, t.Type, []string{t.ID}, []string{string(key)})
	if err != nil {
		return nil, err
	}
	var out []eval.ValueCount
	for _, pv := range pvs {
		for _, v := range pv.Typed {
			out = append(out, eval.ValueCount{Value: v, Count: -1})
		}
	}
	r.see(t, key)
	return out, nil
}

// queryKeys returns the keys a query uses.
func queryKeys(q dsl.Query) []dsl.Key {
	var keys []dsl.Key
	dsl.Walk(q, func(q dsl.Query) {
		if k, ok := dsl.KeyOf(q); ok {
			keys = append(keys, k)
		}
	})
	return keys
}
