package export_test

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/parquet-go/parquet-go"
	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
	"github.com/bfquery/bfquery/export"
	"github.com/bfquery/bfquery/internal/demo"
	"github.com/bfquery/bfquery/internal/modelgen"
)

func readParquet[T any](t *testing.T, name string) []T {
	t.Helper()
	rows, err := parquet.ReadFile[T](name)
	require.NoError(t, err)
	return rows
}

func partFiles(t *testing.T, out, table, id, ext string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(out, export.PartitionDir(table, id), "part-*"+ext))
	require.NoError(t, err)
	return files
}

// TestExportParquet exports a generated cache and reads the files back:
// one element row per record in cache order, one properties row per
// top-level scalar and per property item, each file sorted by key with a
// row group's statistics bounding its keys, and zstd throughout.
func TestExportParquet(t *testing.T) {
	cache, out := t.TempDir(), t.TempDir()
	_, err := modelgen.WriteCache(cache, modelgen.CacheConfig{Seed: 3, FileID: "11", Elements: 900, IntegrationID: "22", IntegrationFiles: 2, Format: modelgen.Array})
	require.NoError(t, err)
	st, err := export.Export(cache, out, export.Options{RunRows: 7000})
	require.NoError(t, err)
	c, err := eval.Open(cache)
	require.NoError(t, err)

	// What WalkCache sees is what the files must hold.
	wantProps := map[string]int64{}
	wantRecords := 0
	// Each record's rows by pos: its fields, then its items.
	byPos := map[string][]string{}
	_, err = eval.WalkCache(os.DirFS(cache), cache, nil, func(tm *eval.TargetManifest, sel dsl.Select, rec *eval.RawRecord) error {
		wantProps[tm.ID] += int64(len(rec.Fields) + len(rec.Properties))
		wantRecords++
		rows := []string{}
		for _, f := range rec.Fields {
			rows = append(rows, f.Key+"="+f.Text)
		}
		for _, it := range rec.Properties {
			rows = append(rows, it.Key+"="+it.Text)
		}
		byPos[tm.ID+" "+export.KindName(sel)+" "+rec.ID] = rows
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, &export.Stats{Targets: 2, Records: wantRecords, Properties: wantProps["11"] + wantProps["22"], Files: st.Files}, st)

	for _, tg := range c.Targets() {
		els := readParquet[export.Element](t, partFiles(t, out, export.ElementsTable, tg.ID, ".parquet")[0])
		var ids []string
		for _, sel := range []dsl.Select{dsl.SelectElements, dsl.SelectRooms, dsl.SelectAreas} {
			ix, err := tg.Index(sel)
			require.NoError(t, err)
			if ix == nil {
				continue
			}
			for i := range ix.Len() {
				ids = append(ids, export.KindName(sel)+" "+ix.ID(i))
				e := els[len(ids)-1]
				require.Equal(t, int64(i), e.Seq)
				r, err := ix.Record(i)
				require.NoError(t, err)
				require.Equal(t, r.Name, deref(e.Name), r.ID)
				require.Equal(t, r.Category, deref(e.CategoryName), r.ID)
				require.Equal(t, r.Floor, deref(e.Floor), r.ID)
				require.Equal(t, string(tg.Type), e.TargetType)
				if tg.Type == dsl.TargetIntegration {
					require.True(t, strings.HasPrefix(e.ID, e.FileID+"."), e.ID)
				} else {
					require.Equal(t, tg.ID, e.FileID)
				}
				if sel == dsl.SelectElements {
					require.NotNil(t, e.MaxZ, e.ID)
				}
			}
		}
		var got []string
		for _, e := range els {
			got = append(got, e.Kind+" "+e.ID)
		}
		require.Equal(t, ids, got)

		files := partFiles(t, out, export.PropertiesTable, tg.ID, ".parquet")
		require.Len(t, files, int((wantProps[tg.ID]+6999)/7000), "one file per run")
		var n int64
		for _, name := range files {
			rows := readParquet[export.Property](t, name)
			n += int64(len(rows))
			require.True(t, slices.IsSortedFunc(rows, func(a, b export.Property) int { return strings.Compare(a.Key, b.Key) }), name)
			for _, r := range rows {
				rec := byPos[tg.ID+" "+r.Kind+" "+r.ID]
				require.Less(t, int(r.Pos), len(rec), r.ID)
				require.Equal(t, rec[r.Pos], r.Key+"="+deref(r.ValueText), "pos %d of %s", r.Pos, r.ID)
			}
			f, err := os.Open(name)
			require.NoError(t, err)
			fi, _ := f.Stat()
			pf, err := parquet.OpenFile(f, fi.Size())
			require.NoError(t, err)
			keyCol := slices.Index(export.PropertyColumns, "key")
			for _, rg := range pf.Metadata().RowGroups {
				cc := rg.Columns[keyCol].MetaData
				require.Equal(t, "ZSTD", cc.Codec.String())
				require.NotEmpty(t, cc.Statistics.MinValue, "row groups carry the key's bounds")
				require.Equal(t, []string{"key"}, pf.Schema().Columns()[rg.SortingColumns[0].ColumnIdx])
			}
			f.Close()
		}
		require.Equal(t, wantProps[tg.ID], n)
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// TestExportFormats writes the demo model in the three formats and checks
// that they hold the same rows.
func TestExportFormats(t *testing.T) {
	out := map[export.Format]string{}
	for _, f := range export.Formats {
		out[f] = t.TempDir()
		_, err := export.ExportFS(demo.FS(), "", out[f], export.Options{Format: f})
		require.NoError(t, err)
	}
	props := readParquet[export.Property](t, partFiles(t, out[export.Parquet], export.PropertiesTable, demo.FileID, ".parquet")[0])
	els := readParquet[export.Element](t, partFiles(t, out[export.Parquet], export.ElementsTable, demo.FileID, ".parquet")[0])

	var fromJSON []export.Property
	f, err := os.Open(partFiles(t, out[export.NDJSON], export.PropertiesTable, demo.FileID, ".ndjson")[0])
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var p export.Property
		require.NoError(t, json.Unmarshal(sc.Bytes(), &p))
		fromJSON = append(fromJSON, p)
	}
	require.NoError(t, sc.Err())
	require.Empty(t, cmp.Diff(props, fromJSON))

	f2, err := os.Open(partFiles(t, out[export.CSV], export.ElementsTable, demo.FileID, ".csv")[0])
	require.NoError(t, err)
	defer f2.Close()
	recs, err := csv.NewReader(f2).ReadAll()
	require.NoError(t, err)
	require.Equal(t, export.ElementColumns, recs[0])
	require.Len(t, recs, len(els)+1)
	require.Equal(t, []string{"file", "element", "0", els[0].ID, demo.FileID, els[0].RecordID, *els[0].Name}, recs[1][:7])
}

// TestExportReplaces exports two caches into one dataset, then one of
// them again: the dataset holds each target once.
func TestExportReplaces(t *testing.T) {
	a, b, out := t.TempDir(), t.TempDir(), t.TempDir()
	_, err := modelgen.WriteCache(a, modelgen.CacheConfig{Seed: 1, FileID: "1", Elements: 50, Format: modelgen.NDJSON})
	require.NoError(t, err)
	_, err = modelgen.WriteCache(b, modelgen.CacheConfig{Seed: 2, FileID: "2", Elements: 70, Format: modelgen.NDJSON})
	require.NoError(t, err)
	for _, dir := range []string{a, b, a} {
		_, err := export.Export(dir, out, export.Options{})
		require.NoError(t, err)
	}
	for id, n := range map[string]int{"1": 50, "2": 70} {
		els := readParquet[export.Element](t, partFiles(t, out, export.ElementsTable, id, ".parquet")[0])
		kinds := map[string]int{}
		for _, e := range els {
			kinds[e.Kind]++
		}
		require.Equal(t, n, kinds["element"])
	}
	entries, err := os.ReadDir(out)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	require.Equal(t, []string{"elements", "properties"}, names, "no temporary directory is left")
}

// TestExportErrors: nothing is written when the cache is damaged, or a
// target is missing, and the errors say why.
func TestExportErrors(t *testing.T) {
	dup := t.TempDir()
	_, err := modelgen.WriteCache(dup, modelgen.CacheConfig{Seed: 1, FileID: "7", Elements: 5, IntegrationID: "7", IntegrationFiles: 2, Format: modelgen.NDJSON})
	require.NoError(t, err)
	tests := []struct {
		name, cache string
		opt         export.Options
		want        string
	}{
		{"count", "../testdata/cache/badcount", export.Options{}, "../testdata/cache/badcount/manifest.json:5:29: file 1124890692330272 counts 3 elements but its files hold 2"},
		{"not a cache", "../testdata", export.Options{}, "../testdata is not a bfquery cache: open manifest.json: no such file or directory"},
		{"missing target", "../testdata/cache/dir", export.Options{Files: []string{"9"}}, "file 9 is not in the cache, which holds file 1124890692330272, integration 1648888854324400"},
		{"format", "../testdata/cache/dir", export.Options{Format: "xlsx"}, `unknown format "xlsx": must be parquet, csv or ndjson`},
		{"shared partition", dup, export.Options{}, "file 7 and integration 7 would share the partition target_id=7: export them into different datasets"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			_, err := export.Export(tc.cache, out, tc.opt)
			require.EqualError(t, err, tc.want)
			entries, err := os.ReadDir(out)
			require.NoError(t, err)
			require.Empty(t, entries)
		})
	}
}

// TestExportKeyRowGroups checks that a key's properties rows span no more
// row groups than their number needs: a key that fits in a row group is in
// one, so that a reader looking for it skips every other.
func TestExportKeyRowGroups(t *testing.T) {
	cache, out := t.TempDir(), t.TempDir()
	_, err := modelgen.WriteCache(cache, modelgen.CacheConfig{Seed: 5, FileID: "11", Elements: 700, Format: modelgen.NDJSON})
	require.NoError(t, err)
	const groupRows = 1000
	_, err = export.Export(cache, out, export.Options{RunRows: 9000, RowGroupRows: groupRows})
	require.NoError(t, err)
	files := partFiles(t, out, export.PropertiesTable, "11", ".parquet")
	require.Greater(t, len(files), 1)
	for _, name := range files {
		f, err := os.Open(name)
		require.NoError(t, err)
		fi, err := f.Stat()
		require.NoError(t, err)
		pf, err := parquet.OpenFile(f, fi.Size())
		require.NoError(t, err)
		rows := map[string]int{}
		for _, p := range readParquet[export.Property](t, name) {
			rows[p.Key]++
		}
		groups := map[string]int{}
		var sizes []int64
		for _, rg := range pf.RowGroups() {
			sizes = append(sizes, rg.NumRows())
			keys := map[string]bool{}
			r := parquet.NewGenericRowGroupReader[export.Property](rg)
			buf := make([]export.Property, rg.NumRows())
			n, _ := r.Read(buf)
			require.EqualValues(t, rg.NumRows(), n)
			for _, p := range buf {
				keys[p.Key] = true
			}
			r.Close()
			for k := range keys {
				groups[k]++
			}
		}
		require.Greater(t, len(sizes), 2, name)
		for k, n := range rows {
			require.LessOrEqual(t, groups[k], (n+groupRows-1)/groupRows, "%s: key %q, %d rows, row groups of %v", name, k, n, sizes)
		}
		for _, s := range sizes {
			require.LessOrEqual(t, s, int64(groupRows))
		}
		f.Close()
	}
}
