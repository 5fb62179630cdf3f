package eval

import (
	"errors"
	"path/filepath"

	"github.com/bfquery/bfquery/dsl"
)

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

// MapIndex writes ix as an index file under dir and maps it back, as
// Open would, so that tests can run the same checks on both.
func MapIndex(ix *Index, dir string) (*Index, func() error, error) {
	name := filepath.Join(dir, "x"+IndexFileExt)
	if err := WriteIndexFile(ix, name, nil); err != nil {
		return nil, nil, err
	}
	mapped, _, release, err := openIndexFile(name, name)
	if err != nil {
		return nil, nil, err
	}
	if err := errors.Join(mapped.checkIDs(), mapped.checkSummary()); err != nil {
		release()
		return nil, nil, err
	}
	return mapped, release, nil
}

// ScratchMapped is the number of bytes of the loader's scratch mapped
// outside the Go heap, which benchmarks add to the heap to measure a
// load's memory.
func ScratchMapped() int64 { return scratchMapped.Load() }
