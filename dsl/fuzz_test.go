package dsl_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/bfquery/bfquery/dsl"
)

// FuzzUnmarshal feeds arbitrary bytes to Unmarshal. It fails only on a
// panic or a broken round trip: whatever Unmarshal accepts must marshal,
// read back to an equivalent request, and marshal to the same bytes again.
func FuzzUnmarshal(f *testing.F) {
	paths, _ := filepath.Glob("../testdata/examples/*.json")
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"targetType":"integration","targetIds":[1,"a"],"query":{"in":{"楼层":["F1",2,true]},"match":{"a":1e3}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := dsl.Unmarshal(data)
		if err != nil {
			return
		}
		out, err := r.MarshalJSON()
		if err != nil {
			t.Fatalf("accepted %q but cannot marshal it: %v", data, err)
		}
		back, err := dsl.Unmarshal(out)
		if err != nil {
			t.Fatalf("cannot read back %s: %v", out, err)
		}
		again, err := back.MarshalJSON()
		if err != nil || string(again) != string(out) {
			t.Fatalf("round trip changed\n%s\ninto\n%s (%v)", out, again, err)
		}
		if !dsl.Equivalent(r, back) {
			t.Fatalf("round trip changed the meaning:\n%s", dsl.Diff(r, back))
		}
		n := dsl.Normalize(r)
		if !dsl.Equivalent(n, dsl.Normalize(n)) || !dsl.Equivalent(r, n) {
			t.Fatalf("normalizing %s is not stable", out)
		}
	})
}
