package eval

import (
	"sync"

	"github.com/bfquery/bfquery/dsl"
)

// The index is inverted: value → records. SELECT lists, grouping and
// aggregates need the other way, record → value, for one value per
// record: its first candidate. A column holds that for one key, built on
// first use from the postings and kept with the index, so that queries
// that do not need it cost nothing.
//
// Postings say which values a record holds but not in which order; for
// the records holding several values of a key, the loader noted the first
// candidate (keyIndex.multiRec and multiFirst), which the column takes
// over.

// column is a key's first candidate per record, and what aggregates need
// of each distinct value.
type column struct {
	k *keyIndex
	// first[r] is the value index+1 of record r's first candidate, 0 when
	// it has none.
	first []uint32
	// num[v] is value v's number when isNum[v]: a number or a numeric
	// string, as ranges read them.
	num   []float64
	isNum []bool

	// vals holds each value as a dsl.Value, made the first time rows are
	// written, so that rows share the strings instead of copying them.
	valsOnce sync.Once
	vals     []dsl.Value
}

// columns caches the columns of an index, one per key, each built once
// even when several queries ask for it at the same time.
type columns struct {
	mu   sync.Mutex
	byID map[string]*lazyColumn
}

type lazyColumn struct {
	once sync.Once
	col  *column
}

// column returns the column of key, nil if no record has the key.
func (ix *Index) column(key dsl.Key) *column {
	k := ix.key(string(key))
	if k == nil {
		return nil
	}
	ix.cols.mu.Lock()
	if ix.cols.byID == nil {
		ix.cols.byID = map[string]*lazyColumn{}
	}
	lc := ix.cols.byID[k.name]
	if lc == nil {
		lc = &lazyColumn{}
		ix.cols.byID[k.name] = lc
	}
	ix.cols.mu.Unlock()
	lc.once.Do(func() { lc.col = buildColumn(k, ix.n) })
	return lc.col
}

// buildColumn fills a column from the key's postings: each record takes
// the value that holds it, and the records with several take the first
// candidate the loader noted.
func buildColumn(k *keyIndex, n int) *column {
	c := &column{k: k, first: make([]uint32, n), num: make([]float64, k.len()), isNum: make([]bool, k.len())}
	buf := make([]uint32, 1024)
	for v := range uint32(k.len()) {
		ids, bm := k.set(v)
		if bm != nil {
			it := bm.ManyIterator()
			for m := it.NextMany(buf); m > 0; m = it.NextMany(buf) {
				for _, r := range buf[:m] {
					c.first[r] = v + 1
				}
			}
			continue
		}
		for _, r := range ids {
			c.first[r] = v + 1
		}
	}
	for i, r := range k.multiRec {
		c.first[r] = k.multiFirst[i] + 1
	}
	for i, v := range k.numV {
		c.num[v], c.isNum[v] = k.num(i), true
	}
	return c
}

// Unit returns the unit of key, as the first property item of that key
// with a unit gave it ("mm", "m³"), or "".
func (ix *Index) Unit(key dsl.Key) string {
	if k := ix.key(string(key)); k != nil {
		return k.unit
	}
	return ""
}

// value returns value v of the column as a dsl.Value.
func (c *column) value(v uint32) dsl.Value {
	c.valsOnce.Do(func() {
		c.vals = make([]dsl.Value, c.k.len())
		for i := range c.vals {
			c.vals[i] = c.makeValue(uint32(i))
		}
	})
	return c.vals[v]
}

func (c *column) makeValue(v uint32) dsl.Value {
	t := string(c.k.text(v))
	switch dsl.Kind(c.k.kinds[v]) {
	case dsl.KindNumber:
		return dsl.Number(t)
	case dsl.KindBool:
		return dsl.Bool(t == "true")
	}
	return dsl.String(t)
}
