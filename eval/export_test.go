package eval

import "github.com/bfquery/bfquery/dsl"

// BuildColumn builds the column of key afresh, bypassing the index's
// cache, so that benchmarks can time it; it returns the records with a
// value.
func BuildColumn(ix *Index, key dsl.Key) int {
	c := buildColumn(ix.key(string(key)), ix.n)
	n := 0
	for _, v := range c.first {
		if v != 0 {
			n++
		}
	}
	return n
}
