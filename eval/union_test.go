package eval

import (
	"math/rand/v2"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/stretchr/testify/require"
)

// TestCollectorSet checks the union of a collector against one computed
// record by record, for unions small and large, of few sets and of many:
// large unions of many sets are merged on every CPU.
func TestCollectorSet(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		name           string
		sets, per, ids int
	}{
		{"empty", 0, 0, 0},
		{"ids only", 0, 0, 50},
		{"few small", 3, 100, 10},
		{"many small", 40, 100, 10},
		{"few large", 3, 100_000, 0},
		{"many large", 40, 5_000, 300},
		{"many, spread over containers", 200, 2_000, 1_000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var c collector
			want := map[uint32]bool{}
			for range tc.sets {
				bm := roaring.New()
				for range tc.per {
					x := r.Uint32N(1 << 21)
					bm.Add(x)
					want[x] = true
				}
				c.bms = append(c.bms, bm)
			}
			for range tc.ids {
				x := r.Uint32N(1 << 21)
				c.ids = append(c.ids, x)
				want[x] = true
			}
			got := c.set()
			require.Equal(t, uint64(len(want)), got.GetCardinality())
			for x := range want {
				require.True(t, got.Contains(x))
			}
		})
	}
}
