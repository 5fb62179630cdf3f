package pull_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/bimface/bimfacetest"
	"github.com/bfquery/bfquery/bimface/pull"
	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
	"github.com/bfquery/bfquery/internal/demo"
	"github.com/bfquery/bfquery/internal/modelgen"
)

// indexFiles returns the index files of the cache in dir by path.
func indexFiles(t *testing.T, dir string) map[string][]byte {
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

// requireIndexLikeCommand checks that the index files in dir are current
// and are, byte for byte, those "bfquery index DIR" (eval.WriteIndexes)
// writes from the same files.
func requireIndexLikeCommand(t *testing.T, dir string, want int) {
	t.Helper()
	pulled := indexFiles(t, dir)
	require.Len(t, pulled, want)
	var notes []string
	c, err := eval.OpenOptions(dir, eval.Options{Notify: func(s string) { notes = append(notes, s) }})
	require.NoError(t, err)
	for _, tg := range c.Targets() {
		for _, sel := range []dsl.Select{dsl.SelectElements, dsl.SelectRooms, dsl.SelectAreas} {
			if tg.Has(sel) {
				_, err := tg.Index(sel)
				require.NoError(t, err)
			}
		}
	}
	require.NoError(t, c.Close())
	require.Empty(t, notes, "the pulled index files are current")
	for n := range pulled {
		require.NoError(t, os.Remove(n))
	}
	require.NoError(t, eval.WriteIndexes(dir, "", ""))
	written := indexFiles(t, dir)
	require.Len(t, written, want)
	for n, b := range pulled {
		require.True(t, bytes.Equal(b, written[n]), "%s differs from what bfquery index writes", n)
	}
}

// TestPullIndexLikeCommand pulls with batches saved out of order, into
// a directory shared by a file and an integration of several files,
// and with a pull resumed over batches an earlier run saved: the index
// files built during the pull are those "bfquery index" writes.
func TestPullIndexLikeCommand(t *testing.T) {
	t.Run("demo", func(t *testing.T) {
		s := bimfacetest.NewServer(t, demoModel(t))
		dir := t.TempDir()
		_, err := pull.Pull(context.Background(), s.Client(), pull.Options{Type: dsl.TargetFile, ID: demo.FileID, Dir: dir, BatchSize: 150, Concurrency: 4})
		require.NoError(t, err)
		requireIndexLikeCommand(t, dir, 3)
	})
	t.Run("file and integration", func(t *testing.T) {
		src := t.TempDir()
		_, err := modelgen.WriteCache(src, modelgen.CacheConfig{Seed: 4, FileID: "77", Elements: 2400, IntegrationID: "900", IntegrationFiles: 3, Format: modelgen.NDJSON})
		require.NoError(t, err)
		data, err := bimfacetest.Load(src)
		require.NoError(t, err)
		s := bimfacetest.NewServer(t, data)
		dir := t.TempDir()
		for _, o := range []pull.Options{
			{Type: dsl.TargetIntegration, ID: "900", Dir: dir, BatchSize: 130},
			{Type: dsl.TargetFile, ID: "77", Dir: dir, BatchSize: 250, Concurrency: 3},
		} {
			_, err := pull.Pull(context.Background(), s.Client(), o)
			require.NoError(t, err)
		}
		requireIndexLikeCommand(t, dir, 4)
	})
	t.Run("resumed", func(t *testing.T) {
		s := bimfacetest.NewServer(t, demoModel(t))
		dir := t.TempDir()
		opts := pull.Options{Type: dsl.TargetFile, ID: demo.FileID, Dir: dir, BatchSize: 200, Concurrency: 2}
		ctx, cancel := context.WithCancel(context.Background())
		saved := 0
		o := opts
		o.Progress = func(p pull.Progress) {
			if p.Stage == pull.StageElements && p.Done >= 1000 {
				cancel()
			}
			saved = p.Done
		}
		_, err := pull.Pull(ctx, s.Client(), o)
		cancel()
		require.ErrorIs(t, err, context.Canceled)
		require.GreaterOrEqual(t, saved, 1000)
		require.Empty(t, indexFiles(t, dir), "a cancelled pull writes no index")
		res, err := pull.Pull(context.Background(), s.Client(), opts)
		require.NoError(t, err)
		require.Positive(t, res.Resumed)
		requireIndexLikeCommand(t, dir, 3)
	})
}

// TestPullIndexStage checks that the stages come in order, and that the
// index files are written in the index stage: none exists before it.
func TestPullIndexStage(t *testing.T) {
	s := bimfacetest.NewServer(t, demoModel(t))
	dir := t.TempDir()
	var stages []pull.Stage
	_, err := pull.Pull(context.Background(), s.Client(), pull.Options{
		Type: dsl.TargetFile, ID: demo.FileID, Dir: dir, BatchSize: 500,
		Progress: func(p pull.Progress) {
			if len(stages) == 0 || stages[len(stages)-1] != p.Stage {
				stages = append(stages, p.Stage)
			}
			if p.Stage != pull.StageDone {
				require.Empty(t, indexFiles(t, dir), "index files before the end of stage %q", p.Stage)
			}
		},
	})
	require.NoError(t, err)
	require.Equal(t, []pull.Stage{pull.StageIDs, pull.StageElements, pull.StageSpaces, pull.StageIndex, pull.StageDone}, stages)
	require.Len(t, indexFiles(t, dir), 3)
}

// TestPullIndexDamagedBatch resumes a pull over a saved batch file that
// was damaged meanwhile (a record repeated): the index built during the
// pull fails as the one built at its end did, with the same error, and
// no index file is written.
func TestPullIndexDamagedBatch(t *testing.T) {
	s := bimfacetest.NewServer(t, demoModel(t))
	start := t.TempDir()
	opts := pull.Options{Type: dsl.TargetFile, ID: demo.FileID, BatchSize: 400, Concurrency: 1}
	ctx, cancel := context.WithCancel(context.Background())
	o := opts
	o.Dir = start
	o.Progress = func(p pull.Progress) {
		if p.Stage == pull.StageElements && p.Done >= 800 {
			cancel()
		}
	}
	_, err := pull.Pull(ctx, s.Client(), o)
	cancel()
	require.ErrorIs(t, err, context.Canceled)
	batches, err := filepath.Glob(filepath.Join(start, "*", "elements-000001.ndjson"))
	require.NoError(t, err)
	require.Len(t, batches, 1)
	text, err := os.ReadFile(batches[0])
	require.NoError(t, err)
	lines := strings.SplitAfter(string(text), "\n")
	lines[2] = lines[0]
	require.NoError(t, os.WriteFile(batches[0], []byte(strings.Join(lines, "")), 0o644))

	var errs []string
	for _, mode := range []string{"during", "after"} {
		dir := filepath.Join(t.TempDir(), "c")
		require.NoError(t, os.CopyFS(dir, os.DirFS(start)))
		restore := pull.SetIndexMode(mode)
		o := opts
		o.Dir = dir
		_, err := pull.Pull(context.Background(), s.Client(), o)
		restore()
		require.Error(t, err, mode)
		require.Empty(t, indexFiles(t, dir), mode)
		errs = append(errs, strings.ReplaceAll(err.Error(), dir, "DIR"))
	}
	require.Regexp(t, `^pull: writing the index: DIR/file-[^/]+/elements-000001\.ndjson:3:1: duplicate elementId "[^"]+": element 1 has it too$`, errs[0])
	require.Equal(t, errs[1], errs[0])
}
