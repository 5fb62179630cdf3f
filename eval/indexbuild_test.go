package eval_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
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

// splitCache writes into a new directory the cache of one generated file
// of n elements, its elements in files of per records each, and returns
// the directory.
func splitCache(t testing.TB, n, per int) string {
	t.Helper()
	src := t.TempDir()
	m, err := modelgen.WriteCache(src, modelgen.CacheConfig{Seed: 8, FileID: "1", Elements: n, Format: modelgen.NDJSON})
	require.NoError(t, err)
	text, err := os.ReadFile(filepath.Join(src, filepath.FromSlash(m.Targets[0].Elements[0].Path)))
	require.NoError(t, err)
	lines := strings.SplitAfter(strings.TrimSpace(string(text)), "\n")
	require.Len(t, lines, n)
	dir := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, "p"), 0o755))
	tm := m.Targets[0]
	tm.Elements, tm.Rooms, tm.Areas = nil, nil, nil
	tm.Counts = eval.Counts{Elements: n}
	for i := 0; i < n; i += per {
		p := eval.Part{Path: fmt.Sprintf("p/%06d.ndjson", i/per)}
		require.NoError(t, os.WriteFile(filepath.Join(dir, p.Path), []byte(strings.Join(lines[i:min(i+per, n)], "")), 0o644))
		tm.Elements = append(tm.Elements, p)
	}
	require.NoError(t, eval.WriteManifest(dir, &eval.Manifest{Version: eval.ManifestVersion, Targets: []eval.TargetManifest{tm}}))
	return dir
}

// TestLoadManyFiles loads one list of records from one file and from
// many small ones (the reader's memory kept from file to file): the
// answers are the same.
func TestLoadManyFiles(t *testing.T) {
	one, err := eval.OpenOptions(splitCache(t, 1500, 1500), eval.Options{NoIndex: true})
	require.NoError(t, err)
	many, err := eval.OpenOptions(splitCache(t, 1500, 7), eval.Options{NoIndex: true})
	require.NoError(t, err)
	qs := queriesFor(t, one, 200, 3)
	if diff := cmp.Diff(answers(one, qs), answers(many, qs)); diff != "" {
		t.Fatalf("(-one file +files of 7 records):\n%s", diff)
	}
}

// BenchmarkIndexBuilderFiles reads 100,000 generated elements into an
// IndexBuilder from one file and from 100 files of 1000, as a pull saves
// them: the second should cost about what the first does.
func BenchmarkIndexBuilderFiles(b *testing.B) {
	for _, c := range []struct {
		name string
		per  int
	}{{"one", 100000}, {"1000", 1000}} {
		dir := splitCache(b, 100000, c.per)
		m, err := eval.ReadManifest(os.DirFS(dir), eval.ManifestName)
		require.NoError(b, err)
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				ib := eval.NewIndexBuilder(dir, dsl.SelectElements)
				for _, p := range m.Targets[0].Elements {
					require.NoError(b, ib.Add(p))
				}
				ib.Close()
			}
		})
	}
}
