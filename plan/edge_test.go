package plan_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/bimface/bimfacetest"
	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
	"github.com/bfquery/bfquery/plan"
)

// writeCache writes files (path → content) into a new directory.
func writeCache(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
	return dir
}

// TestRemoteEdgeCases runs queries whose plans read records (LIKE on a
// number's literal, NOT, IS NULL) on small models with awkward shapes,
// on the strict simulator and locally: the answers are the same.
func TestRemoteEdgeCases(t *testing.T) {
	dir := writeCache(t, map[string]string{
		"manifest.json": `{"version":1,"targets":[
			{"type":"integration","id":"60","counts":{"elements":3,"rooms":0,"areas":0},
			 "elements":[{"path":"i/p1.ndjson","fileId":"222"},{"path":"i/p2.ndjson","fileId":"111"},{"path":"i/p3.ndjson","fileId":"222"}]},
			{"type":"file","id":"7","counts":{"elements":1,"rooms":1,"areas":0},
			 "elements":[{"path":"e.ndjson"}],"rooms":[{"path":"rooms.ndjson"}]}]}`,
		// Two files hold element 1, listed so that their records interleave.
		"i/p1.ndjson": `{"elementId":"5","properties":[{"group":"g","items":[{"key":"v","value":3000.0}]}]}` + "\n",
		"i/p2.ndjson": `{"elementId":"1","properties":[{"group":"g","items":[{"key":"v","value":3000}]}]}` + "\n",
		"i/p3.ndjson": `{"elementId":"1","properties":[{"group":"g","items":[{"key":"v","value":3000.0}]}]}` + "\n",
		// A file with a room and no areas.
		"e.ndjson":     `{"elementId":"1","properties":[{"group":"g","items":[{"key":"floorId","value":"L1"},{"key":"floor","value":"F1"}]}]}` + "\n",
		"rooms.ndjson": `{"id":"r1","levelId":"L1","name":"A"}` + "\n",
	})
	data, err := bimfacetest.Load(dir)
	require.NoError(t, err)
	srv := bimfacetest.NewServer(t, data) // strict: documented clauses only
	local, err := eval.Open(dir)
	require.NoError(t, err)
	for _, src := range []string{
		"SELECT elementId FROM integration 60 WHERE v LIKE '%.0'",
		"SELECT elementId FROM integration 60 WHERE v NOT LIKE '%.0'",
		"SELECT elementId FROM integration 60 WHERE v LIKE '3000'",
		"SELECT roomId FROM file 7 WHERE NOT name = 'x'",
		"SELECT roomId FROM file 7 WHERE name LIKE 'A%'",
	} {
		t.Run(src, func(t *testing.T) {
			st := compile(t, src)
			want, err := plan.Answer(context.Background(), plan.Local(local), st, plan.Options{})
			require.NoError(t, err)
			got, err := plan.Answer(context.Background(), plan.Remote(srv.Client(), nil), st, plan.Options{})
			require.NoError(t, err)
			require.Equal(t, want, got)
		})
	}
	// The model has no areas: plans that read them find none.
	for _, src := range []string{
		"SELECT areaId FROM file 7 WHERE NOT name = 'x'",
		"SELECT areaId FROM file 7 WHERE name IS NULL",
		"SELECT areaId FROM file 7 WHERE name LIKE 'A%'",
	} {
		t.Run(src, func(t *testing.T) {
			got, err := plan.Answer(context.Background(), plan.Remote(srv.Client(), nil), compile(t, src), plan.Options{})
			require.NoError(t, err)
			require.Len(t, got, 1)
			require.Empty(t, got[0].IDs)
		})
	}
}

// TestPlanDepth: lowering an in list to matches adds a level under a
// boolAnd (under a boolOr the matches join it); a plan whose request
// would then pass dsl.MaxDepth is refused before anything is sent.
func TestPlanDepth(t *testing.T) {
	nest := func(innermost string) string {
		s := "floor IN ('F01', 'F02')"
		ops := []string{"AND", "OR"}
		if innermost == "OR" {
			ops = []string{"OR", "AND"}
		}
		for i := range 255 {
			s = "categoryName = '墙' " + ops[i%2] + " (" + s + ")"
		}
		return demoFrom + s
	}
	c := demoCache(t)
	for _, tc := range []struct {
		innermost string
		err       string
	}{
		{"OR", ""},
		{"AND", "request 1 of the plan nests 257 levels deep, more than the 256 BIMFACE reads: nest the query less"},
	} {
		st := compile(t, nest(tc.innermost))
		require.Equal(t, 256, dsl.Depth(st.Request.Query()))
		_, err := plan.Build(context.Background(), plan.Local(c), st, plan.Options{LowerIn: true})
		if tc.err == "" {
			require.NoError(t, err)
		} else {
			require.EqualError(t, err, tc.err)
		}
	}
}
