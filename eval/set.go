package eval

import (
	"iter"

	"github.com/RoaringBitmap/roaring/v2"
)

// A Set is a set of records of one Index, by their positions (record i
// has the ID ix.ID(i)): what Search returns. Its positions come in cache
// order. A Set is not changed by the methods that read it, and so may be
// read concurrently.
type Set struct{ bm *roaring.Bitmap }

// Len returns how many records the set holds: a count that needs no ID.
func (s Set) Len() int {
	if s.bm == nil {
		return 0
	}
	return int(s.bm.GetCardinality())
}

// Has reports whether the set holds the record at position pos.
func (s Set) Has(pos int) bool {
	return s.bm != nil && pos >= 0 && pos <= int(^uint32(0)) && s.bm.Contains(uint32(pos))
}

// All yields the positions of the set's records, in cache order.
func (s Set) All() iter.Seq[int] { return s.Range(0, s.Len()) }

// Range yields the positions of the records of ranks from to to-1 in
// cache order (the first record of the set has rank 0): a page of the
// set, without walking what comes before it.
func (s Set) Range(from, to int) iter.Seq[int] {
	return func(yield func(int) bool) {
		to = min(to, s.Len())
		if from < 0 || from >= to {
			return
		}
		first, err := s.bm.Select(uint32(from))
		if err != nil {
			return
		}
		it := s.bm.Iterator()
		it.AdvanceIfNeeded(first)
		for n := from; n < to && it.HasNext(); n++ {
			if !yield(int(it.Next())) {
				return
			}
		}
	}
}

// Equal reports whether s and t hold the same records.
func (s Set) Equal(t Set) bool {
	if s.Len() == 0 || t.Len() == 0 {
		return s.Len() == t.Len()
	}
	return s.bm.Equals(t.bm)
}

// Filter returns the set of the records of s that keep keeps.
func (s Set) Filter(keep func(pos int) bool) Set {
	out := roaring.New()
	for pos := range s.All() {
		if keep(pos) {
			out.Add(uint32(pos))
		}
	}
	return Set{out}
}

// Records returns the set of all the index's records.
func (ix *Index) Records() Set {
	bm := roaring.New()
	bm.AddRange(0, uint64(ix.Len()))
	return Set{bm}
}
