package eval

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"unsafe"

	"github.com/bfquery/bfquery/dsl"
)

// FuzzIndexFile feeds arbitrary bytes to the index file reader, seeded
// with small index files: it must refuse them or give an index whose
// queries, values and records run without a panic, damage being an
// error.
func FuzzIndexFile(f *testing.F) {
	for _, s := range []string{
		`{"elementId":"1","name":"a","floor":"F01","properties":[{"group":"g","items":[{"key":"h","value":3000.0},{"key":"t","value":true}]}]}`,
		`{"elementId":"1","floor":"F01"}` + "\n" + `{"elementId":"2","floor":"F02","n":"30"}`,
	} {
		ix, err := LoadIndex(bytes.NewReader([]byte(s)), "seed", dsl.SelectElements)
		if err != nil {
			f.Fatal(err)
		}
		name := filepath.Join(f.TempDir(), "seed"+IndexFileExt)
		if err := WriteIndexFile(ix, name, []PartPrint{{Path: "a.ndjson", Size: int64(len(s))}}); err != nil {
			f.Fatal(err)
		}
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// As a mapping would be: aligned.
		words := make([]uint64, (len(data)+7)/8)
		buf := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(words))), len(words)*8)[:len(data)]
		copy(buf, data)
		ix, _, err := parseIndexFile(buf, "fuzz"+IndexFileExt)
		if err != nil {
			if _, ok := err.(*IndexFileError); !ok {
				t.Fatalf("error %T: %v", err, err)
			}
			return
		}
		if ix.checkIDs() != nil {
			return
		}
		for i := range ix.Len() {
			_ = ix.ID(i)
			_, _ = ix.Record(i)
		}
		for _, k := range ix.Keys() {
			vs, err := ix.ValueCounts(k.Key)
			if err != nil {
				continue
			}
			ix.Find(dsl.Contain(k.Key, ""))
			ix.Find(dsl.Not(dsl.Exists(k.Key)))
			ix.Find(dsl.Like(k.Key, "%0%"))
			ix.Find(dsl.Between(k.Key, -1, 3000))
			for _, v := range vs {
				ix.Find(dsl.Match(k.Key, v.Value))
			}
		}
	})
}
