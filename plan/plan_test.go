package plan_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/bimface/bimfacetest"
	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
	"github.com/bfquery/bfquery/internal/demo"
	"github.com/bfquery/bfquery/internal/refeval"
	"github.com/bfquery/bfquery/parser"
	"github.com/bfquery/bfquery/plan"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func demoCache(t testing.TB) *eval.Cache {
	t.Helper()
	c, err := demo.Open()
	require.NoError(t, err)
	return c
}

func compile(t testing.TB, src string) dsl.Statement {
	t.Helper()
	st, err := parser.Compile(src)
	require.NoError(t, err)
	return st
}

const demoFrom = "SELECT elementId FROM file 1124890692330272 WHERE "

func TestDocumentedIsOneRequest(t *testing.T) {
	ctx := context.Background()
	for _, path := range must(filepath.Glob("../testdata/examples/*.sql")) {
		st := compile(t, string(must(os.ReadFile(path))))
		p, err := plan.Build(ctx, plan.Local(demoCache(t)), st, plan.Options{})
		require.NoError(t, err)
		require.Equal(t, 1, p.RequestCount(), path)
		require.Len(t, p.Requests, 1)
		// Sent as it is, mixed query objects and all.
		require.Equal(t, must(dsl.MarshalQuery(st.Request.Query())), must(dsl.MarshalQuery(p.Requests[0].Query)))
	}
}

// TestExplain keeps the plans of a few queries as golden files.
func TestExplain(t *testing.T) {
	ctx := context.Background()
	cache := demoCache(t)
	for _, tc := range []struct {
		name  string
		query string
		opts  plan.Options
	}{
		{"documented", "floor = 'F01' AND (categoryName = '墙' OR categoryName = '门')", plan.Options{}},
		{"and-not", "categoryName = '墙' AND NOT floor = 'F01'", plan.Options{}},
		{"not-range", "categoryName = '墙' AND floor != 'F01' AND 体积 > 2", plan.Options{}},
		{"top-level-not", "NOT categoryName = '墙'", plan.Options{}},
		{"or-of-nots", "familyType = 'x' OR NOT floor = 'F01' OR floor != 'F02'", plan.Options{}},
		{"like-null", "familyType LIKE 'C%' OR roomId IS NULL", plan.Options{}},
		{"between-or", "体积 BETWEEN 1 AND 2 OR 长度 < 1000", plan.Options{}},
		{"nothing-passes", "体积 > 1e300 AND floor = 'F01'", plan.Options{}},
		{"lower-in", "floor IN ('F01', 'F02') AND 体积 >= 5", plan.Options{LowerIn: true}},
		{"long-in", "体积 > 0", plan.Options{MaxInValues: 100}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := plan.Build(ctx, plan.Local(cache), compile(t, demoFrom+tc.query), tc.opts)
			require.NoError(t, err)
			got := "EXPLAIN " + demoFrom + tc.query + "\n" + p.String()
			path := filepath.Join("testdata", "explain", tc.name+".txt")
			if *update {
				require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
				require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
			}
			require.Equal(t, string(must(os.ReadFile(path))), got)
		})
	}
}

// demoElements decodes the demo model's elements for the reference
// evaluator.
func demoElements(t testing.TB) []refeval.Element {
	f, err := demo.FS().Open("file-1124890692330272/elements.ndjson.gz")
	require.NoError(t, err)
	defer f.Close()
	zr, err := gzip.NewReader(f)
	require.NoError(t, err)
	data, err := io.ReadAll(zr)
	require.NoError(t, err)
	els, err := refeval.DecodeNDJSON(data)
	require.NoError(t, err)
	return els
}

// TestDifferential runs random queries in the whole language three ways:
// the local engine, the plan against the simulator (which accepts only
// BIMFACE's documented clauses), and the reference evaluator. All give
// the same IDs.
func TestDifferential(t *testing.T) {
	ctx := context.Background()
	data, err := bimfacetest.LoadFS(demo.FS())
	require.NoError(t, err)
	srv := bimfacetest.NewServer(t, data)
	remote := plan.Remote(srv.Client(), nil)
	cache := data.Cache()
	ix, err := cache.Index(dsl.TargetFile, demo.FileID, dsl.SelectElements)
	require.NoError(t, err)
	ref := demoElements(t)
	require.Len(t, ref, ix.Len())

	for _, seed := range []uint64{1, 2} {
		g := refeval.NewGen(ix, seed)
		nonEmpty, plans := 0, 0
		for i := range 150 {
			q := g.Query(1)
			st := dsl.Statement{Request: dsl.File(demo.FileID).Where(q)}
			local, err := ix.Find(q)
			require.NoError(t, err)
			var want []string
			for _, e := range ref {
				if refeval.Match(e, q) {
					want = append(want, e["elementId"].(string))
				}
			}
			js, _ := dsl.ExtendedJSON(q)
			require.Empty(t, cmp.Diff(want, local, cmpNilEmpty), "engine, seed %d query %d %s", seed, i, js)

			p, err := plan.Build(ctx, remote, st, plan.Options{})
			require.NoError(t, err, "%s", js)
			res, err := p.Run(ctx, remote)
			require.NoError(t, err, "%s\n%s", js, p)
			require.Len(t, res, 1)
			got := slices.Clone(res[0].IDs)
			// BIMFACE promises no order across set operations; compare sets.
			require.Empty(t, cmp.Diff(sorted(want), sorted(got), cmpNilEmpty), "plan, seed %d query %d %s\n%s", seed, i, js, p)
			if len(want) > 0 {
				nonEmpty++
			}
			if !dsl.Documented(q) {
				plans++
			}
		}
		require.Greater(t, nonEmpty, 40, "too few queries match anything")
		require.Greater(t, plans, 60, "too few queries need a plan")
	}
}

// TestLowerIn runs plans against a simulator that refuses in.
func TestLowerIn(t *testing.T) {
	ctx := context.Background()
	data, err := bimfacetest.LoadFS(demo.FS())
	require.NoError(t, err)
	srv := bimfacetest.NewServer(t, data, bimfacetest.WithoutIn())
	remote := plan.Remote(srv.Client(), nil)
	st := compile(t, demoFrom+"floor IN ('F01', 'F02') AND 体积 >= 5 AND NOT categoryName = '墙'")

	_, err = plan.Answer(ctx, remote, st, plan.Options{})
	require.ErrorContains(t, err, `input.parameter.error`)

	got, err := plan.Answer(ctx, remote, st, plan.Options{LowerIn: true})
	require.NoError(t, err)
	want, err := data.Cache().Query(st.Request, dsl.SelectElements)
	require.NoError(t, err)
	require.Equal(t, sorted(want[0].IDs), sorted(got[0].IDs))
	require.NotEmpty(t, got[0].IDs)
}

// TestCheck: 3000.0 and 3000 are one number to match, but not to LIKE;
// the plan reads those records to tell them apart.
func TestCheck(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := must(os.ReadFile("../testdata/cache/semantics.json"))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "elements.json"), src, 0o644))
	require.NoError(t, eval.WriteManifest(dir, &eval.Manifest{Version: eval.ManifestVersion, Targets: []eval.TargetManifest{{
		Type: dsl.TargetFile, ID: "7", Counts: eval.Counts{Elements: 4}, Elements: []eval.Part{{Path: "elements.json"}},
	}}}))
	data, err := bimfacetest.Load(dir)
	require.NoError(t, err)
	// BIMFACE's propertyValues sends values as strings (the seed's
	// example), or typed: the answers are the same either way, but values
	// whose type is not known are checked on the records.
	typed := plan.Remote(bimfacetest.NewServer(t, data, bimfacetest.WithTypedPropertyValues()).Client(), nil)
	untyped := plan.Remote(bimfacetest.NewServer(t, data).Client(), nil)
	for _, tc := range []struct {
		query                    string
		want                     []string
		checkTyped, checkUntyped bool
	}{
		{"长度 LIKE '%.0'", []string{"101"}, true, true},
		{"长度 LIKE '3000'", []string{"102"}, true, true},
		{"长度 LIKE '_e_'", []string{"103"}, false, true},
		{"长度 LIKE '3%'", []string{"101", "102"}, false, true},
		{"长度 NOT LIKE '%.0'", []string{"102", "103", "104"}, true, true},
		{"长度 >= 1000 AND 长度 < 3000", []string{"103"}, false, false},
		{"长度 BETWEEN 1000 AND 2999", []string{"103"}, false, false},
		{"注释 IS NULL", []string{"102", "103", "104"}, false, false},
	} {
		for _, mode := range []struct {
			name    string
			backend plan.Backend
			check   bool
		}{{"typed", typed, tc.checkTyped}, {"strings", untyped, tc.checkUntyped}} {
			t.Run(tc.query+"/"+mode.name, func(t *testing.T) {
				st := compile(t, "SELECT elementId FROM file 7 WHERE "+tc.query)
				p, err := plan.Build(ctx, mode.backend, st, plan.Options{})
				require.NoError(t, err)
				require.Equal(t, mode.check, len(p.Checks) > 0, "%s", p)
				res, err := p.Run(ctx, mode.backend)
				require.NoError(t, err)
				require.Equal(t, tc.want, sorted(res[0].IDs), "%s", p)
				local, err := data.Cache().Query(st.Request, dsl.SelectElements)
				require.NoError(t, err)
				require.Equal(t, tc.want, local[0].IDs)
			})
		}
	}
}

func TestBuildErrors(t *testing.T) {
	ctx := context.Background()
	b := plan.Local(demoCache(t))
	for _, tc := range []struct {
		name string
		st   dsl.Statement
		want string
	}{
		{"no query", dsl.Statement{Request: dsl.File(demo.FileID)}, "query: missing"},
		{"bad range", dsl.Statement{Request: dsl.File(demo.FileID).Where(dsl.Lt("体积", "x"))}, "query.range.体积.upper: < compares numbers, not string"},
		{"no targets", dsl.Statement{Request: dsl.File().Where(dsl.Not(dsl.Match("a", 1)))}, "targetIds: must hold at least one id"},
		{"bad inside not", dsl.Statement{Request: dsl.File("1").Where(dsl.Not(dsl.Or()))}, "query.not.boolOr: must hold at least one query"},
		{"unknown target", dsl.Statement{Request: dsl.File("1").Where(dsl.Gt("a", 1))}, "file 1 is not in the cache, which holds file 1124890692330272"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := plan.Build(ctx, b, tc.st, plan.Options{})
			require.EqualError(t, err, tc.want)
		})
	}
}

func TestCancel(t *testing.T) {
	data, err := bimfacetest.LoadFS(demo.FS())
	require.NoError(t, err)
	srv := bimfacetest.NewServer(t, data)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = plan.Answer(ctx, plan.Remote(srv.Client(), nil), compile(t, demoFrom+"NOT floor = 'F01'"), plan.Options{})
	require.ErrorIs(t, err, context.Canceled)
}

var cmpNilEmpty = cmp.Comparer(func(a, b []string) bool {
	return len(a) == 0 && len(b) == 0 || slices.Equal(a, b)
})

func sorted(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

var _ = strings.Join
var _ = bytes.NewReader

// TestCacheValues: a key's values are fetched once per run.
func TestCacheValues(t *testing.T) {
	ctx := context.Background()
	data, err := bimfacetest.LoadFS(demo.FS())
	require.NoError(t, err)
	srv := bimfacetest.NewServer(t, data)
	b := plan.CacheValues(plan.Remote(srv.Client(), nil))
	st1 := compile(t, demoFrom+"体积 > 2")
	st2 := compile(t, demoFrom+"体积 < 1 AND familyType LIKE 'C%'")
	_, err = plan.Answer(ctx, b, st1, plan.Options{})
	require.NoError(t, err)
	before := srv.Requests()
	p, err := plan.Build(ctx, b, st2, plan.Options{})
	require.NoError(t, err)
	require.Equal(t, int64(1), srv.Requests()-before, "only familyType's values are fetched")
	res, err := p.Run(ctx, b)
	require.NoError(t, err)
	want, err := data.Cache().Query(st2.Request, dsl.SelectElements)
	require.NoError(t, err)
	require.Equal(t, sorted(want[0].IDs), sorted(res[0].IDs))
}
