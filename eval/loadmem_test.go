package eval_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
	"github.com/bfquery/bfquery/internal/refeval"
	"github.com/bfquery/bfquery/parser"
)

// bigRecords returns n records of items property items each, their keys
// drawn from a pool of keys so that a record holds some keys several
// times (with the same value or others), and some top-level fields of
// the same names, before and after the properties, in an order that
// changes from record to record. holders gives, per key and value (kind
// and text), the records that hold it.
func bigRecords(seed uint64, n, items, keys int) (data []byte, holders map[string]map[string]map[int]bool) {
	r := rand.New(rand.NewPCG(seed, 1))
	holders = map[string]map[string]map[int]bool{}
	hold := func(rec, k int, kind dsl.Kind, text string) {
		key := fmt.Sprintf("k%d", k)
		v := fmt.Sprintf("%v %s", kind, text)
		if holders[key] == nil {
			holders[key] = map[string]map[int]bool{}
		}
		if holders[key][v] == nil {
			holders[key][v] = map[int]bool{}
		}
		holders[key][v][rec] = true
	}
	var b []byte
	for i := range n {
		b = fmt.Appendf(b, `{"elementId":"%d"`, i)
		if r.IntN(2) == 0 {
			k, v := r.IntN(keys), r.IntN(5)
			b = fmt.Appendf(b, `,"k%d":"v%d"`, k, v)
			hold(i, k, dsl.KindString, fmt.Sprintf("v%d", v))
		}
		b = append(b, `,"properties":[{"group":"g","items":[`...)
		for j := range items {
			if j > 0 {
				b = append(b, ',')
			}
			k := r.IntN(keys)
			if r.IntN(4) > 0 {
				k = (j*7 + i) % keys // an order that shifts with the record
			}
			switch v := r.IntN(1000); r.IntN(3) {
			case 0:
				b = fmt.Appendf(b, `{"key":"k%d","value":"v%d"}`, k, v%5)
				hold(i, k, dsl.KindString, fmt.Sprintf("v%d", v%5))
			case 1:
				b = fmt.Appendf(b, `{"key":"k%d","value":%d,"unit":"mm"}`, k, v)
				hold(i, k, dsl.KindNumber, fmt.Sprint(v))
			default:
				b = fmt.Appendf(b, `{"key":"k%d","value":"%d"}`, k, v)
				hold(i, k, dsl.KindString, fmt.Sprint(v))
			}
		}
		b = append(b, "]}]"...)
		if r.IntN(2) == 0 {
			k, v := (i*7)%keys, r.IntN(1000)
			b = fmt.Appendf(b, `,"k%d":%d`, k, v)
			hold(i, k, dsl.KindNumber, fmt.Sprint(v))
		}
		b = append(b, "}\n"...)
	}
	return b, holders
}

// TestBigRecords checks the values of records of thousands of values,
// which hold keys several times, and their first candidates, against
// the reference: the loader follows each record's keys and values in
// tables sized by the record, and keeps its working arrays outside the
// Go heap.
func TestBigRecords(t *testing.T) {
	const keys = 3000
	data, holders := bigRecords(1, 40, 4000, keys)
	refs, err := refeval.DecodeNDJSON(data)
	require.NoError(t, err)
	engs := engines(t, data)
	ix := elements(t, engs[0].cache, 0)
	for k := range keys {
		key := fmt.Sprintf("k%d", k)
		vs := ix.Values(dsl.Key(key))
		require.Len(t, vs, len(holders[key]), key)
		for _, vc := range vs {
			v := fmt.Sprintf("%v %s", vc.Value.Kind(), vc.Value.Text())
			require.Equal(t, len(holders[key][v]), vc.Count, "records holding %s = %s", key, v)
		}
	}
	targets := []refeval.Target{{ID: "1", Elements: refs}}
	for k := 1; k < keys; k += 23 {
		other := (k*13 + 1) % keys
		if other == k {
			other = (k + 1) % keys
		}
		text := fmt.Sprintf("SELECT elementId, k%d, k%d FROM file 1", k, other)
		st, err := parser.Compile(text)
		require.NoError(t, err)
		want := refeval.Run(st, targets)
		for _, eng := range engs {
			got, err := eng.cache.Run(st)
			require.NoError(t, err, text)
			if msg := sameRows(want, got.Rows()); msg != "" {
				t.Fatalf("on the %s: %s\n%s\nreference:\n%v\nengine:\n%s", eng.name, msg, text, want, got)
			}
		}
	}
	require.Zero(t, eval.ScratchMapped(), "scratch left mapped")
}

// TestLoadFreesScratch checks that a load gives back its scratch, whether
// it succeeds or fails part way.
func TestLoadFreesScratch(t *testing.T) {
	good := distinctKeys(4, 20_000)
	for _, tc := range []struct {
		name, data, err string
	}{
		{"loaded", string(good), ""},
		{"bad JSON at the end", string(good) + `{"elementId":"x",`, `keys.ndjson:5:18: unexpected end of input, expected a string`},
		{"duplicate ID at the end", string(good) + `{"elementId":"1"}`, `keys.ndjson:5:1: duplicate elementId "1": element 2 has it too`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := eval.LoadIndex(strings.NewReader(tc.data), "keys.ndjson", dsl.SelectElements)
			if tc.err == "" {
				require.NoError(t, err)
			} else {
				require.EqualError(t, err, tc.err)
			}
			require.Zero(t, eval.ScratchMapped(), "scratch left mapped")
		})
	}
	_, err := eval.LoadIndex(bytes.NewReader(good), "keys.ndjson", dsl.SelectElements)
	require.NoError(t, err)
	require.Zero(t, eval.ScratchMapped())
}
