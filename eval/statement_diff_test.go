package eval_test

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/internal/modelgen"
	"github.com/bfquery/bfquery/internal/refeval"
	"github.com/bfquery/bfquery/parser"
)

// oddRecords are elements whose first candidates need the loader's help:
// a property item before the top-level field, a key in two groups with
// different values, an array, a value repeated, numeric strings beside
// numbers, booleans and text where numbers are usual.
const oddRecords = `{"properties":[{"group":"g","items":[{"key":"name","value":"item first"},{"key":"floor","value":"F99"},{"key":"体积","value":"2.5"}]}],"elementId":"900001","name":"top later","floor":["F98","F97"]}
{"elementId":"900002","properties":[{"group":"a","items":[{"key":"体积","value":true},{"key":"floor","value":"F01"}]},{"group":"b","items":[{"key":"体积","value":7},{"key":"floor","value":"F02"},{"key":"floor","value":"F01"}]}]}
{"elementId":"900003","floor":"F01","properties":[{"group":"a","items":[{"key":"floor","value":"F03"},{"key":"体积","value":"abc"},{"key":"体积","value":1e2}]}]}
{"elementId":"900004","properties":[{"group":"a","items":[{"key":"体积","value":30},{"key":"体积","value":"30.0"},{"key":"categoryName","value":"墙"}]}]}
`

// TestStatementDifferential checks Cache.Run, on the JSON loaded and on
// the index files mapped, against the reference on generated models and
// random statements with SELECT lists, over one target and over two, over
// elements and over rooms. Each statement runs as the text Format writes
// compiles, so that the text of every construct is tested too.
func TestStatementDifferential(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		var datas, rooms [2][]byte
		var refs, roomRefs [2][]refeval.Element
		for i := range 2 {
			var buf bytes.Buffer
			require.NoError(t, modelgen.WriteElements(&buf, modelgen.Config{Elements: 400, Seed: seed*10 + uint64(i)}, modelgen.NDJSON))
			if i == 0 {
				buf.WriteString(oddRecords)
			}
			datas[i] = buf.Bytes()
			var err error
			refs[i], err = refeval.DecodeNDJSON(datas[i])
			require.NoError(t, err)
			// Rooms of other generated records, so that a statement
			// that read elements instead would differ: rooms are
			// shaped as elements are, but for their id.
			var rbuf bytes.Buffer
			require.NoError(t, modelgen.WriteElements(&rbuf, modelgen.Config{Elements: 150, Seed: seed*10 + uint64(i) + 5}, modelgen.NDJSON))
			rooms[i] = bytes.ReplaceAll(rbuf.Bytes(), []byte(`"elementId":`), []byte(`"id":`))
			roomRefs[i], err = refeval.DecodeNDJSON(rooms[i])
			require.NoError(t, err)
		}
		engs := enginesWithRooms(t, datas[:], rooms[:])
		g := refeval.NewGen(elements(t, engs[0].cache, 0), seed)
		rowsSeen, roomRows := 0, 0
		for i := range 300 {
			sel, recs := dsl.SelectElements, refs
			if i%4 == 3 {
				sel, recs = dsl.SelectRooms, roomRefs
			}
			targets := []refeval.Target{{ID: "1", Elements: recs[0]}}
			req := dsl.File("1")
			if i%3 == 2 {
				targets = append(targets, refeval.Target{ID: "2", Elements: recs[1]})
				req = dsl.File("1", "2")
			}
			st := g.Statement(req, len(targets)).Of(sel)
			text, err := parser.Format(st)
			require.NoError(t, err)
			st, err = parser.Compile(text)
			require.NoError(t, err, text)
			require.Equal(t, sel, st.Select, text)
			want := refeval.Run(st, targets)
			rowsSeen += len(want)
			if sel == dsl.SelectRooms {
				roomRows += len(want)
			}
			for _, eng := range engs {
				got, err := eng.cache.Run(st)
				require.NoError(t, err, text)
				if msg := sameRows(want, got.Rows()); msg != "" {
					t.Fatalf("seed %d statement %d on the %s: %s\n%s\nreference:\n%v\nengine:\n%s", seed, i, eng.name, msg, text, want, got)
				}
			}
		}
		require.Greater(t, rowsSeen, 1000, "too few rows to test much")
		require.Greater(t, roomRows, 200, "too few rows of rooms to test much")
	}
}

// sameRows compares rows cell by cell: the same kind and text, except
// computed numbers, which compare as numbers.
func sameRows(want, got [][]dsl.Value) string {
	if len(want) != len(got) {
		return fmt.Sprintf("%d rows, want %d", len(got), len(want))
	}
	for i := range want {
		if len(want[i]) != len(got[i]) {
			return fmt.Sprintf("row %d has %d cells, want %d", i, len(got[i]), len(want[i]))
		}
		for j, w := range want[i] {
			g := got[i][j]
			if w == g {
				continue
			}
			if w.Kind() == dsl.KindNumber && g.Kind() == dsl.KindNumber {
				a, _ := strconv.ParseFloat(w.Text(), 64)
				b, _ := strconv.ParseFloat(g.Text(), 64)
				if a == b || math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b)) {
					continue
				}
			}
			return fmt.Sprintf("row %d cell %d is %v (%v), want %v (%v)", i, j, g, g.Kind(), w, w.Kind())
		}
	}
	return ""
}
