package plan

import (
	"context"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
)

// Run executes the plan on b and returns the IDs found per target, in the
// order of the request's targets. The requests of the plan do not depend
// on each other and run concurrently (Options.Concurrency at once), as do
// the listings of all IDs; checks run last, on what their candidates
// found.
func (p *Plan) Run(ctx context.Context, b Backend) ([]eval.Result, error) {
	sel := p.Statement.Select
	r := p.Statement.Request
	targets := r.TargetIDs()
	x := executor{
		plan:    p,
		backend: b,
		got:     make(map[*Request]map[string][]string, len(p.Requests)),
		all:     map[string][]string{},
		checked: map[checkKey][]string{},
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(p.Options.Concurrency)
	var mu sync.Mutex
	for _, req := range p.Requests {
		g.Go(func() error {
			res, err := b.Query(gctx, sel, r.WithQuery(req.Query))
			if err != nil {
				return err
			}
			m := make(map[string][]string, len(res))
			for _, t := range res {
				m[t.TargetID] = t.IDs
			}
			mu.Lock()
			x.got[req] = m
			mu.Unlock()
			return nil
		})
	}
	if p.all {
		for _, t := range targets {
			g.Go(func() error {
				ids, err := b.All(gctx, sel, r.TargetType(), t)
				if err != nil {
					return err
				}
				mu.Lock()
				x.all[t] = ids
				mu.Unlock()
				return nil
			})
		}
	}
	if err := g.Wait(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	out := make([]eval.Result, len(targets))
	for i, t := range targets {
		ids, err := x.eval(ctx, p.Root, t)
		if err != nil {
			return nil, err
		}
		out[i] = eval.Result{TargetID: t, Select: sel, IDs: ids}
	}
	return out, nil
}

type checkKey struct {
	c      *Check
	target string
}

type executor struct {
	plan    *Plan
	backend Backend
	got     map[*Request]map[string][]string
	all     map[string][]string
	checked map[checkKey][]string
}

func (x *executor) eval(ctx context.Context, n Node, target string) ([]string, error) {
	switch n := n.(type) {
	case *Request:
		return x.got[n][target], nil
	case All:
		return x.all[target], nil
	case Empty:
		return nil, nil
	case Union:
		sets, err := x.evalAll(ctx, n.Nodes, target)
		return union(sets), err
	case Intersect:
		sets, err := x.evalAll(ctx, n.Nodes, target)
		return intersect(sets), err
	case Minus:
		from, err := x.eval(ctx, n.From, target)
		if err != nil {
			return nil, err
		}
		without, err := x.eval(ctx, n.Without, target)
		return minus(from, without), err
	case *Check:
		k := checkKey{n, target}
		if ids, ok := x.checked[k]; ok {
			return ids, nil
		}
		cands, err := x.eval(ctx, n.Candidates, target)
		if err != nil || len(cands) == 0 {
			return nil, err
		}
		st := x.plan.Statement
		ids, err := x.backend.Filter(ctx, st.Select, st.Request.TargetType(), target, cands, n.Query)
		if err != nil {
			return nil, err
		}
		x.checked[k] = ids
		return ids, nil
	}
	panic("plan: unknown node")
}

func (x *executor) evalAll(ctx context.Context, ns []Node, target string) ([][]string, error) {
	sets := make([][]string, len(ns))
	for i, n := range ns {
		var err error
		if sets[i], err = x.eval(ctx, n, target); err != nil {
			return nil, err
		}
	}
	return sets, nil
}

// The set operations keep the order of their first operand, then of the
// next, so that a plan's answer comes in BIMFACE's order where it can.

func union(sets [][]string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range sets {
		for _, id := range s {
			if !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	return out
}

func intersect(sets [][]string) []string {
	if len(sets) == 0 {
		return nil
	}
	out := sets[0]
	for _, s := range sets[1:] {
		out = keep(out, s, true)
	}
	return out
}

func minus(from, without []string) []string { return keep(from, without, false) }

// keep returns the members of a that are (in) or are not (!in) in b.
func keep(a, b []string, in bool) []string {
	set := make(map[string]bool, len(b))
	for _, id := range b {
		set[id] = true
	}
	var out []string
	for _, id := range a {
		if set[id] == in {
			out = append(out, id)
		}
	}
	return out
}

// Answer builds a plan for the statement and runs it.
func Answer(ctx context.Context, b Backend, st dsl.Statement, opts Options) ([]eval.Result, error) {
	p, err := Build(ctx, b, st, opts)
	if err != nil {
		return nil, err
	}
	return p.Run(ctx, b)
}
