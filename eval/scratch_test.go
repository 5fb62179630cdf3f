//go:build linux

package eval

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestScratch grows scratch arrays from the Go heap into mappings, and
// checks that they keep their elements, read new ones as zeros, count
// what they map and give it all back.
func TestScratch(t *testing.T) {
	base := scratchMapped.Load()
	var a scratch[uint32]
	var b scratch[byte]
	const n = 3 << 20 // 12 MB of uint32: mapped, with huge pages asked for
	for i := range n {
		a.push(uint32(i) * 7)
		if i%1000 == 0 {
			b.pushAll([]byte("abc"))
		}
	}
	require.Len(t, a.s, n)
	for i, x := range a.s {
		if x != uint32(i)*7 {
			t.Fatalf("element %d is %d after growing, want %d", i, x, uint32(i)*7)
		}
	}
	require.Equal(t, "abcabc", string(b.s[:6]))
	require.NotNil(t, a.mem, "an array of 12 MB is mapped")
	require.Nil(t, b.mem, "an array of 9 KB stays on the heap")
	mapped := scratchMapped.Load() - base
	require.GreaterOrEqual(t, mapped, int64(4*n))
	require.LessOrEqual(t, mapped, int64(4*n+4*n/8+4096), "what is counted is near what is used")

	a.grow(n + 1000)
	require.Equal(t, make([]uint32, 1000), a.s[n:], "grown elements are zero")

	// Dropping the first half gives back whole huge pages of it, and the
	// rest stays.
	a.drop(n / 2)
	require.Less(t, scratchMapped.Load()-base, mapped-int64(4*n/2)+dropStep)
	for i := n / 2; i < n; i++ {
		if a.s[i] != uint32(i)*7 {
			t.Fatalf("element %d is %d after drop, want %d", i, a.s[i], uint32(i)*7)
		}
	}
	require.Panics(t, func() { a.grow(10 * n) }, "an array may not grow after drop")

	a.free()
	b.free()
	require.Equal(t, base, scratchMapped.Load())
	require.Nil(t, a.s)

	// A freed array is empty and may be used again.
	a.zeros(1 << 20)
	require.Equal(t, uint32(0), a.s[1<<20-1])
	a.free()
	require.Equal(t, base, scratchMapped.Load())
}
