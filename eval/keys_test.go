package eval_test

import (
	"bytes"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
)

// TestDistinctKeysMemory loads records that each hold keys no other
// record has: a key must cost a few words besides its text, not a map and
// a bitmap of its own, which made such an index 16 times its JSON.
func TestDistinctKeysMemory(t *testing.T) {
	raw := distinctKeys(10, 20_000)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	ix, err := eval.LoadIndex(bytes.NewReader(raw), "keys.ndjson", dsl.SelectElements)
	require.NoError(t, err)
	runtime.GC()
	runtime.ReadMemStats(&after)
	kept := float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / float64(len(raw))
	// The index keeps about 1.8 times the JSON; 3 leaves room for the
	// test's own allocations.
	require.Less(t, kept, 3.0, "heap kept after load ÷ JSON size")

	require.Equal(t, 10, ix.Len())
	require.Len(t, ix.Keys(), 10*20_000+2) // and elementId, name
	got, err := ix.Find(dsl.Match("k9_19999", "v99"))
	require.NoError(t, err)
	require.Equal(t, []string{"9"}, got)
	got, err = ix.Find(dsl.Or(dsl.Match("k0_5", "v5"), dsl.Contain("k3_7", "7"), dsl.Match("k3_7", "v8")))
	require.NoError(t, err)
	require.Equal(t, []string{"0", "3"}, got)
	runtime.KeepAlive(ix)
}
