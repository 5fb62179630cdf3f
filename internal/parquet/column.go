package parquet

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math"
	"slices"
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

// flushPage encodes and compresses the page into pages, as a data page
// v2: definition levels uncompressed, then the values.
func (c *Column) flushPage() {
	w := c.w
	lv := w.levelBuf[:0]
	if c.f.Optional {
		lv = appendHybrid(&w.hybrid, lv, c.levels, 1)
	}
	vals, enc := c.encodeValues(w.valueBuf[:0])
	w.levelBuf, w.valueBuf = lv, vals

	body, isCompressed := vals, false
	if c.f.Compressor != nil && len(vals) > 0 {
		out, err := c.f.Compressor.Compress(w.compBuf[:0], vals)
		if err != nil {
			w.fail(fmt.Errorf("parquet: column %q: compressing a page: %w", c.f.Name, err))
			return
		}
		w.compBuf = out
		// Values that do not compress are written as they are, which
		// data pages v2 allow.
		if len(out) < len(vals) {
			body, isCompressed = out, true
		}
	}
	uncompressed, ok1 := i32Of(len(lv) + len(vals))
	compressed, ok2 := i32Of(len(lv) + len(body))
	if !ok1 || !ok2 {
		w.fail(fmt.Errorf("parquet: column %q: a page of %d bytes, more than Parquet's page header can hold", c.f.Name, len(lv)+len(vals)))
		return
	}
	crc := crc32.Update(crc32.ChecksumIEEE(lv), crc32.IEEETable, body)
	start := len(c.pages)
	c.pages = appendDataPageV2Header(c.pages, uncompressed, compressed, int32(crc), int32(c.n), int32(c.nulls), enc, int32(len(lv)), isCompressed)
	header := int64(len(c.pages) - start)
	c.pages = append(c.pages, lv...)
	c.pages = append(c.pages, body...)
	c.uncompressed += header + int64(uncompressed)
	c.compressed += header + int64(compressed)
	c.pageEncodings[enc]++

	c.values += int64(c.n)
	c.nullCount += int64(c.nulls)
	c.resetPage()
}

func (c *Column) resetPage() {
	c.n, c.nulls, c.size = 0, 0, 0
	c.levels, c.indexes, c.bytes, c.lens = c.levels[:0], c.indexes[:0], c.bytes[:0], c.lens[:0]
	c.ints, c.doubles, c.bools = c.ints[:0], c.doubles[:0], c.bools[:0]
}

// encodeValues appends the page's values, encoded, and returns their
// encoding. A page of NULLs only has no values: PLAIN, empty.
func (c *Column) encodeValues(dst []byte) ([]byte, int32) {
	w := c.w
	switch {
	case c.n == c.nulls:
		return dst, encPlain
	case c.dict:
		width := bitWidth(uint64(max(len(c.dictStrs), len(c.dictInts)) - 1))
		dst = append(dst, byte(width))
		return appendHybrid(&w.hybrid, dst, c.indexes, width), encRLEDictionary
	}
	switch c.f.Type {
	case String:
		switch c.f.Encoding {
		case Delta:
			return c.appendDeltaByteArray(dst), encDeltaByteArray
		case DeltaLength:
			w.ints = w.ints[:0]
			for _, n := range c.lens {
				w.ints = append(w.ints, int64(n))
			}
			dst = w.delta.appendDelta(dst, w.ints, 32)
			return append(dst, c.bytes...), encDeltaLengthByteArray
		}
		off := 0
		for _, n := range c.lens {
			dst = binary.LittleEndian.AppendUint32(dst, uint32(n))
			dst = append(dst, c.bytes[off:off+int(n)]...)
			off += int(n)
		}
		return dst, encPlain
	case Int32, Int64:
		width := 64
		if c.f.Type == Int32 {
			width = 32
		}
		if c.f.Encoding == Delta {
			return w.delta.appendDelta(dst, c.ints, width), encDeltaBinaryPacked
		}
		for _, v := range c.ints {
			if width == 32 {
				dst = binary.LittleEndian.AppendUint32(dst, uint32(v))
			} else {
				dst = binary.LittleEndian.AppendUint64(dst, uint64(v))
			}
		}
		return dst, encPlain
	case Double:
		if c.f.Encoding == ByteStreamSplit {
			return appendByteStreamSplit(dst, c.doubles), encByteStreamSplit
		}
		for _, v := range c.doubles {
			dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(v))
		}
		return dst, encPlain
	}
	return appendPlainBools(dst, c.bools), encPlain
}

// appendDeltaByteArray appends the page's strings DELTA_BYTE_ARRAY: the
// lengths of the prefixes they share with the previous string, then the
// rest of each, DELTA_LENGTH_BYTE_ARRAY.
func (c *Column) appendDeltaByteArray(dst []byte) []byte {
	w := c.w
	w.ints, w.ints2, w.suffixes = w.ints[:0], w.ints2[:0], w.suffixes[:0]
	var prev []byte
	off := 0
	for _, n := range c.lens {
		s := c.bytes[off : off+int(n)]
		off += int(n)
		p := 0
		for p < len(s) && p < len(prev) && s[p] == prev[p] {
			p++
		}
		w.ints = append(w.ints, int64(p))
		w.ints2 = append(w.ints2, int64(len(s)-p))
		w.suffixes = append(w.suffixes, s[p:]...)
		prev = s
	}
	dst = w.delta.appendDelta(dst, w.ints, 32)
	dst = w.delta.appendDelta(dst, w.ints2, 32)
	return append(dst, w.suffixes...)
}

// writeChunk writes the column chunk of the row group (the dictionary
// page, then the data pages) and returns its metadata.
func (c *Column) writeChunk() columnMeta {
	w := c.w
	if c.n > 0 {
		c.flushPage()
	}
	codec := int32(0)
	if c.f.Compressor != nil {
		codec = c.f.Compressor.Codec()
	}
	m := columnMeta{typ: c.f.Type.physical(), path: c.f.Name, codec: codec, numValues: c.values}
	if len(c.dictStrs) > 0 || len(c.dictInts) > 0 {
		m.dictPageOffset = w.off
		c.writeDictionaryPage(&m)
		m.encodings = append(m.encodings, encPlain)
		m.encodingStats = append(m.encodingStats, encodingStat{pageDictionary, encPlain, 1})
	}
	m.dataPageOffset = w.off
	w.write(c.pages)
	m.compressed += c.compressed
	m.uncompressed += c.uncompressed
	if c.f.Optional {
		m.encodings = append(m.encodings, encRLE)
	}
	for enc, n := range c.pageEncodings {
		if n > 0 {
			m.encodings = append(m.encodings, int32(enc))
			m.encodingStats = append(m.encodingStats, encodingStat{pageDataV2, int32(enc), n})
		}
	}
	slices.Sort(m.encodings)
	m.encodings = slices.Compact(m.encodings)
	m.stats = c.statistics()
	c.resetChunk()
	return m
}

// writeDictionaryPage writes the dictionary page: PLAIN values,
// compressed with the column's codec, which dictionary pages always are.
func (c *Column) writeDictionaryPage(m *columnMeta) {
	w := c.w
	vals := w.valueBuf[:0]
	n := len(c.dictInts)
	switch c.f.Type {
	case String:
		n = len(c.dictStrs)
		for _, s := range c.dictStrs {
			vals = binary.LittleEndian.AppendUint32(vals, uint32(len(s)))
			vals = append(vals, s...)
		}
	case Int32:
		for _, v := range c.dictInts {
			vals = binary.LittleEndian.AppendUint32(vals, uint32(v))
		}
	default:
		for _, v := range c.dictInts {
			vals = binary.LittleEndian.AppendUint64(vals, uint64(v))
		}
	}
	w.valueBuf = vals
	body := vals
	if c.f.Compressor != nil {
		out, err := c.f.Compressor.Compress(w.compBuf[:0], vals)
		if err != nil {
			w.fail(fmt.Errorf("parquet: column %q: compressing the dictionary: %w", c.f.Name, err))
			return
		}
		w.compBuf, body = out, out
	}
	uncompressed, ok1 := i32Of(len(vals))
	compressed, ok2 := i32Of(len(body))
	if !ok1 || !ok2 {
		w.fail(fmt.Errorf("parquet: column %q: a dictionary of %d bytes, more than Parquet's page header can hold", c.f.Name, len(vals)))
		return
	}
	h := appendDictionaryPageHeader(w.headerBuf[:0], uncompressed, compressed, int32(crc32.ChecksumIEEE(body)), int32(n))
	w.headerBuf = h
	w.write(h)
	w.write(body)
	m.uncompressed += int64(len(h) + len(vals))
	m.compressed += int64(len(h) + len(body))
}

// statistics are the chunk's: min and max PLAIN-encoded, byte arrays
// without their length.
func (c *Column) statistics() statistics {
	s := statistics{nullCount: c.nullCount}
	if c.f.Type == Double {
		s.hasNaN, s.nanCount = true, c.nans
	}
	if !c.bounded {
		return s
	}
	switch c.f.Type {
	case String:
		s.min, s.max = []byte(c.minS), []byte(c.maxS)
	case Int32:
		s.min = binary.LittleEndian.AppendUint32(nil, uint32(c.minI))
		s.max = binary.LittleEndian.AppendUint32(nil, uint32(c.maxI))
	case Int64:
		s.min = binary.LittleEndian.AppendUint64(nil, uint64(c.minI))
		s.max = binary.LittleEndian.AppendUint64(nil, uint64(c.maxI))
	case Double:
		// A zero bound is written -0 as a minimum, +0 as a maximum
		// (parquet.thrift's ColumnOrder), since either may be in the chunk.
		lo, hi := c.minF, c.maxF
		if lo == 0 {
			lo = math.Copysign(0, -1)
		}
		if hi == 0 {
			hi = 0
		}
		s.min = binary.LittleEndian.AppendUint64(nil, math.Float64bits(lo))
		s.max = binary.LittleEndian.AppendUint64(nil, math.Float64bits(hi))
	case Boolean:
		s.min, s.max = []byte{1}, []byte{0}
		if c.sawFalse {
			s.min[0] = 0
		}
		if c.sawTrue {
			s.max[0] = 1
		}
	}
	return s
}

func (c *Column) resetChunk() {
	c.dict = c.f.Encoding == Dictionary
	clear(c.strIndex)
	clear(c.intIndex)
	clear(c.dictStrs)
	c.dictStrs, c.dictInts, c.dictBytes, c.hasLast, c.lastStr = c.dictStrs[:0], c.dictInts[:0], 0, false, ""
	c.values, c.nullCount, c.nans, c.bounded = 0, 0, 0, false
	c.minS, c.maxS, c.sawFalse, c.sawTrue = "", "", false, false
	c.pages, c.compressed, c.uncompressed = c.pages[:0], 0, 0
	c.pageEncodings = [len(c.pageEncodings)]int32{}
}
