package eval

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"math"
	"runtime"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
)

func maxProcs() int { return runtime.GOMAXPROCS(0) }

// finish builds the Index from what was read. The builder's arrays are
// scratch, freed as soon as they are used, and the index's are made at
// their final size, so that the peak stays near the size of the result
// (see "Memory while loading" in BENCHMARKS.md).
func (b *builder) finish() (*Index, error) {
	defer b.free()
	// What reading left on the heap (the scanner's window, batches, the
	// tables of the largest record) is garbage now: collected before the
	// index is made rather than on top of it.
	b.doneReading()
	runtime.GC()
	n := int(b.n)
	for len(b.pvEnd.s) < n {
		b.pvEnd.push(uint32(len(b.pv.s)))
	}
	b.keySum.free()
	b.unitSet.free()
	b.keys.freeTable()
	b.vals.freeTable()
	b.ids.freeTable()
	ix := &Index{name: b.name, n: n, ids: slices.Clone(b.ids.arena.s), idOff: slices.Clone(b.ids.off.s)}
	b.ids.free()

	// Keys in the order first read, found through a hash table.
	nk := b.keys.len()
	ix.keyNames, ix.keyOff = slices.Clone(b.keys.arena.s), slices.Clone(b.keys.off.s)
	b.keys.free()
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

	// Values, key after key, each key's in the order first seen: newID
	// is the number of each value read.
	nv := b.vals.len()
	var newID scratch[uint32]
	defer newID.free()
	newID.zeros(nv)
	ix.keyVal = make([]uint32, nk+1)
	for v := range nv {
		r := binary.LittleEndian.Uint32(b.vals.text(uint32(v)))
		newID.s[v] = r // its key, for now
		ix.keyVal[r+1]++
	}
	for r := range nk {
		ix.keyVal[r+1] += ix.keyVal[r]
	}
	{
		var next scratch[uint32]
		next.pushAll(ix.keyVal[:nk])
		for v := range nv {
			r := newID.s[v]
			newID.s[v] = next.s[r]
			next.s[r]++
		}
		next.free()
	}
	ix.kinds = make([]byte, nv)
	ix.off = make([]uint32, nv+1)
	for v := range nv {
		t := b.vals.text(uint32(v))
		ix.kinds[newID.s[v]] = t[4]
		ix.off[newID.s[v]+1] = uint32(len(t) - 4) // text and its 0 byte
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
		copy(ix.blob[ix.off[newID.s[v]]:], b.vals.text(uint32(v))[5:])
	}
	b.vals.free()

	// From here on values have their new numbers.
	for i, v := range b.pv.s {
		b.pv.s[i] = newID.s[v]
	}
	for i := 2; i < len(b.multi); i += 3 {
		b.multi[i] = newID.s[b.multi[i]]
	}
	for i := range ix.summary {
		sum := make([]uint32, n)
		for r, v := range b.summary[i].s {
			if v != 0 {
				sum[r] = newID.s[v-1] + 1
			}
		}
		b.summary[i].free()
		ix.summary[i] = sum
	}
	newID.free()

	ix.buildFirsts(b)
	if err := ix.buildSets(b); err != nil {
		return nil, err
	}
	if len(ix.bigs) > 1<<20 {
		// The bitmaps serialized into bigs are garbage.
		runtime.GC()
	}
	ix.buildTables()
	ix.buildNumbers()
	return ix, nil
}

// buildFirsts keeps the units of the keys that have one and the first
// candidates of the records holding several values of a key, by key.
func (ix *Index) buildFirsts(b *builder) {
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
	b.unitEnd, b.unitArena = nil, nil

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
		ix.multiFirst = append(ix.multiFirst, b.multi[3*i+2]-ix.keyVal[k])
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
func (ix *Index) buildSets(b *builder) error {
	nk := len(ix.keyOff) - 1
	ns := len(ix.kinds) + nk
	var keyOf, keyLast scratch[uint32]
	defer keyOf.free()
	defer keyLast.free()
	keyOf.zeros(len(ix.kinds))
	multiEnd := 0 // the keys of several values are below it
	for k := range nk {
		for v := ix.keyVal[k]; v < ix.keyVal[k+1]; v++ {
			keyOf.s[v] = uint32(k)
		}
		if ix.keyVal[k+1]-ix.keyVal[k] > 1 {
			multiEnd = k + 1
		}
	}
	// Each record is in the sets of its values, and in those of its keys
	// once each, but for the keys of one value, whose set is that
	// value's. setOff[s+1] counts set s's records, then holds where it
	// starts, and where it ends once filled. (Two loops alike rather than
	// one taking a function: they are most of the time finish takes.)
	ix.setOff = make([]uint32, ns+1)
	keyLast.zeros(multiEnd)
	start := uint32(0)
	for r, end := range b.pvEnd.s {
		for _, v := range b.pv.s[start:end] {
			k := keyOf.s[v]
			ix.setOff[v+k+1]++
			if ix.keyVal[k+1]-ix.keyVal[k] > 1 && keyLast.s[k] != uint32(r)+1 {
				keyLast.s[k] = uint32(r) + 1
				ix.setOff[ix.allSet(k)+1]++
			}
		}
		start = end
	}
	var total, small uint64
	for s := range ns {
		c := ix.setOff[s+1]
		ix.setOff[s+1] = uint32(total)
		total += uint64(c)
		if total > math.MaxUint32 {
			return fmt.Errorf("%s: more than 4 billion values in records", ix.name)
		}
		if c < bigPosting {
			small += uint64(c)
		}
	}
	var post scratch[uint32]
	defer post.free()
	post.zeros(int(total))
	keyLast.zeros(multiEnd)
	start = 0
	for r, end := range b.pvEnd.s {
		b.pv.drop(int(start))
		for _, v := range b.pv.s[start:end] {
			k := keyOf.s[v]
			s := v + k + 1
			post.s[ix.setOff[s]] = uint32(r)
			ix.setOff[s]++
			if ix.keyVal[k+1]-ix.keyVal[k] > 1 && keyLast.s[k] != uint32(r)+1 {
				keyLast.s[k] = uint32(r) + 1
				s := ix.allSet(k) + 1
				post.s[ix.setOff[s]] = uint32(r)
				ix.setOff[s]++
			}
		}
		start = end
	}
	b.pv.free()
	b.pvEnd.free()
	keyOf.free()
	keyLast.free()

	ix.keyRecs = make([]uint32, nk)
	for k := range nk {
		s := ix.allSet(uint32(k))
		if ix.keyVal[k+1]-ix.keyVal[k] == 1 {
			s--
		}
		ix.keyRecs[k] = ix.setOff[s+1] - ix.setOff[s]
	}

	// Big sets become bitmaps, the others stay in post.
	ix.post = make([]uint32, small)
	var bigs scratch[byte]
	defer bigs.free()
	w := uint32(0)
	lo := ix.setOff[0]
	ix.bigOff = []uint64{0}
	for s := range ns {
		post.drop(int(lo))
		hi := ix.setOff[s+1]
		ix.setOff[s] = w
		if hi-lo >= bigPosting {
			bm := roaring.BitmapOf(post.s[lo:hi]...)
			bm.RunOptimize()
			if _, err := bm.WriteTo(scratchWriter{&bigs}); err != nil {
				return err
			}
			for len(bigs.s)%8 != 0 { // aligned for the words of bitmap containers
				bigs.push(0)
			}
			ix.bigSet = append(ix.bigSet, uint32(s))
			ix.bigOff = append(ix.bigOff, uint64(len(bigs.s)))
		} else {
			w += uint32(copy(ix.post[w:], post.s[lo:hi]))
		}
		lo = hi
	}
	ix.setOff[ns] = w
	post.free()
	ix.bigs = slices.Clone(bigs.s)
	return nil
}

// scratchWriter appends what is written to a scratch array.
type scratchWriter struct{ p *scratch[byte] }

func (w scratchWriter) Write(b []byte) (int, error) {
	w.p.pushAll(b)
	return len(b), nil
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

// buildNumbers makes each key's sorted view of its numeric values. Each
// run of keys (see keyRuns) parses its values into a scratch array of
// its own, where they are sorted, then copied into the view.
func (ix *Index) buildNumbers() {
	type num struct {
		f float64
		v uint32 // local value number
	}
	nk := len(ix.keyOff) - 1
	ix.keyNum = make([]uint32, nk+1)
	runs := keyRuns(ix)
	nums := make([]scratch[num], len(runs)-1)
	defer func() {
		for i := range nums {
			nums[i].free()
		}
	}()
	parallel(len(runs)-1, func(i int) {
		for k := runs[i]; k < runs[i+1]; k++ {
			v0 := ix.keyVal[k]
			for v := v0; v < ix.keyVal[k+1]; v++ {
				if x, ok := ix.number(v); ok {
					nums[i].push(num{x, v - v0})
					ix.keyNum[k+1]++
				}
			}
		}
	})
	for k := range nk {
		ix.keyNum[k+1] += ix.keyNum[k]
	}
	ix.numV = make([]uint32, ix.keyNum[nk])
	parallel(len(runs)-1, func(i int) {
		ns := nums[i].s
		for k := runs[i]; k < runs[i+1]; k++ {
			j := ix.keyNum[k]
			kn := ns[:ix.keyNum[k+1]-j]
			ns = ns[len(kn):]
			slices.SortFunc(kn, func(a, b num) int { return cmp.Or(cmp.Compare(a.f, b.f), cmp.Compare(a.v, b.v)) })
			for _, n := range kn {
				ix.numV[j] = n.v
				j++
			}
		}
		nums[i].free()
	})
}

// number is value v as a number, if it is a number or a numeric string.
func (ix *Index) number(v uint32) (float64, bool) {
	if !numericKind(ix.kinds[v]) {
		return 0, false
	}
	return parseNumber(ix.blob[ix.off[v] : ix.off[v+1]-1])
}

// parallelKeys runs f for every key of ix on all CPUs, in runs of keys
// of about the same number of values.
func parallelKeys(ix *Index, f func(k int)) {
	runs := keyRuns(ix)
	parallel(len(runs)-1, func(i int) {
		for k := runs[i]; k < runs[i+1]; k++ {
			f(k)
		}
	})
}

// keyRuns divides the keys of ix into runs of about the same number of
// values, several per CPU: run i is keys runs[i] to runs[i+1]-1.
func keyRuns(ix *Index) []int {
	nk := len(ix.keyOff) - 1
	per := max(1, len(ix.kinds)/(8*maxProcs()))
	var runs []int // first key of each run
	for k, last := 0, -per; k < nk; k++ {
		if int(ix.keyVal[k])-last >= per {
			runs = append(runs, k)
			last = int(ix.keyVal[k])
		}
	}
	return append(runs, nk)
}
