package runner

import (
	"context"
	"fmt"
	"io"
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

// Engine is where statements run: the local engine over a cache (Local)
// or BIMFACE through plans (Remote).
type Engine interface {
	// Name says what the engine runs on, for the shell's banner and for
	// errors: "the demo model", "cache DIR", "BIMFACE at URL".
	Name() string
	// Answer answers a statement with what want asks for, or more.
	Answer(ctx context.Context, st dsl.Statement, want Want) (output.Answer, error)
	// Plan returns how a statement is answered: the plan of requests on
	// BIMFACE, or locally the plan a remote engine would send.
	Plan(ctx context.Context, st dsl.Statement) (*plan.Plan, error)
	// Matched calls each, per target of a statement, with the number of
	// records and the clause tree annotated with how many records each
	// clause matched. Only a local engine can tell; BIMFACE's calls each
	// never.
	Matched(st dsl.Statement, each func(t Target, records int, clauses string)) error
	// Has reports whether the engine holds a target: an error saying so
	// when it knows it does not (a cache), nil otherwise. An engine that
	// cannot list its targets (BIMFACE) adds t to those Targets lists.
	Has(t Target) error
	// Targets lists the known targets with their sizes (-1: unknown).
	Targets(ctx context.Context) ([]TargetInfo, error)
	// Keys lists the keys of a target's elements, rooms or areas.
	// Records is -1 when the backend cannot tell.
	Keys(ctx context.Context, t Target, sel dsl.Select) ([]eval.KeyStat, error)
	// Values lists the distinct values of a key. Count is -1 when the
	// backend cannot tell.
	Values(ctx context.Context, t Target, sel dsl.Select, key dsl.Key) ([]eval.ValueCount, error)
}

// Target names one file or integration.
type Target struct {
	Type dsl.TargetType
	ID   string
}

func (t Target) String() string { return string(t.Type) + " " + t.ID }

// IsZero reports whether t names nothing.
func (t Target) IsZero() bool { return t.ID == "" }

// TargetInfo is a target with its numbers of elements, rooms and areas.
type TargetInfo struct {
	Target
	Elements, Rooms, Areas int
}

// Local returns an engine over a loaded cache; name says where it came
// from.
func Local(c *eval.Cache, name string) Engine { return local{c, name} }

type local struct {
	c    *eval.Cache
	name string
}

func (l local) Name() string { return l.name }

func (l local) Answer(_ context.Context, st dsl.Statement, want Want) (a output.Answer, err error) {
	err = l.c.Retry(func() (err error) {
		a, err = l.answer(st, want)
		return err
	})
	return a, err
}

func (l local) answer(st dsl.Statement, want Want) (output.Answer, error) {
	if want == Count && st.Plain() {
		// The size of each match set, without an ID string.
		return output.CountFromCache(l.c, st)
	}
	if want == Written && st.Plain() {
		return output.SetsFromCache(l.c, st)
	}
	return output.FromCache(l.c, st, want == Records)
}

func (l local) Plan(ctx context.Context, st dsl.Statement) (p *plan.Plan, err error) {
	err = l.c.Retry(func() (err error) {
		p, err = plan.Build(ctx, plan.Local(l.c), st, plan.Options{})
		return err
	})
	return p, err
}

// Matched writes, per target, how many records each clause of a statement
// matched, as bfquery query --explain prints it.
func Matched(w io.Writer, e Engine, st dsl.Statement) error {
	return e.Matched(st, func(t Target, n int, clauses string) {
		fmt.Fprintf(w, "%s (%d %s):\n%s\n", t, n, Noun(st.Select), clauses)
	})
}

func (l local) Matched(st dsl.Statement, each func(t Target, records int, clauses string)) error {
	if err := st.Check(); err != nil {
		return err
	}
	// Every target is explained before the first is handed to each, so
	// that mending a damaged index file and asking again repeats nothing.
	type explained struct {
		records int
		clauses string
	}
	var all []explained
	err := l.c.Retry(func() error {
		all = all[:0]
		for _, id := range st.Request.TargetIDs() {
			ix, err := l.c.Index(st.Request.TargetType(), id, st.Select)
			if err != nil {
				return err
			}
			if st.Request.Query() == nil {
				all = append(all, explained{ix.Len(), fmt.Sprintf("no WHERE, every record: %d\n", ix.Len())})
				continue
			}
			ep, err := ix.Explain(st.Request.Query())
			if err != nil {
				return err
			}
			all = append(all, explained{ix.Len(), ep.String()})
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i, id := range st.Request.TargetIDs() {
		each(Target{st.Request.TargetType(), id}, all[i].records, all[i].clauses)
	}
	return nil
}

func (l local) Has(t Target) error {
	if _, err := l.c.Target(t.Type, t.ID); err != nil {
		return fmt.Errorf("%s is not in %s", t, l.name)
	}
	return nil
}

// Noun names what a selection lists: elements, rooms or areas.
func Noun(sel dsl.Select) string { return [...]string{"elements", "rooms", "areas"}[sel] }

func (l local) Targets(context.Context) ([]TargetInfo, error) {
	var out []TargetInfo
	for _, t := range l.c.Targets() {
		out = append(out, TargetInfo{Target{t.Type, t.ID}, t.Len(dsl.SelectElements), t.Len(dsl.SelectRooms), t.Len(dsl.SelectAreas)})
	}
	return out, nil
}

func (l local) Keys(_ context.Context, t Target, sel dsl.Select) ([]eval.KeyStat, error) {
	return l.c.Keys(t.Type, t.ID, sel)
}

func (l local) Values(_ context.Context, t Target, sel dsl.Select, key dsl.Key) (vals []eval.ValueCount, err error) {
	err = l.c.Retry(func() error {
		ix, err := l.c.Index(t.Type, t.ID, sel)
		if err == nil {
			vals, err = ix.ValueCounts(key)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if vals == nil {
		return nil, fmt.Errorf("no %s of %s has the key %s: \\keys lists the keys", strings.TrimSuffix(Noun(sel), "s"), t, parser.FormatKey(key))
	}
	return vals, nil
}

// Remote returns an engine on BIMFACE, whose statements run as plans with
// planOpts, each key's values fetched once for the engine's life.
// BIMFACE cannot list the targets of an account through the query API, so
// the targets it knows are those given here and those the statements
// name. Keys are the standard keys (dsl.StandardKeys), those of a sample
// of the target's elements (read the first time its keys are asked for)
// and those the statements used; their distinct values come from
// /query/propertyValues, without counts.
func Remote(c *bimface.Client, opts *bimface.QueryOptions, planOpts plan.Options, name string, targets ...Target) Engine {
	r := &remote{c: c, plan: plan.CacheValues(plan.Remote(c, opts)), planOpts: planOpts, name: name, seenKeys: map[Target][]dsl.Key{}, sampled: map[Target]bool{}}
	for _, t := range targets {
		r.see(t)
	}
	return r
}

type remote struct {
	c        *bimface.Client
	plan     plan.Backend // values remembered for the engine's life
	planOpts plan.Options
	name     string

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

func (r *remote) Answer(ctx context.Context, st dsl.Statement, _ Want) (output.Answer, error) {
	var a output.Answer
	if st.Plain() {
		results, err := plan.Answer(ctx, r.plan, st, r.planOpts)
		if err != nil {
			return output.Answer{}, err
		}
		a = output.Answer{Select: st.Select, Results: results}
	} else {
		// A SELECT list is computed here from the records the filter
		// found.
		t, err := plan.Table(ctx, r.plan, st, r.planOpts)
		if err != nil {
			return output.Answer{}, err
		}
		a = output.Answer{Select: st.Select, Table: t}
	}
	keys := queryKeys(st.Request.Query())
	for _, c := range st.Columns() {
		if c.Key != "" {
			keys = append(keys, c.Key)
		}
	}
	for _, id := range st.Request.TargetIDs() {
		r.see(Target{st.Request.TargetType(), id}, keys...)
	}
	return a, nil
}

func (r *remote) Plan(ctx context.Context, st dsl.Statement) (*plan.Plan, error) {
	return plan.Build(ctx, r.plan, st, r.planOpts)
}

// Matched calls each never: BIMFACE does not say how many records a
// clause matched.
func (r *remote) Matched(dsl.Statement, func(Target, int, string)) error { return nil }

// Has is nil: BIMFACE will say whether it holds a target, which joins
// those Targets lists.
func (r *remote) Has(t Target) error {
	r.see(t)
	return nil
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
