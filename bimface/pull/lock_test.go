package pull_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/bimface/bimfacetest"
	"github.com/bfquery/bfquery/bimface/pull"
	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/internal/demo"
)

// TestPullLeavesNoLocks: a pull that ends, well or not, leaves no lock
// file; one that fails before writing anything leaves no directory.
func TestPullLeavesNoLocks(t *testing.T) {
	s := bimfacetest.NewServer(t, demoModel(t))
	dir := filepath.Join(t.TempDir(), "cache")
	_, err := pull.Pull(context.Background(), s.Client(), pull.Options{Type: dsl.TargetFile, ID: demo.FileID, Dir: dir})
	require.NoError(t, err)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 2)
	require.Regexp(t, `^file-`+demo.FileID+`-\w+$`, entries[0].Name())
	require.Equal(t, "manifest.json", entries[1].Name())

	// A target the server does not have: the pull fails at once.
	_, err = pull.Pull(context.Background(), s.Client(), pull.Options{Type: dsl.TargetFile, ID: "42", Dir: dir})
	require.Error(t, err)
	entries, err = os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 2, "no lock file of file 42")

	fresh := filepath.Join(t.TempDir(), "new")
	_, err = pull.Pull(context.Background(), s.Client(), pull.Options{Type: dsl.TargetFile, ID: "42", Dir: fresh})
	require.Error(t, err)
	_, err = os.Stat(fresh)
	require.ErrorIs(t, err, os.ErrNotExist)
}
