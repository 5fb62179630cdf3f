package output_test

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
	"github.com/bfquery/bfquery/internal/modelgen"
	"github.com/bfquery/bfquery/internal/output"
)

// oddIDs are elements whose IDs encoding/json escapes, and one longer
// than the writer's buffer.
var oddIDs = `{"elementId":"a<b","floor":"F01"}
{"elementId":"c>d","floor":"F02"}
{"elementId":"e&f","floor":"F01"}
{"elementId":"q\"uote\\back","floor":"F01"}
{"elementId":"é\u2028\u0001","floor":"F02"}
{"elementId":"` + strings.Repeat("x", 70000) + `","floor":"F01"}
{"elementId":"plain","floor":"F02"}
`

// genCache is a cache of two generated files, "1" of n elements and "2"
// of the odd IDs.
func genCache(t testing.TB, n int) *eval.Cache {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, modelgen.WriteElements(&buf, modelgen.Config{Elements: n, Seed: 1}, modelgen.NDJSON))
	ix1, err := eval.LoadIndex(&buf, "1.ndjson", dsl.SelectElements)
	require.NoError(t, err)
	ix2, err := eval.LoadIndex(strings.NewReader(oddIDs), "2.ndjson", dsl.SelectElements)
	require.NoError(t, err)
	return eval.NewCache(
		eval.NewTarget(dsl.TargetFile, "1", ix1, nil, nil),
		eval.NewTarget(dsl.TargetFile, "2", ix2, nil, nil))
}

func write(t testing.TB, f output.Format, answers ...output.Answer) string {
	var buf bytes.Buffer
	w := output.NewWriter(&buf, f)
	for _, a := range answers {
		require.NoError(t, w.Write(a))
	}
	require.NoError(t, w.Flush())
	return buf.String()
}

// TestSetsWriteAsResults checks that answers given as match sets write
// the same bytes as the same answers given as IDs, in every format.
func TestSetsWriteAsResults(t *testing.T) {
	c := genCache(t, 12000)
	var sts []dsl.Statement
	for _, req := range []dsl.Request{
		dsl.File("1", "2").Where(dsl.Exists(dsl.Floor)),
		dsl.File("2", "1").Where(dsl.Match(dsl.Floor, "F01")),
		dsl.File("1").Where(dsl.Match(dsl.Floor, "no such floor")),
		dsl.File("2").Where(dsl.Match(dsl.Floor, "F02")),
	} {
		sts = append(sts, dsl.Statement{Select: dsl.SelectElements, Request: req})
	}
	var want, got []output.Answer
	for _, st := range sts {
		w, err := output.FromCache(c, st, false)
		require.NoError(t, err)
		g, err := output.SetsFromCache(c, st)
		require.NoError(t, err)
		require.Nil(t, g.Results)
		require.Len(t, g.Sets, len(st.Request.TargetIDs()))
		require.Equal(t, w.Len(), g.Len())
		want, got = append(want, w), append(got, g)
	}
	for _, f := range output.Formats {
		t.Run(string(f), func(t *testing.T) {
			w := write(t, f, want...)
			if f != output.Count {
				require.Greater(t, len(w), 70000, "the long ID")
			}
			require.Equal(t, w, write(t, f, got...))
		})
	}
}

// TestSetsWriteWithoutStrings checks that the ids and json formats
// write match sets without allocating for each ID.
func TestSetsWriteWithoutStrings(t *testing.T) {
	c := genCache(t, 5000)
	a, err := output.SetsFromCache(c, dsl.Statement{Select: dsl.SelectElements, Request: dsl.File("1").Where(dsl.Exists("elementId"))})
	require.NoError(t, err)
	require.Equal(t, 5000, a.Len())
	for _, f := range []output.Format{output.IDs, output.JSON} {
		w := output.NewWriter(io.Discard, f)
		allocs := testing.AllocsPerRun(5, func() {
			require.NoError(t, w.Write(a))
		})
		require.Less(t, allocs, 50.0, "%s: %v allocations for 5000 IDs", f, allocs)
	}
}

var (
	bigOnce  sync.Once
	bigCache *eval.Cache
)

// BenchmarkWriteIDs writes the 100,000 IDs of a query that matches every
// element, in the ids and json formats: from the match set as written
// (sets), and the old way, a string made for each ID first (strings).
func BenchmarkWriteIDs(b *testing.B) {
	bigOnce.Do(func() { bigCache = genCache(b, 100000) })
	st := dsl.Statement{Select: dsl.SelectElements, Request: dsl.File("1").Where(dsl.Exists("elementId"))}
	for _, f := range []output.Format{output.IDs, output.JSON} {
		for _, way := range []struct {
			name   string
			answer func() (output.Answer, error)
		}{
			{"strings", func() (output.Answer, error) { return output.FromCache(bigCache, st, false) }},
			{"sets", func() (output.Answer, error) { return output.SetsFromCache(bigCache, st) }},
		} {
			b.Run(fmt.Sprintf("%s/%s", f, way.name), func(b *testing.B) {
				b.ReportAllocs()
				w := output.NewWriter(io.Discard, f)
				for b.Loop() {
					a, err := way.answer()
					if err != nil {
						b.Fatal(err)
					}
					if err := w.Write(a); err != nil {
						b.Fatal(err)
					}
				}
				if err := w.Flush(); err != nil {
					b.Fatal(err)
				}
			})
		}
	}
}
