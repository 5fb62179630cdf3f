package demo_test

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/internal/demo"
	"github.com/bfquery/bfquery/internal/modelgen"
)

// TestEmbeddedIsCurrent regenerates the demo cache and compares it with
// the embedded one, byte for byte.
func TestEmbeddedIsCurrent(t *testing.T) {
	dir := t.TempDir()
	_, err := modelgen.WriteCache(dir, demo.Config)
	require.NoError(t, err)
	want := map[string][]byte{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		want[filepath.ToSlash(rel)] = b
		return err
	}))
	got := map[string][]byte{}
	require.NoError(t, fs.WalkDir(demo.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(demo.FS(), p)
		got[p] = b
		return err
	}))
	require.Empty(t, cmp.Diff(want, got), "the embedded demo cache is stale: run go generate ./internal/demo")
}

func TestDocsExamples(t *testing.T) {
	c, err := demo.Open()
	require.NoError(t, err)
	count := func(req dsl.Request, sel dsl.Select) int {
		res, err := c.Query(req, sel)
		require.NoError(t, err)
		b, err := json.Marshal(res)
		require.NoError(t, err)
		require.Contains(t, string(b), `"targetId":"`+demo.FileID+`"`)
		return len(res[0].IDs)
	}
	f := dsl.File(demo.FileID)
	require.Greater(t, count(f.Where(dsl.Match(dsl.Floor, "F01")), dsl.SelectElements), 300)
	require.Greater(t, count(f.Where(dsl.Contain(dsl.Floor, "F")), dsl.SelectElements), 3000)
	require.Greater(t, count(f.Where(dsl.Object(dsl.Contain(dsl.Floor, "F0"), dsl.Match(dsl.CategoryName, "墙"))), dsl.SelectElements), 100)
	require.Greater(t, count(f.Where(dsl.In(dsl.Floor, "F01", "F02", "F03")), dsl.SelectElements), 500)
	require.Greater(t, count(f.Where(dsl.Match(dsl.Floor, "F01")), dsl.SelectRooms), 0)
	require.Greater(t, count(f.Where(dsl.Contain("name", "防火分区")), dsl.SelectAreas), 0)
}
