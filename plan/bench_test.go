package plan_test

import (
	"context"
	"testing"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/internal/demo"
	"github.com/bfquery/bfquery/plan"
)

// The planner's own overhead: building and running plans over the local
// backend, so that no network is measured, against the engine answering
// the same query directly (the baseline: what the plan's requests cost at
// the very least).

const benchQuery = demoFrom + "categoryName = '墙' AND floor != 'F01' AND 体积 > 2 AND familyType LIKE '%mm'"

// fetched answers Values from what it fetched once, so that building a
// plan over it measures the planner alone.
type fetched struct {
	plan.Backend
	values plan.Values
}

func (f fetched) Values(context.Context, dsl.Select, dsl.TargetType, []string, []dsl.Key) (plan.Values, error) {
	return f.values, nil
}

func BenchmarkPlanBuild(b *testing.B) {
	cache := demoCache(b)
	st := compile(b, benchQuery)
	local := plan.Local(cache)
	vals, err := local.Values(context.Background(), dsl.SelectElements, dsl.TargetFile, []string{demo.FileID}, []dsl.Key{"体积", "familyType"})
	if err != nil {
		b.Fatal(err)
	}
	backend := fetched{local, vals}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := plan.Build(ctx, backend, st, plan.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPlanAnswer builds the plan, property lookup included, and runs
// its requests on the local engine.
func BenchmarkPlanAnswer(b *testing.B) {
	cache := demoCache(b)
	st := compile(b, benchQuery)
	backend := plan.Local(cache)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := plan.Answer(ctx, backend, st, plan.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBaselineEngine(b *testing.B) {
	cache := demoCache(b)
	st := compile(b, benchQuery)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cache.Query(st.Request, dsl.SelectElements); err != nil {
			b.Fatal(err)
		}
	}
}
