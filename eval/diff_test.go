package eval_test

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/internal/modelgen"
	"github.com/bfquery/bfquery/internal/refeval"
)

// TestDifferential checks the index, loaded from the JSON and mapped
// from its index file, against the reference evaluator on generated
// models and random queries.
func TestDifferential(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		var buf bytes.Buffer
		require.NoError(t, modelgen.WriteElements(&buf, modelgen.Config{Elements: 600, Seed: seed}, modelgen.NDJSON))
		data := buf.Bytes()
		ref, err := refeval.DecodeNDJSON(data)
		require.NoError(t, err)
		engs := engines(t, data)
		g := refeval.NewGen(elements(t, engs[0].cache, 0), seed)
		nonEmpty := 0
		for i := range 400 {
			q := g.Query(0)
			var want []string
			for _, e := range ref {
				if refeval.Match(e, q) {
					want = append(want, e["elementId"].(string))
				}
			}
			if len(want) > 0 {
				nonEmpty++
			}
			for _, eng := range engs {
				ix := elements(t, eng.cache, 0)
				require.Equal(t, len(ref), ix.Len())
				got, err := ix.Find(q)
				require.NoError(t, err)
				if diff := cmp.Diff(want, got, cmpNilEmpty); diff != "" {
					js, _ := dsl.ExtendedJSON(q)
					t.Fatalf("seed %d query %d %s (-reference +%s):\n%s", seed, i, js, eng.name, diff)
				}
			}
		}
		require.Greater(t, nonEmpty, 100, "too few queries match anything to test much")
	}
}
