package eval_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
	"github.com/bfquery/bfquery/internal/modelgen"
)

// candidates lists, per key, each distinct value (kind and text) with the
// records holding it, from raw records by the package documentation's
// rule: fields, and items with a key and a value.
type candidates map[string]map[string][]string

func (c candidates) add(rec *eval.RawRecord) {
	put := func(key string, kind dsl.Kind, text string) {
		if key == "" || kind == dsl.KindInvalid {
			return
		}
		m := c[key]
		if m == nil {
			m = map[string][]string{}
			c[key] = m
		}
		v := kind.String() + " " + text
		if ids := m[v]; len(ids) == 0 || ids[len(ids)-1] != rec.ID {
			m[v] = append(ids, rec.ID)
		}
	}
	for _, f := range rec.Fields {
		put(f.Key, f.Kind, f.Text)
	}
	for _, p := range rec.Properties {
		put(p.Key, p.Kind, p.Text)
	}
}

// indexCounts lists, per key of ix, each distinct value (kind and text)
// with the number of records holding it, and the records holding the key.
func indexCounts(t *testing.T, ix *eval.Index) (map[string]map[string]int, map[string][]string) {
	counts, holders := map[string]map[string]int{}, map[string][]string{}
	for _, k := range ix.Keys() {
		m := map[string]int{}
		for _, v := range ix.Values(k.Key) {
			m[v.Value.Kind().String()+" "+v.Value.Text()] = v.Count
		}
		counts[string(k.Key)] = m
		ids, err := ix.Find(dsl.Exists(k.Key))
		require.NoError(t, err)
		holders[string(k.Key)] = ids
	}
	return counts, holders
}

// counts reduces candidates to the number of records of each value, which
// is what an index can be compared on value by value.
func (c candidates) counts() map[string]map[string]int {
	out := map[string]map[string]int{}
	for k, m := range c {
		out[k] = map[string]int{}
		for v, ids := range m {
			out[k][v] = len(ids)
		}
	}
	return out
}

// holders lists, per key, the records holding it, in record order.
func (c candidates) holders(order []string) map[string][]string {
	out := map[string][]string{}
	for k, m := range c {
		has := map[string]bool{}
		for _, ids := range m {
			for _, id := range ids {
				has[id] = true
			}
		}
		for _, id := range order {
			if has[id] {
				out[k] = append(out[k], id)
			}
		}
	}
	return out
}

// TestWalkCacheAgreesWithIndex reads caches with WalkCache and checks that
// every key's values, and the records holding each, are what the index
// built by Open holds; and that IDs come in cache order.
func TestWalkCacheAgreesWithIndex(t *testing.T) {
	gen := t.TempDir()
	_, err := modelgen.WriteCache(gen, modelgen.CacheConfig{
		Seed: 4, FileID: "1", Elements: 700, IntegrationID: "2", IntegrationFiles: 3, Format: modelgen.Array, Gzip: true,
	})
	require.NoError(t, err)
	for _, dir := range []string{"../testdata/cache/dir", "../internal/demo/cache", gen} {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			c, err := eval.Open(dir)
			require.NoError(t, err)
			got := map[string]candidates{}
			ids := map[string][]string{}
			fileIDs := map[string]int{}
			_, err = eval.WalkCache(os.DirFS(dir), dir, nil, func(tm *eval.TargetManifest, sel dsl.Select, rec *eval.RawRecord) error {
				name := fmt.Sprintf("%s %s %s", tm.Type, tm.ID, sel)
				if got[name] == nil {
					got[name] = candidates{}
				}
				got[name].add(rec)
				ids[name] = append(ids[name], rec.ID)
				if rec.FileID != "" {
					require.True(t, strings.HasPrefix(rec.ID, rec.FileID+"."), rec.ID)
					fileIDs[rec.FileID]++
				}
				return nil
			})
			require.NoError(t, err)
			n := 0
			for _, tg := range c.Targets() {
				for _, sel := range []dsl.Select{dsl.SelectElements, dsl.SelectRooms, dsl.SelectAreas} {
					ix, err := tg.Index(sel)
					require.NoError(t, err)
					if ix == nil {
						continue
					}
					name := fmt.Sprintf("%s %s %s", tg.Type, tg.ID, sel)
					var want []string
					for i := range ix.Len() {
						want = append(want, ix.ID(i))
					}
					require.Equal(t, want, ids[name], name)
					counts, holders := indexCounts(t, ix)
					if diff := cmp.Diff(counts, got[name].counts()); diff != "" {
						t.Fatalf("%s values (-index +records):\n%s", name, diff)
					}
					if diff := cmp.Diff(holders, got[name].holders(want)); diff != "" {
						t.Fatalf("%s holders (-index +records):\n%s", name, diff)
					}
					n++
				}
			}
			require.Len(t, got, n)
			if dir == gen {
				require.Len(t, fileIDs, 3, "each file of the integration names its records")
			}
		})
	}
}

// TestReadRecordsItems reads one element's items with their groups, units
// and value types, including those the index leaves out.
func TestReadRecordsItems(t *testing.T) {
	src := `{"elementId":7,"fileId":"9","a":{"b":[1,{"c":2},"x"],"d.e":3},"n":null,"properties":[
	{"items":[{"key":"长度","value":3000.0,"unit":"mm","valueType":2},{"key":"k","value":null},{"value":"no key"},{"key":"o","value":{"x":1}}],"group":"尺寸"},
	{"group":"g","items":[{"key":"b","value":true,"valueType":"3"}]}]}`
	var got []eval.RawRecord
	err := eval.ReadRecords(strings.NewReader(src), "x.ndjson", dsl.SelectElements, "", func(r *eval.RawRecord) error {
		c := *r
		c.Fields = append([]eval.Field(nil), r.Fields...)
		c.Properties = append([]eval.Property(nil), r.Properties...)
		got = append(got, c)
		return nil
	})
	require.NoError(t, err)
	want := []eval.RawRecord{{
		ID: "9.7", RawID: "7", FileID: "9",
		Fields: []eval.Field{
			{Key: "elementId", Kind: dsl.KindNumber, Text: "7"},
			{Key: "fileId", Kind: dsl.KindString, Text: "9"},
			{Key: "a.b", Kind: dsl.KindNumber, Text: "1"},
			{Key: "a.b", Kind: dsl.KindString, Text: "x"},
		},
		Properties: []eval.Property{
			{Group: "尺寸", Key: "长度", Kind: dsl.KindNumber, Text: "3000.0", Unit: "mm", ValueType: "2"},
			{Group: "尺寸", Key: "k"},
			{Group: "尺寸", Key: "o"},
			{Group: "g", Key: "b", Kind: dsl.KindBool, Text: "true", ValueType: "3"},
		},
	}}
	require.Empty(t, cmp.Diff(want, got))
}

// TestReadRecordsErrors checks that ReadRecords fails as LoadIndex does,
// on the same damaged files.
func TestReadRecordsErrors(t *testing.T) {
	files, err := filepath.Glob("../testdata/cache/bad/*")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, name := range files {
		t.Run(filepath.Base(name), func(t *testing.T) {
			data, err := os.ReadFile(name)
			require.NoError(t, err)
			_, want := eval.LoadIndex(bytes.NewReader(data), name, dsl.SelectElements)
			require.Error(t, want)
			got := eval.ReadRecords(bytes.NewReader(data), name, dsl.SelectElements, "", func(*eval.RawRecord) error { return nil })
			require.EqualError(t, got, want.Error())
		})
	}
	_, err = eval.WalkCache(os.DirFS("../testdata/cache/badcount"), "../testdata/cache/badcount", nil, func(*eval.TargetManifest, dsl.Select, *eval.RawRecord) error { return nil })
	require.EqualError(t, err, "../testdata/cache/badcount/manifest.json:5:29: file 1124890692330272 counts 3 elements but its files hold 2")
}

// TestReadRecordsSemantics reads the semantics test's elements, every odd
// shape of the package documentation, and compares them with the index.
func TestReadRecordsSemantics(t *testing.T) {
	const name = "../testdata/cache/semantics.json"
	data, err := os.ReadFile(name)
	require.NoError(t, err)
	ix, err := eval.LoadIndex(bytes.NewReader(data), name, dsl.SelectElements)
	require.NoError(t, err)
	got := candidates{}
	var ids []string
	require.NoError(t, eval.ReadRecords(bytes.NewReader(data), name, dsl.SelectElements, "", func(r *eval.RawRecord) error {
		got.add(r)
		ids = append(ids, r.ID)
		return nil
	}))
	require.Len(t, ids, ix.Len())
	counts, holders := indexCounts(t, ix)
	require.Empty(t, cmp.Diff(counts, got.counts()))
	require.Empty(t, cmp.Diff(holders, got.holders(ids)))
}
