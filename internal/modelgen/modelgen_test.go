package modelgen_test

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
	"github.com/bfquery/bfquery/internal/modelgen"
)

// TestFormatsLoadAlike writes one model in every format and checks that
// they load to the same records, and that the same seed gives the same
// bytes.
func TestFormatsLoadAlike(t *testing.T) {
	cfg := modelgen.Config{Elements: 500, Seed: 9}
	var ids [][]string
	for _, f := range []modelgen.Format{modelgen.NDJSON, modelgen.Envelope, modelgen.Array} {
		var a, b bytes.Buffer
		require.NoError(t, modelgen.WriteElements(&a, cfg, f))
		require.NoError(t, modelgen.WriteElements(&b, cfg, f))
		require.Equal(t, a.Bytes(), b.Bytes(), "format %s is not deterministic", f)
		require.InDelta(t, 1150, a.Len()/cfg.Elements, 250, "bytes per element")
		ix, err := eval.LoadIndex(&a, string(f), dsl.SelectElements)
		require.NoError(t, err)
		got, err := ix.Find(dsl.Contain("guid", ""))
		require.NoError(t, err)
		ids = append(ids, got)
	}
	require.Len(t, ids[0], 500)
	require.Empty(t, cmp.Diff(ids[0], ids[1]))
	require.Empty(t, cmp.Diff(ids[0], ids[2]))
}

func TestWriteCache(t *testing.T) {
	dir := t.TempDir()
	m, err := modelgen.WriteCache(dir, modelgen.CacheConfig{Seed: 1, FileID: "11", Elements: 300, IntegrationID: "22", IntegrationFiles: 3, Format: modelgen.Envelope})
	require.NoError(t, err)
	require.Len(t, m.Targets, 2)
	c, err := eval.Open(dir)
	require.NoError(t, err)
	res, err := c.Query(dsl.Integration("22").Where(dsl.Match("floor", "F01")), dsl.SelectElements)
	require.NoError(t, err)
	require.NotEmpty(t, res[0].IDs)
	for _, id := range res[0].IDs {
		require.Regexp(t, `^16488888[0-9]{8}\.[0-9]+$`, id)
	}
	rooms, err := c.Query(dsl.File("11").Where(dsl.Contain("name", "")), dsl.SelectRooms)
	require.NoError(t, err)
	require.Len(t, rooms[0].IDs, modelgen.Rooms(300))
}
