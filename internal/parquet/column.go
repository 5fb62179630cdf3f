package parquet

import (
	"fmt"
	"strings"
)

// maxValueBytes bounds a string value: a page, whose size Parquet's page
// header holds in an int32, must be able to hold it.
const maxValueBytes = 1 << 30

// Column is a column of a Writer. Each row adds one value to each column,
// with the method of the column's type (Null for NULL), before
// Writer.EndRow. A value of the wrong type, or a NULL in a required
// column, fails the writer: EndRow, EndGroup and Close return the error.
type Column struct {
	w *Writer
	f Field

	// The page being filled: n values, nulls of them NULL, size bytes as
	// buffered. levels are its definition levels (optional columns); its
	// values are in indexes while the chunk is dictionary-encoded, else in
	// bytes and lens, ints, doubles or bools, by type.
	n, nulls, size int
	full           int // values of a full page, about
	levels         []byte
	indexes        []uint32
	bytes          []byte
	lens           []int32
	ints           []int64
	doubles        []float64
	bools          []bool

	// The column chunk's dictionary, while dict: its values in order, by
	// value, and their PLAIN size. last is the index of the value added
	// last: runs of one value (a sorted key, a constant column) skip the
	// map.
	dict      bool
	strIndex  map[string]uint32
	intIndex  map[int64]uint32
	dictStrs  []string
	dictInts  []int64
	dictBytes int
	hasLast   bool
	lastStr   string
	lastInt   int64
	lastIdx   uint32

	// The column chunk's values (NULLs included), NULLs, NaNs and bounds.
	values, nullCount, nans int64
	bounded                 bool
	minS, maxS              string
	minI, maxI              int64
	minF, maxF              float64
	sawFalse, sawTrue       bool

	// pages are the chunk's data pages, headers included, compressed and
	// uncompressed their sizes; pageEncodings counts its data pages by
	// encoding.
	pages                    []byte
	compressed, uncompressed int64
	pageEncodings            [encByteStreamSplit + 1]int32
}

func newColumn(w *Writer, f Field) *Column {
	c := &Column{w: w, f: f, dict: f.Encoding == Dictionary}
	width := 4 // a string's length or a dictionary index
	switch f.Type {
	case Int64, Double:
		width = 8
	case Boolean:
		width = 1
	}
	c.full = min(w.opt.MaxRowsPerGroup, w.opt.PageBytes/width+1)
	if c.dict {
		if f.Type == String {
			c.strIndex = map[string]uint32{}
		} else {
			c.intIndex = map[int64]uint32{}
		}
	}
	return c
}

// firstCap is the capacity of a page's buffers when first allocated.
const firstCap = 4096

// push appends v to s. Once s has held firstCap values, it grows to full
// (a page's values) at once: a page's buffers reach their size in two
// allocations rather than in a dozen, copying as they go.
func push[T any](s []T, v T, full int) []T {
	if len(s) == cap(s) {
		s = grow(s, 1, full)
	}
	return append(s, v)
}

// grow returns s with room for n more values, firstCap or full of them
// or twice its capacity.
func grow[T any](s []T, n, full int) []T {
	c := firstCap
	if cap(s) >= firstCap {
		c = max(full, 2*cap(s))
	}
	ns := make([]T, len(s), max(c, len(s)+n))
	copy(ns, s)
	return ns
}

func (c *Column) wrongType(t Type) {
	c.w.fail(fmt.Errorf("parquet: column %q is %s, not %s", c.f.Name, c.f.Type, t))
}

// added counts a value added, and ends the page once it holds
// Options.PageBytes.
func (c *Column) added() {
	if c.f.Optional {
		c.levels = push(c.levels, 1, c.full)
	}
	c.n++
	if c.size >= c.w.opt.PageBytes {
		c.flushPage()
	}
}

// Null adds a NULL.
func (c *Column) Null() {
	if !c.f.Optional {
		c.w.fail(fmt.Errorf("parquet: NULL in required column %q", c.f.Name))
		return
	}
	c.levels = push(c.levels, 0, c.full)
	c.n++
	c.nulls++
	c.size++
	if c.size >= c.w.opt.PageBytes {
		c.flushPage()
	}
}

// String adds s to a string column.
func (c *Column) String(s string) {
	if c.f.Type != String {
		c.wrongType(String)
		return
	}
	if len(s) > maxValueBytes {
		c.w.fail(fmt.Errorf("parquet: column %q: a value of %d bytes, more than %d", c.f.Name, len(s), maxValueBytes))
		return
	}
	if !c.dict || !c.addDictString(s) {
		if len(c.bytes)+len(s) > cap(c.bytes) {
			c.bytes = grow(c.bytes, len(s), c.w.opt.PageBytes+len(s))
		}
		c.bytes = append(c.bytes, s...)
		c.lens = push(c.lens, int32(len(s)), c.full)
		c.size += 4 + len(s)
		c.boundString(s, false)
	}
	c.added()
}

// StringPtr adds *s, or NULL when s is nil.
func (c *Column) StringPtr(s *string) {
	if s == nil {
		c.Null()
	} else {
		c.String(*s)
	}
}

// addDictString adds s's index to the page, s to the dictionary if new;
// false once the dictionary is full (the chunk falls back to PLAIN).
func (c *Column) addDictString(s string) bool {
	if c.hasLast && s == c.lastStr {
		c.indexes = push(c.indexes, c.lastIdx, c.full)
		c.size += 4
		return true
	}
	i, ok := c.strIndex[s]
	if !ok {
		if c.dictBytes+4+len(s) > c.w.opt.DictionaryMaxBytes {
			c.fallBack()
			return false
		}
		s = strings.Clone(s)
		i = uint32(len(c.dictStrs))
		c.strIndex[s] = i
		c.dictStrs = append(c.dictStrs, s)
		c.dictBytes += 4 + len(s)
		c.boundString(s, true)
	}
	c.hasLast, c.lastStr, c.lastIdx = true, c.dictStrs[i], i
	c.indexes = push(c.indexes, i, c.full)
	c.size += 4
	return true
}

// fallBack ends the page of dictionary indexes: the rest of the chunk is
// PLAIN.
func (c *Column) fallBack() {
	if c.n > 0 {
		c.flushPage()
	}
	c.dict = false
}

// boundString widens the chunk's bounds to s; owned says s is the
// column's own copy.
func (c *Column) boundString(s string, owned bool) {
	switch {
	case !c.bounded:
		if !owned {
			s = strings.Clone(s)
		}
		c.minS, c.maxS, c.bounded = s, s, true
	case s < c.minS:
		if !owned {
			s = strings.Clone(s)
		}
		c.minS = s
	case s > c.maxS:
		if !owned {
			s = strings.Clone(s)
		}
		c.maxS = s
	}
}

// Int64 adds v to an INT64 column.
func (c *Column) Int64(v int64) {
	if c.f.Type != Int64 {
		c.wrongType(Int64)
		return
	}
	c.addInt(v, 8)
}

// Int32 adds v to an INT32 column.
func (c *Column) Int32(v int32) {
	if c.f.Type != Int32 {
		c.wrongType(Int32)
		return
	}
	c.addInt(int64(v), 4)
}

func (c *Column) addInt(v int64, size int) {
	if !c.dict || !c.addDictInt(v) {
		c.ints = push(c.ints, v, c.full)
		c.size += size
		c.boundInt(v)
	}
	c.added()
}

func (c *Column) addDictInt(v int64) bool {
	if c.hasLast && v == c.lastInt {
		c.indexes = push(c.indexes, c.lastIdx, c.full)
		c.size += 4
		return true
	}
	i, ok := c.intIndex[v]
	if !ok {
		size := 8
		if c.f.Type == Int32 {
			size = 4
		}
		if c.dictBytes+size > c.w.opt.DictionaryMaxBytes {
			c.fallBack()
			return false
		}
		i = uint32(len(c.dictInts))
		c.intIndex[v] = i
		c.dictInts = append(c.dictInts, v)
		c.dictBytes += size
		c.boundInt(v)
	}
	c.hasLast, c.lastInt, c.lastIdx = true, v, i
	c.indexes = push(c.indexes, i, c.full)
	c.size += 4
	return true
}

func (c *Column) boundInt(v int64) {
	switch {
	case !c.bounded:
		c.minI, c.maxI, c.bounded = v, v, true
	case v < c.minI:
		c.minI = v
	case v > c.maxI:
		c.maxI = v
	}
}

// Double adds v to a DOUBLE column. NaNs are counted, and left out of the
// bounds, as parquet.thrift's ColumnOrder asks.
func (c *Column) Double(v float64) {
	if c.f.Type != Double {
		c.wrongType(Double)
		return
	}
	c.doubles = push(c.doubles, v, c.full)
	c.size += 8
	switch {
	case v != v:
		c.nans++
	case !c.bounded:
		c.minF, c.maxF, c.bounded = v, v, true
	case v < c.minF:
		c.minF = v
	case v > c.maxF:
		c.maxF = v
	}
	c.added()
}

// DoublePtr adds *v, or NULL when v is nil.
func (c *Column) DoublePtr(v *float64) {
	if v == nil {
		c.Null()
	} else {
		c.Double(*v)
	}
}

// Bool adds v to a BOOLEAN column.
func (c *Column) Bool(v bool) {
	if c.f.Type != Boolean {
		c.wrongType(Boolean)
		return
	}
	c.bools = push(c.bools, v, c.full)
	c.size++
	if v {
		c.sawTrue = true
	} else {
		c.sawFalse = true
	}
	c.bounded = true
	c.added()
}

// BoolPtr adds *v, or NULL when v is nil.
func (c *Column) BoolPtr(v *bool) {
	if v == nil {
		c.Null()
	} else {
		c.Bool(*v)
	}
}
