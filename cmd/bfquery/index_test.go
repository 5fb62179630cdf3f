package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
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
