package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
)

// TestIndexCommand indexes a copy of the test cache, answers from the
// index files as from the JSON, and rebuilds a damaged one with a line
// on stderr.
func TestIndexCommand(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.CopyFS(dir, os.DirFS(fixture)))
	q := "SELECT elementId FROM integration 1648888854324400 WHERE floor = 'F01'"
	_, want, _ := bfquery(t, "", "query", "--cache", dir, q)

	code, out, errOut := bfquery(t, "", "index", dir)
	require.Equal(t, 0, code, errOut)
	require.Equal(t, "indexed "+dir+"\n", out)
	idx := filepath.Join(dir, "integration", "integration-1648888854324400.elements.bfqidx")
	require.FileExists(t, idx)

	code, out, errOut = bfquery(t, "", "query", "--cache", dir, q)
	require.Equal(t, 0, code)
	require.Equal(t, "", errOut)
	require.Equal(t, want, out)
	code, out, _ = bfquery(t, "", "query", "--cache", dir, "-f", "count", q)
	require.Equal(t, 0, code)
	require.Equal(t, "2\n", out)

	require.NoError(t, os.WriteFile(idx, []byte("BFQINDEX but not one"), 0o644))
	code, out, errOut = bfquery(t, "", "query", "--cache", dir, q)
	require.Equal(t, 0, code)
	require.Equal(t, want, out)
	require.Equal(t, "bfquery: index file "+idx+": truncated: 20 bytes, shorter than its header: rebuilt\n", errOut)
	code, out, errOut = bfquery(t, "", "query", "--cache", dir, q)
	require.Equal(t, 0, code)
	require.Equal(t, want, out)
	require.Equal(t, "", errOut)

	code, _, errOut = bfquery(t, "", "index", filepath.Join(dir, "nowhere"))
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "nowhere")
}

// TestIndexDamageFoundLate damages the data of one key of an index file,
// which is checked on the key's first use, not when the file is opened:
// the query finds it, rebuilds the file with a line on stderr, and
// answers from the JSON as if nothing had happened.
func TestIndexDamageFoundLate(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.CopyFS(dir, os.DirFS(fixture)))
	q := "SELECT elementId FROM integration 1648888854324400 WHERE floor = 'F01'"
	_, want, _ := bfquery(t, "", "query", "--cache", dir, q)
	code, _, errOut := bfquery(t, "", "index", dir)
	require.Equal(t, 0, code, errOut)
	idx := filepath.Join(dir, "integration", "integration-1648888854324400.elements.bfqidx")
	good, err := os.ReadFile(idx)
	require.NoError(t, err)

	// A text of the key floor, in its data rather than in the records'
	// summaries: the byte whose flip the opening passes and the query
	// does not.
	var damaged string
	for from := 0; damaged == ""; {
		i := bytes.Index(good[from:], []byte("F01"))
		require.GreaterOrEqual(t, i, 0, "no text of floor found late")
		from += i + 1
		bad := bytes.Clone(good)
		bad[from] ^= 0x01
		require.NoError(t, os.WriteFile(idx, bad, 0o644))
		c, err := eval.OpenOptions(dir, eval.Options{Notify: func(string) { t.Fatal("damage found when opening") }})
		require.NoError(t, err)
		ix, err := c.Index(dsl.TargetIntegration, "1648888854324400", dsl.SelectElements)
		require.NoError(t, err)
		_, err = ix.Search(dsl.Match("floor", "F01"))
		if fe := (*eval.IndexFileError)(nil); errors.As(err, &fe) {
			damaged = fe.Msg
		}
		require.NoError(t, c.Close())
	}

	code, out, errOut := bfquery(t, "", "query", "--cache", dir, q)
	require.Equal(t, 0, code)
	require.Equal(t, want, out)
	require.Equal(t, "bfquery: index file "+idx+": "+damaged+": rebuilt\n", errOut)
	now, err := os.ReadFile(idx)
	require.NoError(t, err)
	require.Equal(t, good, now)
	code, out, errOut = bfquery(t, "", "query", "--cache", dir, "-f", "count", q)
	require.Equal(t, 0, code)
	require.Equal(t, "2\n", out)
	require.Equal(t, "", errOut)
}
