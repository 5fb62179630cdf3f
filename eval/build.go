package eval

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"fmt"
	"math"
	"runtime"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
)

func maxProcs() int { return runtime.GOMAXPROCS(0) }

// finish builds the Index from what was read, freeing the builder's
// parts as it goes so that the peak stays near the size of the result.
func (b *builder) finish() (*Index, error) {
	n := int(b.n)
	for len(b.pvEnd) < n {
		b.pvEnd = append(b.pvEnd, uint32(len(b.pv)))
	}
	b.keys.freeTable()
	b.vals.freeTable()
	ix := &Index{name: b.name, n: n, ids: b.ids.arena, idOff: b.ids.off}
	b.ids = nil

	// Keys in the order first read, found through a hash table.
	nk := b.keys.len()
	ix.keyNames, ix.keyOff = b.keys.arena, b.keys.off
	b.keys = nil
	size := 2
	for size < 2*nk {
		size <<= 1
	}
	ix.keyHash = make([]uint32, size)
	for k := range nk {
		mask := uint64(size - 1)
		h := hashText(0, ix.keyNames[ix.keyOff[k]:ix.keyOff[k+1]]) & mask
		for ix.keyHash[h] != 0 {
			h = (h + 1) & mask
		}
		ix.keyHash[h] = uint32(k) + 1
	}

	// Values, key after key, each key's in the order first seen.
	nv := b.vals.len()
	vRank := make([]uint32, nv) // the key of each value
	ix.keyVal = make([]uint32, nk+1)
	for v := range nv {
		r := binary.LittleEndian.Uint32(b.vals.text(uint32(v)))
		vRank[v] = r
		ix.keyVal[r+1]++
	}
	for r := range nk {
		ix.keyVal[r+1] += ix.keyVal[r]
	}
	newID := make([]uint32, nv)
	{
		next := slices.Clone(ix.keyVal[:nk])
		for v := range nv {
			newID[v] = next[vRank[v]]
			next[vRank[v]]++
		}
	}
	ix.kinds = make([]byte, nv)
	ix.off = make([]uint32, nv+1)
	for v := range nv {
		t := b.vals.text(uint32(v))
		ix.kinds[newID[v]] = t[4]
		ix.off[newID[v]+1] = uint32(len(t) - 4) // text and its 0 byte
	}
	var blobSize uint64
	for v := range nv {
		blobSize += uint64(ix.off[v+1])
		if blobSize > math.MaxUint32 {
			return nil, fmt.Errorf("%s: more than 4 GiB of distinct values", b.name)
		}
		ix.off[v+1] = uint32(blobSize)
	}
	ix.blob = make([]byte, blobSize)
	for v := range nv {
		copy(ix.blob[ix.off[newID[v]]:], b.vals.text(uint32(v))[5:])
	}
	b.vals, b.last = nil, nil
	for i := range ix.summary {
		sum := b.summary[i]
		b.summary[i] = nil
		for uint32(len(sum)) < b.n {
			sum = append(sum, 0)
		}
		for r, v := range sum {
			if v != 0 {
				sum[r] = newID[v-1] + 1
			}
		}
		ix.summary[i] = slices.Clip(sum)
	}

	ix.buildFirsts(b, newID)
	if err := ix.buildSets(b, newID, vRank); err != nil {
		return nil, err
	}
	newID, vRank = nil, nil
	ix.buildTables()
	ix.buildNumbers()
	return ix, nil
}

// buildFirsts keeps the units of the keys that have one and the first
// candidates of the records holding several values of a key, by key.
func (ix *Index) buildFirsts(b *builder, newID []uint32) {
	// unitEnd holds (key, end) pairs in the order units were found.
	type unit struct{ k, start, end uint32 }
	var us []unit
	start := uint32(0)
	for i := 0; i < len(b.unitEnd); i += 2 {
		us = append(us, unit{b.unitEnd[i], start, b.unitEnd[i+1]})
		start = b.unitEnd[i+1]
	}
	slices.SortFunc(us, func(a, b unit) int { return cmp.Compare(a.k, b.k) })
	ix.unitOff = []uint32{0}
	for _, u := range us {
		ix.unitKeys = append(ix.unitKeys, u.k)
		ix.units = append(ix.units, b.unitArena[u.start:u.end]...)
		ix.unitOff = append(ix.unitOff, uint32(len(ix.units)))
	}
	b.unitEnd, b.unitSet, b.unitArena = nil, nil, nil

	for k := range b.first {
		b.endFirst(uint32(k))
	}
	b.first = nil
	// The triples come in the order records ended: by record within each
	// key, which a stable sort by key keeps.
	m := len(b.multi) / 3
	order := make([]int, m)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int { return cmp.Compare(b.multi[3*i], b.multi[3*j]) })
	ix.multiOff = []uint32{0}
	ix.multiRec, ix.multiFirst = make([]uint32, 0, m), make([]uint32, 0, m)
	for n, i := range order {
		k := b.multi[3*i]
		if n == 0 || k != ix.multiKeys[len(ix.multiKeys)-1] {
			if n > 0 {
				ix.multiOff = append(ix.multiOff, uint32(len(ix.multiRec)))
			}
			ix.multiKeys = append(ix.multiKeys, k)
		}
		ix.multiRec = append(ix.multiRec, b.multi[3*i+1])
		ix.multiFirst = append(ix.multiFirst, newID[b.multi[3*i+2]]-ix.keyVal[k])
	}
	if len(ix.multiKeys) > 0 {
		ix.multiOff = append(ix.multiOff, uint32(len(ix.multiRec)))
	}
	b.multi = nil
}

// allSet is the number of key k's own set, of every record holding it.
func (ix *Index) allSet(k uint32) uint32 { return ix.keyVal[k+1] + k }

// buildSets makes the sets of records from the builder's values per
// record: counted, then filled in record order, so each is sorted; the
// big ones become bitmaps.
func (ix *Index) buildSets(b *builder, newID, vRank []uint32) error {
	nk := len(ix.keyOff) - 1
	ns := len(ix.kinds) + nk
	// each record's values, then its keys once each.
	each := func(f func(rec, s uint32)) {
		keyLast := make([]uint32, nk)
		start := uint32(0)
		for r, end := range b.pvEnd {
			for _, v := range b.pv[start:end] {
				k := vRank[v]
				f(uint32(r), newID[v]+k)
				if keyLast[k] != uint32(r)+1 {
					keyLast[k] = uint32(r) + 1
					f(uint32(r), ix.allSet(k))
				}
			}
			start = end
		}
	}
	ix.setOff = make([]uint32, ns+1)
	each(func(_, s uint32) { ix.setOff[s+1]++ })
	for k := range nk {
		if ix.keyVal[k+1]-ix.keyVal[k] == 1 {
			ix.setOff[ix.allSet(uint32(k))+1] = 0 // the same as its value's
		}
	}
	var total uint64
	for s := range ns {
		total += uint64(ix.setOff[s+1])
		if total > math.MaxUint32 {
			return fmt.Errorf("%s: more than 4 billion values in records", ix.name)
		}
		ix.setOff[s+1] = uint32(total)
	}
	ix.keyRecs = make([]uint32, nk)
	for k := range nk {
		s := ix.allSet(uint32(k))
		if ix.keyVal[k+1]-ix.keyVal[k] == 1 {
			s--
		}
		ix.keyRecs[k] = ix.setOff[s+1] - ix.setOff[s]
	}
	ix.post = make([]uint32, total)
	fill := slices.Clone(ix.setOff[:ns])
	each(func(rec, s uint32) {
		if fill[s] < ix.setOff[s+1] {
			ix.post[fill[s]] = rec
			fill[s]++
		}
	})
	fill, b.pv, b.pvEnd = nil, nil, nil

	// Big sets become bitmaps and leave post, which is compacted in place.
	var buf bytes.Buffer
	w := uint32(0)
	lo := ix.setOff[0]
	ix.bigOff = []uint64{0}
	for s := range ns {
		hi := ix.setOff[s+1]
		ix.setOff[s] = w
		if hi-lo >= bigPosting {
			bm := roaring.BitmapOf(ix.post[lo:hi]...)
			bm.RunOptimize()
			buf.Reset()
			if _, err := bm.WriteTo(&buf); err != nil {
				return err
			}
			ix.bigs = append(ix.bigs, buf.Bytes()...)
			for len(ix.bigs)%8 != 0 { // aligned for the words of bitmap containers
				ix.bigs = append(ix.bigs, 0)
			}
			ix.bigSet = append(ix.bigSet, uint32(s))
			ix.bigOff = append(ix.bigOff, uint64(len(ix.bigs)))
		} else {
			w += uint32(copy(ix.post[w:], ix.post[lo:hi]))
		}
		lo = hi
	}
	ix.setOff[ns] = w
	if int(w) < cap(ix.post)/2 {
		ix.post = slices.Clone(ix.post[:w])
	} else {
		ix.post = ix.post[:w]
	}
	ix.bigs = slices.Clip(ix.bigs)
	return nil
}

// buildTables makes each key's hash table of its values, at most half
// full.
func (ix *Index) buildTables() {
	nk := len(ix.keyOff) - 1
	ix.keyTab = make([]uint32, nk+1)
	for k := range nk {
		nv := ix.keyVal[k+1] - ix.keyVal[k]
		size := uint32(0)
		if nv > smallKey {
			size = 2
			for size < 2*nv {
				size <<= 1
			}
		}
		ix.keyTab[k+1] = ix.keyTab[k] + size
	}
	ix.table = make([]uint32, ix.keyTab[nk])
	parallelKeys(ix, func(k int) {
		v0 := ix.keyVal[k]
		tab := ix.table[ix.keyTab[k]:ix.keyTab[k+1]]
		if len(tab) == 0 {
			return
		}
		mask := uint64(len(tab) - 1)
		for v := v0; v < ix.keyVal[k+1]; v++ {
			h := hashText(ix.kinds[v], ix.blob[ix.off[v]:ix.off[v+1]-1]) & mask
			for tab[h] != 0 {
				h = (h + 1) & mask
			}
			tab[h] = v - v0 + 1
		}
	})
}

// buildNumbers makes each key's sorted view of its numeric values.
func (ix *Index) buildNumbers() {
	nk := len(ix.keyOff) - 1
	nv := len(ix.kinds)
	f := make([]float64, nv) // NaN: not numeric, which no literal parses to
	count := make([]uint32, nk+1)
	parallelKeys(ix, func(k int) {
		for v := ix.keyVal[k]; v < ix.keyVal[k+1]; v++ {
			f[v] = math.NaN()
			if numericKind(ix.kinds[v]) {
				if x, ok := parseNumber(ix.blob[ix.off[v] : ix.off[v+1]-1]); ok {
					f[v] = x
					count[k+1]++
				}
			}
		}
	})
	ix.keyNum = count
	for k := range nk {
		ix.keyNum[k+1] += ix.keyNum[k]
	}
	ix.numV = make([]uint32, ix.keyNum[nk])
	parallelKeys(ix, func(k int) {
		v0 := ix.keyVal[k]
		i := ix.keyNum[k]
		for v := v0; v < ix.keyVal[k+1]; v++ {
			if !math.IsNaN(f[v]) {
				ix.numV[i] = v - v0
				i++
			}
		}
		sortNums(f[v0:ix.keyVal[k+1]], ix.numV[ix.keyNum[k]:i])
	})
}

// parallelKeys runs f for every key of ix on all CPUs, in runs of keys
// of about the same number of values.
func parallelKeys(ix *Index, f func(k int)) {
	nk := len(ix.keyOff) - 1
	per := max(1, len(ix.kinds)/(8*maxProcs()))
	var runs []int // first key of each run
	for k, last := 0, -per; k < nk; k++ {
		if int(ix.keyVal[k])-last >= per {
			runs = append(runs, k)
			last = int(ix.keyVal[k])
		}
	}
	runs = append(runs, nk)
	parallel(len(runs)-1, func(i int) {
		for k := runs[i]; k < runs[i+1]; k++ {
			f(k)
		}
	})
}

// sortNums sorts a key's numeric values, given by local number in v, by
// their numbers in f (indexed by local number), ties in value order;
// as one slice of pairs, which sorts faster than through f.
func sortNums(f []float64, v []uint32) {
	type num struct {
		f float64
		v uint32
	}
	ns := make([]num, len(v))
	for i, x := range v {
		ns[i] = num{f[x], x}
	}
	slices.SortFunc(ns, func(a, b num) int { return cmp.Or(cmp.Compare(a.f, b.f), cmp.Compare(a.v, b.v)) })
	for i, n := range ns {
		v[i] = n.v
	}
}
