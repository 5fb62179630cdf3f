package eval_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
)

// FuzzLoad feeds arbitrary bytes to the loader: it must not panic, and
// must either fail with a *dsl.Error or load an index that answers
// queries consistently.
func FuzzLoad(f *testing.F) {
	// Small seeds only: the fuzzer mutates and runs each many times, and
	// a seed of a few kilobytes makes every run slow.
	for _, s := range []string{
		`{"elementId":"1","name":"a","properties":[{"group":"g","items":[{"key":"floor","value":"F01"},{"key":"h","value":3000.0}]}]}`,
		`[{"elementId":"1","boundingBox":{"min":{"x":-1.5}}},{"elementId":2,"fileId":"7","tags":["a",1,true,null]}]`,
		`{"code":"success","data":[{"elementId":"1","properties":[{"group":"g","items":[{"key":"k","value":true}]}]}],"message":""}`,
		"{\"elementId\":\"a.1\",\"k\":\"\\u00e9\\n\"}\n{\"elementId\":\"b\",\"k\":\"30\"}\n",
		`{"elementId":"","":""}`,
	} {
		f.Add([]byte(s))
		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		zw.Write([]byte(s))
		zw.Close()
		f.Add(gz.Bytes())
	}
	names, _ := filepath.Glob("../testdata/cache/bad/*")
	for _, name := range names {
		if b, err := os.ReadFile(name); err == nil && len(b) <= 512 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ix, err := eval.LoadIndex(bytes.NewReader(data), "fuzz.json", dsl.SelectElements)
		if err != nil {
			var de *dsl.Error
			if !errors.As(err, &de) {
				t.Fatalf("error %T is not a *dsl.Error: %v", err, err)
			}
			return
		}
		checkLoaded(t, ix)
		// The same, mapped from its index file.
		mapped, release, err := eval.MapIndex(ix, t.TempDir())
		if err != nil {
			t.Fatalf("mapping the index file: %v", err)
		}
		defer release()
		checkLoaded(t, mapped)
		if mapped.Len() != ix.Len() {
			t.Fatalf("mapped: %d records, loaded: %d", mapped.Len(), ix.Len())
		}
		for i := range ix.Len() {
			if a, b := ix.ID(i), mapped.ID(i); a != b {
				t.Fatalf("record %d: mapped ID %q, loaded %q", i, b, a)
			}
			if a, b := fmt.Sprint(ix.Record(i)), fmt.Sprint(mapped.Record(i)); a != b { // records and errors
				t.Fatalf("record %d: mapped %s, loaded %s", i, b, a)
			}
		}
		if a, b := fmt.Sprint(ix.Keys()), fmt.Sprint(mapped.Keys()); a != b {
			t.Fatalf("keys: mapped %s, loaded %s", b, a)
		}
	})
}

// checkLoaded checks that ix answers consistently: unique IDs, and Keys,
// Values and Find agreeing.
func checkLoaded(t *testing.T, ix *eval.Index) {
	t.Helper()
	all := map[string]bool{}
	for i := range ix.Len() {
		id := ix.ID(i)
		if all[id] {
			t.Fatalf("duplicate id %q loaded", id)
		}
		all[id] = true
		if _, err := ix.Record(i); err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
	}
	for _, k := range ix.Keys() {
		got, err := ix.Find(dsl.Contain(k.Key, ""))
		if err != nil || len(got) != k.Records {
			t.Fatalf("contain %s '' = %d ids, %v; Keys says %d", k.Key, len(got), err, k.Records)
		}
		n := 0
		for _, v := range ix.Values(k.Key) {
			ids, err := ix.Find(dsl.Match(k.Key, v.Value))
			if err != nil || len(ids) < v.Count {
				t.Fatalf("match %s %v = %d ids, %v; Values says %d", k.Key, v.Value, len(ids), err, v.Count)
			}
			n++
		}
		if n != k.Distinct {
			t.Fatalf("%s: %d values, Keys says %d", k.Key, n, k.Distinct)
		}
	}
}
