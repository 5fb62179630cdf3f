package parquet

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math"
	"slices"
)

// A column's pages and chunks: encoding its values when a page is full,
// compressing them, and writing the chunk, its dictionary page first, when
// the row group ends.

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
			hi = math.Copysign(0, 1)
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
