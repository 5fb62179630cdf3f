package eval

import (
	"bytes"
	"cmp"
	"math"
	"slices"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/bfquery/bfquery/dsl"
)

// Index is the searchable form of one list of records: the elements, the
// rooms or the areas of one target. It is immutable once loaded and safe
// for concurrent use.
//
// Its data is a few flat arrays, whatever the number of keys, so that a
// key costs a few words besides its values: the keys in name order, the
// values of each key one after the other, and each value's set of
// records. The package documentation describes them.
type Index struct {
	name string // the file(s) it was read from, for messages
	n    int

	// Record IDs as printed, in cache order: ids[idOff[i]:idOff[i+1]].
	ids   []byte
	idOff []uint32

	// summary holds, per display key, the value number+1 of each record's
	// first value for that key (0: none), so that tables can show a
	// record without keeping its JSON.
	summary [numSummary][]uint32

	keyNames []byte   // key names in the order first read, key k at keyNames[keyOff[k]:keyOff[k+1]]
	keyOff   []uint32 // K+1
	keyHash  []uint32 // hash table of key number+1 by name; its size is a power of two
	keyVal   []uint32 // K+1: key k's values are numbered keyVal[k] to keyVal[k+1]-1
	keyTab   []uint32 // K+1: key k's hash table is table[keyTab[k]:keyTab[k+1]]
	keyNum   []uint32 // K+1: key k's numeric values are numV[keyNum[k]:keyNum[k+1]]
	keyRecs  []uint32 // K: records that hold key k

	// Values, numbered key after key: value v's kind and text, the text
	// followed by a 0 byte in blob at off[v].
	kinds []byte
	off   []uint32 // V+1
	blob  []byte

	// table holds each key's open-addressing hash table of local value
	// number+1 by (kind, text); its size is a power of two, or 0 for a
	// key of at most smallKey values, which are searched one by one.
	table []uint32

	// Sets of records: key k has sets keyVal[k]+k to keyVal[k+1]+k, one
	// per value then the set of every record holding the key. A set's
	// sorted record numbers are post[setOff[s]:setOff[s+1]]; a set of
	// bigPosting records or more has an empty range there and is a
	// roaring bitmap instead, in roaring's portable format at
	// bigs[bigOff[j]:bigOff[j+1]] where bigSet[j] = s. The set of a key
	// of one value is that value's: its range is empty too, and it is not
	// in bigSet.
	setOff []uint32 // V+K+1
	post   []uint32
	bigSet []uint32
	bigOff []uint64
	bigs   []byte

	// numV lists, per key, the values that are numbers or numeric
	// strings (their local numbers) sorted by float64, for numeric
	// equality and ranges.
	numV []uint32

	// The units of the keys that have one (that of the key's first
	// property item with a unit): key unitKeys[i] (ascending) has
	// units[unitOff[i]:unitOff[i+1]]. Sparse, as most keys have none.
	unitKeys []uint32
	unitOff  []uint32
	units    []byte

	// The records holding several values of a key, with the (local)
	// value of each one's first candidate: key multiKeys[i] (ascending)
	// has multiRec/multiFirst[multiOff[i]:multiOff[i+1]], in record
	// order. The sets tell which values a record holds, not which came
	// first (see columns.go).
	multiKeys  []uint32
	multiOff   []uint32
	multiRec   []uint32
	multiFirst []uint32

	// cols are the record → value columns of keys, built on first use
	// (columns.go).
	cols columns

	// views caches the views of the keys used so far, by key number, or
	// the error that checking a key of an index file found.
	views sync.Map

	// mapped says the index was read from an index file: its keys' data
	// is checked on first use against keyCRCs, its record IDs and
	// summary against secCRC (see indexfile.go).
	mapped     bool
	keyCRCs    []uint32
	secCRC     [secMultiRec]uint32
	idsChecked sync.Once
	idsErr     error
	sumChecked sync.Once
	sumErr     error
}

// bigPosting is the number of records from which a set of records is
// kept as a bitmap rather than a sorted slice.
const bigPosting = 64

// smallKey is the number of values up to which a key has no hash table.
const smallKey = 8

// keyIndex is one key's part of the index: its values (numbered from 0
// here) and their sets of records.
type keyIndex struct {
	name   string
	s0     uint32   // the set number of local value 0
	kinds  []byte   // nv
	off    []uint32 // nv+1, offsets in the index's blob: blob starts at off[0]
	blob   []byte   // the key's texts
	table  []uint32
	setOff []uint32 // nv+2: the values' sets, then the key's
	post   []uint32 // the whole index's post
	numV   []uint32
	bigSet []uint32
	bms    []*roaring.Bitmap // the bitmaps of bigSet

	unit                 string
	multiRec, multiFirst []uint32
}

func (k *keyIndex) text(v uint32) []byte { return k.blob[k.off[v]-k.off[0] : k.off[v+1]-k.off[0]-1] }

func (k *keyIndex) len() int { return len(k.kinds) }

// key returns the key named name, or nil. A key of an index file that
// fails its checks panics with a damage, which the exported methods
// recover as their error (see guard).
func (ix *Index) key(name string) *keyIndex {
	k := ix.keyNumber(name)
	if k < 0 {
		return nil
	}
	kv, err := ix.keyAt(k)
	if err != nil {
		panic(damage{err})
	}
	return kv
}

// keyNumber returns the number of the key named name, or -1.
func (ix *Index) keyNumber(name string) int {
	mask := uint64(len(ix.keyHash) - 1)
	for h := hashText(0, []byte(name)) & mask; ; h = (h + 1) & mask {
		e := ix.keyHash[h]
		if e == 0 {
			return -1
		}
		if ix.keyName(int(e-1)) == name {
			return int(e - 1)
		}
	}
}

// damage carries the error of a damaged index file through a query.
type damage struct{ err error }

// guard turns a damage panic into *err.
func guard(err *error) {
	if r := recover(); r != nil {
		d, ok := r.(damage)
		if !ok {
			panic(r)
		}
		*err = d.err
	}
}

func (ix *Index) keyName(k int) string { return string(ix.keyNames[ix.keyOff[k]:ix.keyOff[k+1]]) }

// keyAt returns the view of key k, making it on first use.
func (ix *Index) keyAt(k int) (*keyIndex, error) {
	if got, ok := ix.views.Load(k); ok {
		if err, ok := got.(error); ok {
			return nil, err
		}
		return got.(*keyIndex), nil
	}
	if ix.mapped {
		if err := ix.checkKey(k); err != nil {
			ix.views.Store(k, err)
			return nil, err
		}
	}
	v0, v1 := ix.keyVal[k], ix.keyVal[k+1]
	s0 := v0 + uint32(k)
	b0, _ := slices.BinarySearch(ix.bigSet, s0)
	b1, _ := slices.BinarySearch(ix.bigSet, s0+(v1-v0)+1)
	kv := &keyIndex{
		name:   ix.keyName(k),
		s0:     s0,
		kinds:  ix.kinds[v0:v1],
		off:    ix.off[v0 : v1+1],
		blob:   ix.blob[ix.off[v0]:ix.off[v1]],
		table:  ix.table[ix.keyTab[k]:ix.keyTab[k+1]],
		setOff: ix.setOff[s0 : s0+(v1-v0)+2],
		post:   ix.post,
		numV:   ix.numV[ix.keyNum[k]:ix.keyNum[k+1]],
		bigSet: ix.bigSet[b0:b1],
	}
	if i, ok := slices.BinarySearch(ix.unitKeys, uint32(k)); ok {
		kv.unit = string(ix.units[ix.unitOff[i]:ix.unitOff[i+1]])
	}
	m0, m1 := ix.multiRange(k)
	kv.multiRec, kv.multiFirst = ix.multiRec[m0:m1], ix.multiFirst[m0:m1]
	kv.bms = make([]*roaring.Bitmap, len(kv.bigSet))
	for j := range kv.bigSet {
		g := b0 + j
		bm := roaring.New()
		var err error
		if ix.mapped {
			// In place: the file's pages are read as queries touch them.
			_, err = bm.FromBuffer(ix.bigs[ix.bigOff[g]:ix.bigOff[g+1]])
		} else {
			err = bm.UnmarshalBinary(ix.bigs[ix.bigOff[g]:ix.bigOff[g+1]])
		}
		if err != nil {
			return nil, err // checkKey read it without error
		}
		kv.bms[j] = bm
	}
	got, _ := ix.views.LoadOrStore(k, kv)
	return got.(*keyIndex), nil
}

// set returns the records of local set i (i == len() for the key's
// own): a sorted slice, or a bitmap when the set is big.
func (k *keyIndex) set(i uint32) ([]uint32, *roaring.Bitmap) {
	lo, hi := k.setOff[i], k.setOff[i+1]
	if lo < hi {
		return k.post[lo:hi], nil
	}
	j, found := slices.BinarySearch(k.bigSet, k.s0+i)
	if !found {
		return k.set(0) // the key's own set, when it has one value
	}
	return nil, k.bms[j]
}

// all returns a new bitmap of every record that holds the key.
func (k *keyIndex) all() *roaring.Bitmap {
	ids, bm := k.set(uint32(k.len()))
	if bm != nil {
		return bm.Clone()
	}
	return roaring.BitmapOf(ids...)
}

// lookup returns the index of the value (kind, text).
func (k *keyIndex) lookup(kind dsl.Kind, text []byte) (uint32, bool) {
	if len(k.table) == 0 {
		for v := range uint32(k.len()) {
			if k.kinds[v] == byte(kind) && bytes.Equal(k.text(v), text) {
				return v, true
			}
		}
		return 0, false
	}
	mask := uint64(len(k.table) - 1)
	for h := hashText(byte(kind), text) & mask; ; h = (h + 1) & mask {
		e := k.table[h]
		if e == 0 {
			return 0, false
		}
		if v := e - 1; k.kinds[v] == byte(kind) && bytes.Equal(k.text(v), text) {
			return v, true
		}
	}
}

// add puts the records holding value v into acc.
func (k *keyIndex) add(acc *collector, v uint32) {
	ids, bm := k.set(v)
	if bm != nil {
		acc.bms = append(acc.bms, bm)
		return
	}
	acc.ids = append(acc.ids, ids...)
}

// count is the number of records holding value v.
func (k *keyIndex) count(v uint32) int {
	ids, bm := k.set(v)
	if bm != nil {
		return int(bm.GetCardinality())
	}
	return len(ids)
}

// num returns the number of the value at position i of the numeric
// view. The view keeps no float64s: bisecting parses a few dozen texts,
// which costs less than reading a float64 a value from the index file.
func (k *keyIndex) num(i int) float64 {
	t := k.text(k.numV[i])
	// The view holds only values that parseNumber took, whose result
	// ParseFloat gives, ±Inf beyond float64's range included.
	f, _ := strconv.ParseFloat(unsafe.String(unsafe.SliceData(t), len(t)), 64)
	return f
}

// lowerBound returns the first position of the numeric view whose
// number is not less than f.
func (k *keyIndex) lowerBound(f float64) int {
	return sort.Search(len(k.numV), func(i int) bool { return cmp.Compare(k.num(i), f) >= 0 })
}

// upperBound returns the first position of the numeric view whose
// number is greater than f.
func (k *keyIndex) upperBound(f float64) int {
	return sort.Search(len(k.numV), func(i int) bool { return !(k.num(i) <= f) })
}

// numRange returns the positions in the numeric view of the values
// equal to f.
func (k *keyIndex) numRange(f float64) (int, int) {
	lo := k.lowerBound(f)
	hi := lo
	for hi < len(k.numV) && k.num(hi) == f {
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
	var bm *roaring.Bitmap
	if p := maxProcs(); p > 1 && len(c.bms) >= 8 && c.big() {
		// A large union of many sets (name CONTAINS 'mm' over a million
		// records, a quarter of them matching): merged on every CPU, in
		// ranges of containers, it took 0.68 × the time on two CPUs.
		bm = roaring.ParOr(p, c.bms...)
	} else {
		bm = roaring.FastOr(c.bms...)
	}
	bm.AddMany(c.ids)
	return bm
}

// parallelUnion is the number of records from which the union of several
// sets is merged on all CPUs: below it, starting the goroutines costs
// more than they save.
const parallelUnion = 1 << 16

// big reports whether the sets gathered hold parallelUnion records or
// more, duplicates counted.
func (c *collector) big() bool {
	n := uint64(len(c.ids))
	for _, bm := range c.bms {
		if n += bm.GetCardinality(); n >= parallelUnion {
			return true
		}
	}
	return false
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

// numericKind reports whether values of kind may be numeric.
func numericKind(kind byte) bool {
	return kind == byte(dsl.KindNumber) || kind == byte(dsl.KindString)
}

// parallel runs f(i) for i in [0, n) on all CPUs.
func parallel(n int, f func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(maxProcs(), max(1, n)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				f(i)
			}
		})
	}
	wg.Wait()
}
