package eval

import (
	"bytes"
	"cmp"
	"hash/maphash"
	"math"
	"slices"
	"strconv"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/bfquery/bfquery/dsl"
)

// Index is the searchable form of one list of records: the elements, the
// rooms or the areas of one target. It is immutable once loaded and safe
// for concurrent use.
type Index struct {
	name string // the file(s) it was read from, for messages
	n    int
	seed maphash.Seed

	// Record IDs as printed, in cache order: ids[idOff[i]:idOff[i+1]].
	ids   []byte
	idOff []uint32

	keys   map[string]*keyIndex
	sorted []string // key names, sorted

	// cols are the record → value columns of keys, built on first use
	// (columns.go).
	cols columns

	// summary holds, per display key, the value index+1 of each record's
	// first value for that key (0: none), so that tables can show a
	// record without keeping its JSON.
	summary [numSummary][]uint32
}

// keyIndex holds the distinct values of one key and the records holding
// each. Values are numbered in the order they were first seen.
type keyIndex struct {
	name  string
	kinds []dsl.Kind

	// blob holds every value's text followed by a 0 byte, so one substring
	// search over blob answers contain for all values at once:
	// value v is blob[off[v]:off[v+1]-1].
	blob []byte
	off  []uint32

	// table is an open-addressing hash table of value index+1 by (kind,
	// text), for exact lookups.
	table []uint32

	// Postings: a value held by few records keeps their sorted indexes in
	// post[postOff[v]:postOff[v+1]]; a value held by many has a bitmap in big
	// and an empty range in post.
	post    []uint32
	postOff []uint32
	big     map[uint32]*roaring.Bitmap

	// numF and numV list the values that are numbers or numeric strings,
	// sorted by their float64, for numeric equality (and later ranges).
	numF []float64
	numV []uint32

	all *roaring.Bitmap // every record that holds the key

	// unit is the unit of the key's first property item that had one.
	unit string
	// multiRec lists, in order, the records holding more than one value
	// of the key, and multiFirst the value (index) of each one's first
	// candidate: the postings alone cannot tell it (see columns.go).
	multiRec, multiFirst []uint32
}

// bigPosting is the number of records from which a value's postings are
// kept as a bitmap rather than a sorted slice.
const bigPosting = 64

func (k *keyIndex) text(v uint32) []byte { return k.blob[k.off[v] : k.off[v+1]-1] }

func (k *keyIndex) len() int { return len(k.kinds) }

func hashValue(seed maphash.Seed, kind dsl.Kind, text []byte) uint64 {
	return maphash.Bytes(seed, text) ^ uint64(kind)*0x9e3779b97f4a7c15
}

// lookup returns the index of the value (kind, text).
func (k *keyIndex) lookup(seed maphash.Seed, kind dsl.Kind, text []byte) (uint32, bool) {
	if len(k.table) == 0 {
		return 0, false
	}
	mask := uint64(len(k.table) - 1)
	for h := hashValue(seed, kind, text) & mask; ; h = (h + 1) & mask {
		e := k.table[h]
		if e == 0 {
			return 0, false
		}
		if v := e - 1; k.kinds[v] == kind && bytes.Equal(k.text(v), text) {
			return v, true
		}
	}
}

// add puts the records holding value v into acc.
func (k *keyIndex) add(acc *collector, v uint32) {
	if bm := k.big[v]; bm != nil {
		acc.bms = append(acc.bms, bm)
		return
	}
	acc.ids = append(acc.ids, k.post[k.postOff[v]:k.postOff[v+1]]...)
}

// count is the number of records holding value v.
func (k *keyIndex) count(v uint32) int {
	if bm := k.big[v]; bm != nil {
		return int(bm.GetCardinality())
	}
	return int(k.postOff[v+1] - k.postOff[v])
}

// numRange returns the positions in numF of the values equal to f.
func (k *keyIndex) numRange(f float64) (int, int) {
	lo, _ := slices.BinarySearch(k.numF, f)
	hi := lo
	for hi < len(k.numF) && k.numF[hi] == f {
		hi++
	}
	return lo, hi
}

// collector gathers the records of several values; set builds their
// union as a new bitmap that the caller owns.
type collector struct {
	ids []uint32
	bms []*roaring.Bitmap
}

func (c *collector) set() *roaring.Bitmap {
	bm := roaring.FastOr(c.bms...)
	bm.AddMany(c.ids)
	return bm
}

// keyBuilder accumulates one key while loading.
type keyBuilder struct {
	name  string
	sum   int               // index in summaryKeys, or -1
	vals  map[string]uint32 // kind byte + text → value index
	texts []string          // the map keys, by value index
	last  []uint32          // last record+1 that held each value, to drop repeats
	pv    []uint32          // (value, record) pairs in record order
	pr    []uint32

	unit string // written by the scanning goroutine only (loader.emit)

	// The record being added (record+1), its first candidate so far,
	// whether that came from a property item, and whether the record has
	// several values; records with several go to multiRec/multiFirst.
	curRec, curFirst     uint32
	curItem, curMulti    bool
	multiRec, multiFirst []uint32
}

func newKeyBuilder(name string) *keyBuilder {
	return &keyBuilder{name: name, sum: -1, vals: map[string]uint32{}}
}

// add records that record rec holds (kind, text); scratch is reused to
// build the map key without allocating when the value is known.
func (b *keyBuilder) add(rec uint32, kind dsl.Kind, text []byte, item bool, scratch *[]byte) uint32 {
	sk := append(append((*scratch)[:0], byte(kind)), text...)
	*scratch = sk
	v, ok := b.vals[string(sk)]
	if !ok {
		s := string(sk)
		v = uint32(len(b.texts))
		b.vals[s] = v
		b.texts = append(b.texts, s)
		b.last = append(b.last, 0)
	}
	if b.last[v] != rec+1 {
		b.last[v] = rec + 1
		b.pv = append(b.pv, v)
		b.pr = append(b.pr, rec)
	}
	b.first(rec, v, item)
	return v
}

// first follows the first candidate of each record: the first top-level
// value, or failing one the first property item's, in document order.
func (b *keyBuilder) first(rec, v uint32, item bool) {
	if b.curRec != rec+1 {
		b.endRecord()
		b.curRec, b.curFirst, b.curItem, b.curMulti = rec+1, v, item, false
		return
	}
	if v != b.curFirst {
		b.curMulti = true
		if b.curItem && !item {
			b.curFirst, b.curItem = v, false
		}
	}
}

func (b *keyBuilder) endRecord() {
	if b.curMulti {
		b.multiRec = append(b.multiRec, b.curRec-1)
		b.multiFirst = append(b.multiFirst, b.curFirst)
	}
	b.curRec = 0
}

// build turns the builder into a keyIndex and frees the builder.
func (b *keyBuilder) build(seed maphash.Seed) *keyIndex {
	nv := len(b.texts)
	b.endRecord()
	k := &keyIndex{name: b.name, kinds: make([]dsl.Kind, nv), off: make([]uint32, nv+1),
		unit: b.unit, multiRec: b.multiRec, multiFirst: b.multiFirst}
	size := 0
	for _, t := range b.texts {
		size += len(t) // kind byte counts for the 0 separator
	}
	k.blob = make([]byte, 0, size)
	for v, t := range b.texts {
		k.kinds[v] = dsl.Kind(t[0])
		k.off[v] = uint32(len(k.blob))
		k.blob = append(append(k.blob, t[1:]...), 0)
	}
	k.off[nv] = uint32(len(k.blob))
	b.vals, b.texts = nil, nil

	tsize := 1
	for tsize < 2*nv {
		tsize <<= 1
	}
	k.table = make([]uint32, tsize)
	mask := uint64(tsize - 1)
	for v := range nv {
		h := hashValue(seed, k.kinds[v], k.text(uint32(v))) & mask
		for k.table[h] != 0 {
			h = (h + 1) & mask
		}
		k.table[h] = uint32(v) + 1
	}

	// Counting sort of the pairs by value keeps each value's records in
	// record order.
	cnt := make([]uint32, nv+1)
	for _, v := range b.pv {
		cnt[v+1]++
	}
	k.postOff = make([]uint32, nv+1)
	var small uint32
	for v := range nv {
		k.postOff[v] = small
		if cnt[v+1] < bigPosting {
			small += cnt[v+1]
		}
	}
	k.postOff[nv] = small
	k.post = make([]uint32, small)
	fillAt := slices.Clone(k.postOff[:nv])
	bigIDs := map[uint32][]uint32{}
	for i, v := range b.pv {
		if cnt[v+1] >= bigPosting {
			bigIDs[v] = append(bigIDs[v], b.pr[i])
			continue
		}
		k.post[fillAt[v]] = b.pr[i]
		fillAt[v]++
	}
	b.pv, b.pr, b.last = nil, nil, nil
	k.big = make(map[uint32]*roaring.Bitmap, len(bigIDs))
	bms := make([]*roaring.Bitmap, 0, len(bigIDs)+1)
	for v, ids := range bigIDs {
		bm := roaring.BitmapOf(ids...)
		bm.RunOptimize()
		k.big[v] = bm
		bms = append(bms, bm)
	}
	all := roaring.BitmapOf(k.post...)
	k.all = roaring.FastOr(append(bms, all)...)
	k.all.RunOptimize()

	for v := range nv {
		t := k.text(uint32(v))
		switch k.kinds[v] {
		case dsl.KindNumber, dsl.KindString:
			if f, ok := parseNumber(t); ok {
				k.numF = append(k.numF, f)
				k.numV = append(k.numV, uint32(v))
			}
		}
	}
	sortNums(k.numF, k.numV)
	return k
}

// parseNumber reads a JSON number literal as a float64; literals beyond
// float64's range become ±Inf, as in dsl.Value.Float.
func parseNumber(t []byte) (float64, bool) {
	if !dsl.IsNumber(string(t)) {
		return 0, false
	}
	f, err := strconv.ParseFloat(string(t), 64)
	if err != nil && !math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

func sortNums(f []float64, v []uint32) {
	type num struct {
		f float64
		v uint32
	}
	ns := make([]num, len(f))
	for i := range ns {
		ns[i] = num{f[i], v[i]}
	}
	slices.SortFunc(ns, func(a, b num) int { return cmp.Or(cmp.Compare(a.f, b.f), cmp.Compare(a.v, b.v)) })
	for i, n := range ns {
		f[i], v[i] = n.f, n.v
	}
}
