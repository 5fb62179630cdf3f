package parquet

import (
	"encoding/binary"
	"math"
)

// Thrift's compact protocol, the encoding of Parquet's metadata, as far as
// the structures in meta.go need it: a field header is the difference from
// the previous field's ID (when 1…15) and the field's type in one byte;
// integers are zigzag varints; binaries and lists are prefixed with their
// length; a struct ends with a zero byte.

// Compact protocol types.
const (
	ctTrue   = 1
	ctFalse  = 2
	ctByte   = 3
	ctI16    = 4
	ctI32    = 5
	ctI64    = 6
	ctBinary = 8
	ctList   = 9
	ctStruct = 12
)

// thriftWriter appends a compact-protocol encoding to buf. last is the
// ID of the previous field of each struct being written, innermost last.
type thriftWriter struct {
	buf  []byte
	last []int16
}

func (t *thriftWriter) begin() { t.last = append(t.last, 0) }

func (t *thriftWriter) end() {
	t.buf = append(t.buf, 0)
	t.last = t.last[:len(t.last)-1]
}

func (t *thriftWriter) field(id int16, typ byte) {
	last := &t.last[len(t.last)-1]
	if d := id - *last; d > 0 && d <= 15 {
		t.buf = append(t.buf, byte(d)<<4|typ)
	} else {
		t.buf = append(t.buf, typ)
		t.buf = binary.AppendUvarint(t.buf, zigzag(int64(id)))
	}
	*last = id
}

func zigzag(v int64) uint64 { return uint64(v<<1) ^ uint64(v>>63) }

func (t *thriftWriter) i32(id int16, v int32) {
	t.field(id, ctI32)
	t.buf = binary.AppendUvarint(t.buf, zigzag(int64(v)))
}

func (t *thriftWriter) i16(id int16, v int16) {
	t.field(id, ctI16)
	t.buf = binary.AppendUvarint(t.buf, zigzag(int64(v)))
}

func (t *thriftWriter) i64(id int16, v int64) {
	t.field(id, ctI64)
	t.buf = binary.AppendUvarint(t.buf, zigzag(v))
}

func (t *thriftWriter) i8(id int16, v int8) {
	t.field(id, ctByte)
	t.buf = append(t.buf, byte(v))
}

func (t *thriftWriter) bool(id int16, v bool) {
	if v {
		t.field(id, ctTrue)
	} else {
		t.field(id, ctFalse)
	}
}

func (t *thriftWriter) binary(id int16, b []byte) {
	t.field(id, ctBinary)
	t.buf = binary.AppendUvarint(t.buf, uint64(len(b)))
	t.buf = append(t.buf, b...)
}

func (t *thriftWriter) string(id int16, s string) {
	t.field(id, ctBinary)
	t.buf = binary.AppendUvarint(t.buf, uint64(len(s)))
	t.buf = append(t.buf, s...)
}

// list writes a list field's header; its n elements of type typ follow.
func (t *thriftWriter) list(id int16, typ byte, n int) {
	t.field(id, ctList)
	if n < 15 {
		t.buf = append(t.buf, byte(n)<<4|typ)
	} else {
		t.buf = append(t.buf, 0xf0|typ)
		t.buf = binary.AppendUvarint(t.buf, uint64(n))
	}
}

// struct_ writes a struct field's header; its fields follow, between
// begin and end.
func (t *thriftWriter) struct_(id int16) {
	t.field(id, ctStruct)
	t.begin()
}

// Elements of lists.

func (t *thriftWriter) elemI32(v int32) { t.buf = binary.AppendUvarint(t.buf, zigzag(int64(v))) }

func (t *thriftWriter) elemString(s string) {
	t.buf = binary.AppendUvarint(t.buf, uint64(len(s)))
	t.buf = append(t.buf, s...)
}

// i32Of is n as a thrift i32, or false when it does not fit.
func i32Of(n int) (int32, bool) {
	if n < 0 || n > math.MaxInt32 {
		return 0, false
	}
	return int32(n), true
}
