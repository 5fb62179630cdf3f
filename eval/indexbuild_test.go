package eval_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
	"github.com/bfquery/bfquery/internal/modelgen"
)

// buildIndexes writes the index files of every list of every target of
// the cache in dir with IndexBuilder, a file at a time.
func buildIndexes(t *testing.T, dir string) {
	t.Helper()
	m, err := eval.ReadManifest(os.DirFS(dir), eval.ManifestName)
	require.NoError(t, err)
	for i := range m.Targets {
		tm := &m.Targets[i]
		for sel, parts := range map[dsl.Select][]eval.Part{dsl.SelectElements: tm.Elements, dsl.SelectRooms: tm.Rooms, dsl.SelectAreas: tm.Areas} {
			if len(parts) == 0 {
				continue
			}
			ib := eval.NewIndexBuilder(dir, sel)
			for _, p := range parts {
				require.NoError(t, ib.Add(p))
			}
			n, err := ib.Finish()
			require.NoError(t, err)
			require.Positive(t, n)
			require.NoError(t, ib.Write(tm))
			ib.Close()
		}
	}
}

// readIndexes returns the index files under dir by path.
func readIndexes(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*", "*"+eval.IndexFileExt))
	require.NoError(t, err)
	out := map[string][]byte{}
	for _, n := range names {
		b, err := os.ReadFile(n)
		require.NoError(t, err)
		out[n] = b
	}
	return out
}

// TestIndexBuilderSameFiles builds the index files of generated caches
// (several files per list, plain and gzipped) file by file, and checks
// that they are those WriteIndexes writes, byte for byte.
func TestIndexBuilderSameFiles(t *testing.T) {
	for _, gz := range []bool{false, true} {
		dir := t.TempDir()
		_, err := modelgen.WriteCache(dir, modelgen.CacheConfig{
			Seed: 5, FileID: "1001", Elements: 700, IntegrationID: "2002", IntegrationFiles: 3,
			Format: modelgen.NDJSON, Gzip: gz, Pulled: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC),
		})
		require.NoError(t, err)
		base := eval.ScratchMapped()
		buildIndexes(t, dir)
		require.Equal(t, base, eval.ScratchMapped(), "the builders' scratch is freed")
		built := readIndexes(t, dir)
		require.Len(t, built, 4, "elements, rooms and areas of the file, elements of the integration")
		for n := range built {
			require.NoError(t, os.Remove(n))
		}
		require.NoError(t, eval.WriteIndexes(dir, "", ""))
		require.Equal(t, readIndexes(t, dir), built, "gzip %v", gz)

		var notes []string
		c, err := eval.OpenOptions(dir, eval.Options{Notify: func(s string) { notes = append(notes, s) }})
		require.NoError(t, err)
		_, err = c.Index(dsl.TargetIntegration, "2002", dsl.SelectElements)
		require.NoError(t, err)
		require.NoError(t, c.Close())
		require.Empty(t, notes)
	}
}

// TestIndexBuilderErrors checks what IndexBuilder refuses, that a
// failure sticks, and that closing it frees its scratch at any point.
func TestIndexBuilderErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		require.NoError(t, os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644))
	}
	write("g/a.ndjson", `{"elementId":"1","name":"x"}`+"\n"+`{"elementId":"2","name":"y"}`+"\n")
	write("g/b.ndjson", `{"elementId":"3"}`+"\n"+`{"elementId":"1"}`+"\n")
	write("g/c.ndjson", `{"elementId":"4"}`+"\n")
	a, b, c := eval.Part{Path: "g/a.ndjson"}, eval.Part{Path: "g/b.ndjson"}, eval.Part{Path: "g/c.ndjson"}
	tm := func(n int, parts ...eval.Part) *eval.TargetManifest {
		return &eval.TargetManifest{Type: dsl.TargetFile, ID: "9", Counts: eval.Counts{Elements: n}, Elements: parts}
	}
	base := eval.ScratchMapped()
	for _, tc := range []struct {
		name  string
		parts []eval.Part
		tm    *eval.TargetManifest
		want  string // the error of Add, Finish or Write
	}{
		{"missing file", []eval.Part{a, {Path: "g/none.ndjson"}}, nil,
			"open " + filepath.Join(dir, "g", "none.ndjson") + ": no such file or directory"},
		{"duplicate ID across files", []eval.Part{a, b, c}, nil,
			filepath.Join(dir, "g", "b.ndjson") + ":2:1: duplicate elementId \"1\": element 1 of " + filepath.Join(dir, "g", "a.ndjson") + " has it too"},
		{"count", []eval.Part{a, c}, tm(4, a, c), "file 9 counts 4 elements but its files hold 3"},
		{"fewer files", []eval.Part{a, c}, tm(3, a), "file 9 lists 1 files of elements, the index was built from 2"},
		{"other files", []eval.Part{a, c}, tm(3, c, a), "file 9 lists g/c.ndjson as file 1 of elements, the index was built from g/a.ndjson"},
		{"other file ID", []eval.Part{a, c}, tm(3, a, eval.Part{Path: c.Path, FileID: "7"}), "file 9 lists g/c.ndjson (file 7) as file 2 of elements, the index was built from g/c.ndjson"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ib := eval.NewIndexBuilder(dir, dsl.SelectElements)
			defer ib.Close()
			var err error
			for _, p := range tc.parts {
				if err = ib.Add(p); err != nil {
					break
				}
			}
			if err == nil {
				_, err = ib.Finish()
			}
			if err == nil {
				err = ib.Write(tc.tm)
			} else {
				require.EqualError(t, ib.Add(c), err.Error(), "a failure sticks")
				_, ferr := ib.Finish()
				require.EqualError(t, ferr, err.Error(), "a failure sticks")
			}
			require.EqualError(t, err, tc.want)
			ib.Close()
			require.Equal(t, base, eval.ScratchMapped())
			idx, _ := filepath.Glob(filepath.Join(dir, "g", "*"+eval.IndexFileExt))
			require.Empty(t, idx, "no index file written")
		})
	}

	// Closed half way, or never finished.
	ib := eval.NewIndexBuilder(dir, dsl.SelectElements)
	require.NoError(t, ib.Add(a))
	ib.Close()
	ib.Close()
	require.Equal(t, base, eval.ScratchMapped())
	ib = eval.NewIndexBuilder(dir, dsl.SelectElements)
	require.EqualError(t, ib.Write(tm(0)), "eval: IndexBuilder.Write before Finish")
	_, err := ib.Finish()
	require.EqualError(t, err, "eval: IndexBuilder.Finish without a file")
}
