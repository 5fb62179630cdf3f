package eval_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/internal/demo"
)

func TestSet(t *testing.T) {
	c, err := demo.Open()
	require.NoError(t, err)
	ix, err := c.Index(dsl.TargetFile, demo.FileID, dsl.SelectElements)
	require.NoError(t, err)
	set, err := ix.Search(dsl.Match(dsl.Floor, "F01"))
	require.NoError(t, err)
	ids, err := ix.Find(dsl.Match(dsl.Floor, "F01"))
	require.NoError(t, err)
	require.Equal(t, len(ids), set.Len())
	all := slices.Collect(set.All())
	require.Len(t, all, set.Len())
	require.True(t, slices.IsSorted(all), "cache order")
	for i, pos := range all {
		require.Equal(t, ids[i], ix.ID(pos))
		require.True(t, set.Has(pos))
	}
	// Pages of the set, without walking what comes before them.
	var paged []int
	for from := 0; from < set.Len(); from += 7 {
		paged = slices.AppendSeq(paged, set.Range(from, from+7))
	}
	require.Equal(t, all, paged)
	require.Empty(t, slices.Collect(set.Range(set.Len(), set.Len()+5)))
	require.Equal(t, all[3:5], slices.Collect(set.Range(3, 5)))
	even := set.Filter(func(pos int) bool { return pos%2 == 0 })
	for pos := range even.All() {
		require.Zero(t, pos%2)
		require.True(t, set.Has(pos))
	}
	require.Equal(t, ix.Len(), ix.Records().Len())
	require.False(t, set.Has(-1))
}
