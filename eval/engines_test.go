package eval_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
)

// engine is one way of opening a cache: its JSON loaded, or its index
// files mapped.
type engine struct {
	name  string
	cache *eval.Cache
}

// engines writes a cache directory holding one file target per element
// list in lists, IDs "1", "2"…, and opens it twice: with NoIndex, from
// the JSON, and with the index files written by WriteIndexes, mapped.
// It fails if the mapped one did not use its index files.
func engines(t testing.TB, lists ...[]byte) []engine {
	t.Helper()
	return enginesWithRooms(t, lists, nil)
}

// enginesWithRooms is engines with rooms too: rooms[i], when there is
// one, holds the rooms of target i+1.
func enginesWithRooms(t testing.TB, lists, rooms [][]byte) []engine {
	t.Helper()
	dir := t.TempDir()
	m := &eval.Manifest{Version: eval.ManifestVersion}
	for i, data := range lists {
		id := fmt.Sprint(i + 1)
		sub := "file-" + id + "-a"
		require.NoError(t, os.MkdirAll(filepath.Join(dir, sub), 0o755))
		path := sub + "/elements.ndjson"
		require.NoError(t, os.WriteFile(filepath.Join(dir, filepath.FromSlash(path)), data, 0o644))
		ix, err := eval.LoadIndex(bytes.NewReader(data), path, dsl.SelectElements)
		require.NoError(t, err)
		tm := eval.TargetManifest{
			Type: dsl.TargetFile, ID: id, Pulled: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC),
			Counts: eval.Counts{Elements: ix.Len()}, Elements: []eval.Part{{Path: path}},
		}
		if i < len(rooms) {
			path := sub + "/rooms.ndjson"
			require.NoError(t, os.WriteFile(filepath.Join(dir, filepath.FromSlash(path)), rooms[i], 0o644))
			rix, err := eval.LoadIndex(bytes.NewReader(rooms[i]), path, dsl.SelectRooms)
			require.NoError(t, err)
			tm.Counts.Rooms, tm.Rooms = rix.Len(), []eval.Part{{Path: path}}
		}
		m.Targets = append(m.Targets, tm)
	}
	require.NoError(t, eval.WriteManifest(dir, m))
	loaded, err := eval.OpenOptions(dir, eval.Options{NoIndex: true})
	require.NoError(t, err)
	require.NoError(t, eval.WriteIndexes(dir, "", ""))
	files, err := filepath.Glob(filepath.Join(dir, "*", "*"+eval.IndexFileExt))
	require.NoError(t, err)
	require.Len(t, files, len(lists)+len(rooms))
	var notes []string
	mapped, err := eval.OpenOptions(dir, eval.Options{Notify: func(s string) { notes = append(notes, s) }})
	require.NoError(t, err)
	t.Cleanup(func() { mapped.Close() })
	for i := range lists {
		elements(t, mapped, i)
	}
	require.Empty(t, notes, "the index files are current, so they are mapped")
	return []engine{{"JSON", loaded}, {"index file", mapped}}
}

// elements returns the elements of target i of c.
func elements(t testing.TB, c *eval.Cache, i int) *eval.Index {
	t.Helper()
	ix, err := c.Targets()[i].Index(dsl.SelectElements)
	require.NoError(t, err)
	require.NotNil(t, ix)
	return ix
}
