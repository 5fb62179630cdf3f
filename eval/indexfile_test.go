package eval_test

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
	"github.com/bfquery/bfquery/internal/demo"
	"github.com/bfquery/bfquery/internal/modelgen"
	"github.com/bfquery/bfquery/internal/refeval"
)

// genCache writes a generated cache of a file and an integration, with
// their index files, and returns its directory.
func genCache(t testing.TB, n int, seed uint64) string {
	dir := t.TempDir()
	_, err := modelgen.WriteCache(dir, modelgen.CacheConfig{
		Seed: seed, FileID: "1001", Elements: n, IntegrationID: "2002", IntegrationFiles: 2,
		Format: modelgen.NDJSON, Pulled: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC),
	})
	require.NoError(t, err)
	require.NoError(t, eval.WriteIndexes(dir, "", ""))
	return dir
}

// answers runs queries on every list of every target of c, and returns
// the answers as text, errors included, one list's after the other's.
func answers(c *eval.Cache, qs []dsl.Query) []string { return slices.Concat(listAnswers(c, qs)...) }

// listAnswers is answers by list of records: one list's answers are an
// error alone when the list cannot be opened.
func listAnswers(c *eval.Cache, qs []dsl.Query) [][]string {
	var lists [][]string
	for _, tg := range c.Targets() {
		for _, sel := range []dsl.Select{dsl.SelectElements, dsl.SelectRooms, dsl.SelectAreas} {
			var out []string
			ix, err := tg.Index(sel)
			if err != nil || ix == nil {
				lists = append(lists, []string{errText(err)})
				continue
			}
			for _, q := range qs {
				ids, err := ix.Find(q)
				b, _ := json.Marshal(ids)
				out = append(out, string(b)+errText(err))
			}
			for _, k := range ix.Keys() {
				vs, err := ix.ValueCounts(k.Key)
				b, _ := json.Marshal(vs)
				out = append(out, string(k.Key)+string(b)+errText(err))
			}
			for i := range ix.Len() {
				r, err := ix.Record(i)
				b, _ := json.Marshal(r)
				out = append(out, string(b)+errText(err))
			}
			lists = append(lists, out)
		}
	}
	return lists
}

func errText(err error) string {
	if err != nil {
		return " error: " + err.Error()
	}
	return ""
}

func queriesFor(t testing.TB, c *eval.Cache, n int, seed uint64) []dsl.Query {
	g := refeval.NewGen(elements(t, c, 0), seed)
	qs := make([]dsl.Query, n)
	for i := range qs {
		qs[i] = g.Query(0)
	}
	return qs
}

// TestIndexFileAnswers compares the mapped index files with the JSON on
// random queries, keys, values and records.
func TestIndexFileAnswers(t *testing.T) {
	for _, seed := range []uint64{1, 2} {
		dir := genCache(t, 500, seed)
		var notes []string
		mapped, err := eval.OpenOptions(dir, eval.Options{Notify: func(s string) { notes = append(notes, s) }})
		require.NoError(t, err)
		defer mapped.Close()
		require.Empty(t, notes)
		loaded, err := eval.OpenOptions(dir, eval.Options{NoIndex: true})
		require.NoError(t, err)
		qs := queriesFor(t, loaded, 300, seed)
		want, got := answers(loaded, qs), answers(mapped, qs)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("seed %d (-JSON +index file):\n%s", seed, diff)
		}
		files, _ := filepath.Glob(filepath.Join(dir, "*", "*"+eval.IndexFileExt))
		require.Len(t, files, 4, "elements, rooms and areas of the file, elements of the integration")
	}
}

// TestIndexFileDemo compares the demo model answered from its JSON and
// from index files written from it.
func TestIndexFileDemo(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.CopyFS(dir, demo.FS()))
	require.NoError(t, eval.WriteIndexes(dir, "", ""))
	mapped, err := eval.Open(dir)
	require.NoError(t, err)
	defer mapped.Close()
	loaded, err := demo.Open()
	require.NoError(t, err)
	qs := queriesFor(t, loaded, 300, 3)
	require.Equal(t, answers(loaded, qs), answers(mapped, qs))
}

// TestIndexFileStale changes an element file after its index was
// written: the index is rebuilt, with a note, and answers for the new
// content; where it cannot be rewritten it is ignored.
func TestIndexFileStale(t *testing.T) {
	dir := genCache(t, 200, 1)
	part, err := filepath.Glob(filepath.Join(dir, "file-1001*", "elements*.ndjson"))
	require.NoError(t, err)
	require.Len(t, part, 1)
	data, err := os.ReadFile(part[0])
	require.NoError(t, err)
	i := strings.Index(string(data), `"F01"`)
	require.Positive(t, i)
	copy(data[i:], `"G01"`) // same size
	require.NoError(t, os.WriteFile(part[0], data, 0o644))
	later := time.Now().Add(time.Hour)
	require.NoError(t, os.Chtimes(part[0], later, later))

	idx, err := filepath.Glob(filepath.Join(dir, "file-1001*", "*.elements"+eval.IndexFileExt))
	require.NoError(t, err)
	require.Len(t, idx, 1)
	rel, _ := filepath.Rel(dir, part[0])
	var notes []string
	c, err := eval.OpenOptions(dir, eval.Options{Notify: func(s string) { notes = append(notes, s) }})
	require.NoError(t, err)
	require.Empty(t, notes, "lists are opened on first use")
	got, err := elements(t, c, 0).Find(dsl.Match("floor", "G01"))
	require.NoError(t, err)
	require.Equal(t, []string{"index file " + idx[0] + ": stale: " + filepath.ToSlash(rel) + " changed: rebuilt"}, notes)
	require.NotEmpty(t, got)
	c.Close()

	// Now current: used without a note, with the same answer.
	notes = nil
	c, err = eval.OpenOptions(dir, eval.Options{Notify: func(s string) { notes = append(notes, s) }})
	require.NoError(t, err)
	again, err := elements(t, c, 0).Find(dsl.Match("floor", "G01"))
	require.NoError(t, err)
	require.Empty(t, notes)
	require.Equal(t, got, again)
	c.Close()

	// A copy of the cache keeps its index: times differ, contents do not.
	require.NoError(t, os.Chtimes(part[0], later.Add(time.Hour), later.Add(time.Hour)))
	notes = nil
	c, err = eval.OpenOptions(dir, eval.Options{Notify: func(s string) { notes = append(notes, s) }})
	require.NoError(t, err)
	elements(t, c, 0)
	require.Empty(t, notes)
	c.Close()

	// Damaged where it cannot be replaced (a directory is in its place):
	// ignored, and the JSON answers.
	require.NoError(t, os.Remove(idx[0]))
	require.NoError(t, os.MkdirAll(filepath.Join(idx[0], "x"), 0o755))
	notes = nil
	c, err = eval.OpenOptions(dir, eval.Options{Notify: func(s string) { notes = append(notes, s) }})
	require.NoError(t, err)
	again, err = elements(t, c, 0).Find(dsl.Match("floor", "G01"))
	require.NoError(t, err)
	require.Len(t, notes, 1)
	require.Contains(t, notes[0], "index file "+idx[0]+": ")
	require.Contains(t, notes[0], ": ignored, as it cannot be rebuilt (")
	require.Equal(t, got, again)
}

// TestIndexFileDamage flips bytes all over an index file: opening it
// must rebuild it; a query through an Index must fail with an error
// naming it; Cache.Run must mend it, as it finds the damage, and answer
// from the JSON. Never a different answer.
func TestIndexFileDamage(t *testing.T) {
	dir := genCache(t, 300, 2)
	idx, err := filepath.Glob(filepath.Join(dir, "file-1001*", "*.elements"+eval.IndexFileExt))
	require.NoError(t, err)
	good, err := os.ReadFile(idx[0])
	require.NoError(t, err)
	loaded, err := eval.OpenOptions(dir, eval.Options{NoIndex: true})
	require.NoError(t, err)
	qs := queriesFor(t, loaded, 60, 2)
	want := listAnswers(loaded, qs)
	g := refeval.NewGen(elements(t, loaded, 0), 2)
	var sts []dsl.Statement
	var wantTables [][]string
	for range 8 {
		st := g.Statement(dsl.File("1001"), 1)
		tb, err := loaded.Run(st)
		require.NoError(t, err)
		sts, wantTables = append(sts, st), append(wantTables, tableText(tb))
	}
	step := max(1, len(good)/400)
	rebuilt, failed, mended := 0, 0, 0
	for off := 0; off < len(good); off += step {
		bad := slices.Clone(good)
		bad[off] ^= 0x5a
		require.NoError(t, os.WriteFile(idx[0], bad, 0o644))
		var notes []string
		c, err := eval.OpenOptions(dir, eval.Options{Notify: func(s string) { notes = append(notes, s) }})
		require.NoError(t, err, "offset %d", off)
		got := listAnswers(c, qs)
		opened := len(notes)
		for i, st := range sts {
			tb, err := c.Run(st)
			require.NoError(t, err, "offset %d: statement %v", off, st)
			require.Equal(t, wantTables[i], tableText(tb), "offset %d: statement %v", off, st)
		}
		c.Close()
		for _, n := range notes {
			require.True(t, strings.HasPrefix(n, "index file "+idx[0]+": "), n)
			require.True(t, strings.HasSuffix(n, ": rebuilt"), n)
		}
		if opened > 0 {
			rebuilt++
			require.Len(t, notes, 1)
			require.Equal(t, want, got, "offset %d", off)
			continue
		}
		if len(notes) > 0 {
			// Run found the damage and mended it: the file is whole again.
			mended++
			require.Len(t, notes, 1)
			now, err := os.ReadFile(idx[0])
			require.NoError(t, err)
			require.Equal(t, good, now, "offset %d", off)
		}
		require.Len(t, got, len(want))
		for l := range want {
			if len(got[l]) == 1 && len(want[l]) != 1 {
				// The list could not be opened.
				require.Contains(t, got[l][0], " error: index file "+idx[0]+": ", "offset %d", off)
				failed++
				continue
			}
			require.Len(t, got[l], len(want[l]), "offset %d", off)
			for i := range want[l] {
				if got[l][i] != want[l][i] {
					require.Contains(t, got[l][i], " error: index file "+idx[0]+": ", "offset %d: a different answer", off)
					failed++
				}
			}
		}
	}
	require.Positive(t, rebuilt)
	require.Positive(t, failed)
	require.Positive(t, mended)
}

// TestIndexFile100k compares the index file of a generated 100,000
// element model with its JSON on random queries.
func TestIndexFile100k(t *testing.T) {
	if testing.Short() {
		t.Skip("a 100,000 element model")
	}
	dir := t.TempDir()
	_, err := modelgen.WriteCache(dir, modelgen.CacheConfig{Seed: 5, FileID: "1001", Elements: 100_000, Format: modelgen.NDJSON})
	require.NoError(t, err)
	require.NoError(t, eval.WriteIndexes(dir, "", ""))
	mapped, err := eval.Open(dir)
	require.NoError(t, err)
	defer mapped.Close()
	loaded, err := eval.OpenOptions(dir, eval.Options{NoIndex: true})
	require.NoError(t, err)
	want, got := elements(t, loaded, 0), elements(t, mapped, 0)
	require.Equal(t, want.Keys(), got.Keys())
	for i, q := range queriesFor(t, loaded, 200, 5) {
		w, err := want.Search(q)
		require.NoError(t, err)
		g, err := got.Search(q)
		require.NoError(t, err)
		require.True(t, w.Equal(g), "query %d", i)
	}
	for _, i := range []int{0, 4_999, 99_999} {
		w, err := want.Record(i)
		require.NoError(t, err)
		g, err := got.Record(i)
		require.NoError(t, err)
		require.Equal(t, w, g)
	}
}

// TestIndexFileTables compares the tables of random statements with
// SELECT lists, GROUP BY and aggregates on the mapped index files with
// those of the JSON: the columns need each key's units and the first
// candidates of records holding several values, which the file keeps.
func TestIndexFileTables(t *testing.T) {
	dir := genCache(t, 500, 3)
	mapped, err := eval.Open(dir)
	require.NoError(t, err)
	defer mapped.Close()
	loaded, err := eval.OpenOptions(dir, eval.Options{NoIndex: true})
	require.NoError(t, err)
	for _, target := range []struct {
		req dsl.Request
		ix  *eval.Index
	}{
		{dsl.File("1001"), elements(t, loaded, 0)},
		{dsl.Integration("2002"), elements(t, loaded, 1)},
	} {
		g := refeval.NewGen(target.ix, 3)
		for i := range 150 {
			st := g.Statement(target.req, 1)
			want, werr := loaded.Run(st)
			got, gerr := mapped.Run(st)
			require.Equal(t, errText(werr), errText(gerr), "statement %d: %v", i, st)
			if diff := cmp.Diff(tableText(want), tableText(got)); diff != "" {
				t.Fatalf("statement %d %v (-JSON +index file):\n%s", i, st, diff)
			}
		}
	}
}

// tableText writes a table's columns, units, rows and targets as text.
func tableText(tb *eval.Table) []string {
	if tb == nil {
		return nil
	}
	var out []string
	for _, c := range tb.Columns {
		out = append(out, "column "+c.Name+" ["+c.Unit+"]")
	}
	for i, row := range tb.Rows() {
		line := ""
		for _, v := range row {
			line += v.String() + " | "
		}
		line += tb.Target(i)
		out = append(out, line)
	}
	return out
}

// TestIndexFileConcurrentOpen uses the lists of a cache from several
// goroutines at once, before any was opened: each is mapped once, its
// parts checked once, and all answer alike.
func TestIndexFileConcurrentOpen(t *testing.T) {
	dir := genCache(t, 300, 4)
	var mu sync.Mutex
	var notes []string
	c, err := eval.OpenOptions(dir, eval.Options{Notify: func(s string) { mu.Lock(); notes = append(notes, s); mu.Unlock() }})
	require.NoError(t, err)
	defer c.Close()
	req := dsl.File("1001").Where(dsl.Match("floor", "F01"))
	want, err := eval.OpenOptions(dir, eval.Options{NoIndex: true})
	require.NoError(t, err)
	wantIDs, err := want.Query(req, dsl.SelectElements)
	require.NoError(t, err)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Go(func() {
			if i%2 == 0 {
				n, err := c.Count(req, dsl.SelectElements)
				if err == nil && n != len(wantIDs[0].IDs) {
					err = fmt.Errorf("count %d, want %d", n, len(wantIDs[0].IDs))
				}
				errs <- err
				return
			}
			got, err := c.Query(req, dsl.SelectElements)
			if err == nil && !slices.Equal(got[0].IDs, wantIDs[0].IDs) {
				err = fmt.Errorf("IDs %v, want %v", got[0].IDs, wantIDs[0].IDs)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Empty(t, notes)
}

// TestIndexFileOldVersion gives an index file the version number of the
// previous format: it is refused, saying so, rebuilt, and the JSON
// answers.
func TestIndexFileOldVersion(t *testing.T) {
	dir := genCache(t, 200, 5)
	idx, err := filepath.Glob(filepath.Join(dir, "file-1001*", "*.elements"+eval.IndexFileExt))
	require.NoError(t, err)
	require.Len(t, idx, 1)
	data, err := os.ReadFile(idx[0])
	require.NoError(t, err)
	binary.LittleEndian.PutUint32(data[8:], 2)
	binary.LittleEndian.PutUint32(data[20:], crc32.Checksum(data[:20], crc32.MakeTable(crc32.Castagnoli)))
	require.NoError(t, os.WriteFile(idx[0], data, 0o644))

	loaded, err := eval.OpenOptions(dir, eval.Options{NoIndex: true})
	require.NoError(t, err)
	want, err := elements(t, loaded, 0).Find(dsl.Match("floor", "F01"))
	require.NoError(t, err)
	var notes []string
	c, err := eval.OpenOptions(dir, eval.Options{Notify: func(s string) { notes = append(notes, s) }})
	require.NoError(t, err)
	got, err := elements(t, c, 0).Find(dsl.Match("floor", "F01"))
	require.NoError(t, err)
	require.Equal(t, want, got)
	require.Equal(t, []string{"index file " + idx[0] + ": format version 2: this bfquery reads version 3: rebuilt"}, notes)
	c.Close()
	data, err = os.ReadFile(idx[0])
	require.NoError(t, err)
	require.Equal(t, uint32(3), binary.LittleEndian.Uint32(data[8:]), "rewritten in the current format")
}
