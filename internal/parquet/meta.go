package parquet

// The structures of parquet.thrift (apache/parquet-format) that the
// writer fills, with only the fields it writes, and their encoding. Field
// IDs are those of parquet.thrift.

// Physical types (parquet.thrift's Type).
const (
	physBoolean   = 0
	physInt32     = 1
	physInt64     = 2
	physDouble    = 5
	physByteArray = 6
)

// Encodings (parquet.thrift's Encoding).
const (
	encPlain                = 0
	encRLE                  = 3
	encDeltaBinaryPacked    = 5
	encDeltaLengthByteArray = 6
	encDeltaByteArray       = 7
	encRLEDictionary        = 8
	encByteStreamSplit      = 9
)

// Page types (parquet.thrift's PageType).
const (
	pageDictionary = 2
	pageDataV2     = 3
)

// Converted types (parquet.thrift's ConvertedType).
const (
	convertedUTF8  = 0
	convertedInt32 = 17
	convertedInt64 = 18
)

// statistics is parquet.thrift's Statistics: min and max PLAIN-encoded
// (byte arrays without their length), nil when the chunk has no value to
// bound; the NaN count for doubles only.
type statistics struct {
	nullCount int64
	min, max  []byte
	hasNaN    bool
	nanCount  int64
}

func (s *statistics) write(t *thriftWriter) {
	t.i64(3, s.nullCount)
	if s.min != nil && s.max != nil {
		t.binary(5, s.max)
		t.binary(6, s.min)
	}
	if s.hasNaN {
		t.i64(9, s.nanCount)
	}
}

// encodingStat is parquet.thrift's PageEncodingStats.
type encodingStat struct {
	pageType, encoding int32
	count              int32
}

// columnMeta is parquet.thrift's ColumnMetaData.
type columnMeta struct {
	typ            int32
	encodings      []int32
	path           string
	codec          int32
	numValues      int64
	uncompressed   int64
	compressed     int64
	dataPageOffset int64
	dictPageOffset int64 // 0 when the chunk has no dictionary page
	stats          statistics
	encodingStats  []encodingStat
}

// write writes a ColumnChunk holding m.
func (m *columnMeta) write(t *thriftWriter) {
	t.begin()
	t.i64(2, 0) // file_offset: no ColumnMetaData outside the footer
	t.struct_(3)
	t.i32(1, m.typ)
	t.list(2, ctI32, len(m.encodings))
	for _, e := range m.encodings {
		t.elemI32(e)
	}
	t.list(3, ctBinary, 1)
	t.elemString(m.path)
	t.i32(4, m.codec)
	t.i64(5, m.numValues)
	t.i64(6, m.uncompressed)
	t.i64(7, m.compressed)
	t.i64(9, m.dataPageOffset)
	if m.dictPageOffset > 0 {
		t.i64(11, m.dictPageOffset)
	}
	t.struct_(12)
	m.stats.write(t)
	t.end()
	t.list(13, ctStruct, len(m.encodingStats))
	for _, s := range m.encodingStats {
		t.begin()
		t.i32(1, s.pageType)
		t.i32(2, s.encoding)
		t.i32(3, s.count)
		t.end()
	}
	t.end()
	t.end()
}

// rowGroup is parquet.thrift's RowGroup.
type rowGroup struct {
	columns         []columnMeta
	totalBytes      int64
	numRows         int64
	sortedBy        int // column index, -1 when none
	fileOffset      int64
	totalCompressed int64
	ordinal         int16 // -1 beyond an i16
}

func (g *rowGroup) write(t *thriftWriter) {
	t.begin()
	t.list(1, ctStruct, len(g.columns))
	for i := range g.columns {
		g.columns[i].write(t)
	}
	t.i64(2, g.totalBytes)
	t.i64(3, g.numRows)
	if g.sortedBy >= 0 {
		t.list(4, ctStruct, 1)
		t.begin()
		t.i32(1, int32(g.sortedBy))
		t.bool(2, false) // ascending
		t.bool(3, false) // NULLs last
		t.end()
	}
	t.i64(5, g.fileOffset)
	t.i64(6, g.totalCompressed)
	if g.ordinal >= 0 {
		t.i16(7, g.ordinal)
	}
	t.end()
}

// appendFileMetaData appends parquet.thrift's FileMetaData of a file of
// schema s.
func appendFileMetaData(buf []byte, s *Schema, groups []rowGroup, createdBy string) []byte {
	t := &thriftWriter{buf: buf}
	t.begin()
	// Version 1: parquet.thrift asks writers to write 1 for the widest
	// compatibility; version 2 features (data pages v2, delta encodings)
	// are told by the pages themselves.
	t.i32(1, 1)
	t.list(2, ctStruct, len(s.Columns)+1)
	t.begin()
	t.string(4, s.Name)
	t.i32(5, int32(len(s.Columns)))
	t.end()
	for _, c := range s.Columns {
		c.writeSchemaElement(t)
	}
	var rows int64
	for i := range groups {
		rows += groups[i].numRows
	}
	t.i64(3, rows)
	t.list(4, ctStruct, len(groups))
	for i := range groups {
		groups[i].write(t)
	}
	t.string(6, createdBy)
	// column_orders: each column's min and max follow its type's order
	// (TypeDefinedOrder), which readers need to trust min_value and
	// max_value.
	t.list(7, ctStruct, len(s.Columns))
	for range s.Columns {
		t.begin()
		t.struct_(1)
		t.end()
		t.end()
	}
	t.end()
	return t.buf
}

func (c *Field) writeSchemaElement(t *thriftWriter) {
	t.begin()
	t.i32(1, c.Type.physical())
	if c.Optional {
		t.i32(3, 1)
	} else {
		t.i32(3, 0)
	}
	t.string(4, c.Name)
	switch c.Type {
	case String:
		t.i32(6, convertedUTF8)
		t.struct_(10)
		t.struct_(1) // STRING
		t.end()
		t.end()
	case Int32, Int64:
		bits, conv := int8(32), int32(convertedInt32)
		if c.Type == Int64 {
			bits, conv = 64, convertedInt64
		}
		t.i32(6, conv)
		t.struct_(10)
		t.struct_(10) // INTEGER
		t.i8(1, bits)
		t.bool(2, true)
		t.end()
		t.end()
	}
	t.end()
}

// appendDataPageV2Header appends the PageHeader of a data page v2.
func appendDataPageV2Header(buf []byte, uncompressed, compressed, crc int32, values, nulls, encoding, levelBytes int32, isCompressed bool) []byte {
	t := &thriftWriter{buf: buf}
	t.begin()
	t.i32(1, pageDataV2)
	t.i32(2, uncompressed)
	t.i32(3, compressed)
	t.i32(4, crc)
	t.struct_(8)
	t.i32(1, values)
	t.i32(2, nulls)
	t.i32(3, values) // a row per value: the schema is flat
	t.i32(4, encoding)
	t.i32(5, levelBytes)
	t.i32(6, 0)
	t.bool(7, isCompressed)
	t.end()
	t.end()
	return t.buf
}

// appendDictionaryPageHeader appends the PageHeader of a dictionary page.
func appendDictionaryPageHeader(buf []byte, uncompressed, compressed, crc, values int32) []byte {
	t := &thriftWriter{buf: buf}
	t.begin()
	t.i32(1, pageDictionary)
	t.i32(2, uncompressed)
	t.i32(3, compressed)
	t.i32(4, crc)
	t.struct_(7)
	t.i32(1, values)
	t.i32(2, encPlain)
	t.end()
	t.end()
	return t.buf
}
