package eval_test

import (
	"bytes"
	"errors"
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
	files, _ := filepath.Glob("../testdata/cache/*.json")
	more, _ := filepath.Glob("../testdata/cache/*/*.*")
	more2, _ := filepath.Glob("../testdata/cache/*/*/*.*")
	for _, name := range append(append(files, more...), more2...) {
		if b, err := os.ReadFile(name); err == nil {
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
		all := map[string]bool{}
		for i := range ix.Len() {
			id := ix.ID(i)
			if all[id] {
				t.Fatalf("duplicate id %q loaded", id)
			}
			all[id] = true
			_ = ix.Record(i)
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
	})
}
