package parquet_test

import (
	"bytes"
	"testing"

	pq "github.com/parquet-go/parquet-go"
	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/internal/parquet"
)

// row has a column of each type and encoding the writer supports; its
// tags give parquet-go's reader the columns' names, testSchema their
// encodings.
type row struct {
	S      string   `parquet:"s"`
	SD     string   `parquet:"sd"`
	SDelta string   `parquet:"sdelta"`
	OS     *string  `parquet:"os,optional"`
	OSD    *string  `parquet:"osd,optional"`
	OSDel  *string  `parquet:"osdel,optional"`
	I64    int64    `parquet:"i64"`
	I64D   int64    `parquet:"i64d"`
	I64Dic int64    `parquet:"i64dic"`
	I32    int32    `parquet:"i32"`
	OI32   *int32   `parquet:"oi32,optional"`
	I32P   int32    `parquet:"i32p"`
	F      *float64 `parquet:"f,optional"`
	FP     float64  `parquet:"fp"`
	B      *bool    `parquet:"b,optional"`
	BR     bool     `parquet:"br"`
	OSDL   *string  `parquet:"osdl,optional"`
}

func testSchema(c parquet.Compressor) *parquet.Schema {
	f := func(name string, t parquet.Type, opt bool, e parquet.Encoding) parquet.Field {
		return parquet.Field{Name: name, Type: t, Optional: opt, Encoding: e, Compressor: c}
	}
	return &parquet.Schema{Name: "row", Columns: []parquet.Field{
		f("s", parquet.String, false, parquet.Plain),
		f("sd", parquet.String, false, parquet.Dictionary),
		f("sdelta", parquet.String, false, parquet.Delta),
		f("os", parquet.String, true, parquet.Plain),
		f("osd", parquet.String, true, parquet.Dictionary),
		f("osdel", parquet.String, true, parquet.Delta),
		f("i64", parquet.Int64, false, parquet.Plain),
		f("i64d", parquet.Int64, false, parquet.Delta),
		f("i64dic", parquet.Int64, false, parquet.Dictionary),
		f("i32", parquet.Int32, false, parquet.Dictionary),
		f("oi32", parquet.Int32, true, parquet.Delta),
		f("i32p", parquet.Int32, false, parquet.Plain),
		f("f", parquet.Double, true, parquet.ByteStreamSplit),
		f("fp", parquet.Double, false, parquet.Plain),
		f("b", parquet.Boolean, true, parquet.Plain),
		f("br", parquet.Boolean, false, parquet.Plain),
		f("osdl", parquet.String, true, parquet.DeltaLength),
	}}
}

func putRow(c []*parquet.Column, r *row) {
	c[0].String(r.S)
	c[1].String(r.SD)
	c[2].String(r.SDelta)
	c[3].StringPtr(r.OS)
	c[4].StringPtr(r.OSD)
	c[5].StringPtr(r.OSDel)
	c[6].Int64(r.I64)
	c[7].Int64(r.I64D)
	c[8].Int64(r.I64Dic)
	c[9].Int32(r.I32)
	if r.OI32 == nil {
		c[10].Null()
	} else {
		c[10].Int32(*r.OI32)
	}
	c[11].Int32(r.I32P)
	c[12].DoublePtr(r.F)
	c[13].Double(r.FP)
	c[14].BoolPtr(r.B)
	c[15].Bool(r.BR)
	c[16].StringPtr(r.OSDL)
}

func writeRows(t testing.TB, rows []row, opt parquet.Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := parquet.NewWriter(&buf, testSchema(nil), opt)
	require.NoError(t, err)
	for i := range rows {
		putRow(w.Columns(), &rows[i])
		require.NoError(t, w.EndRow())
	}
	require.NoError(t, w.Close())
	return buf.Bytes()
}

func readRows(t testing.TB, data []byte) []row {
	t.Helper()
	got, err := pq.Read[row](bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	return got
}

func ptr[T any](v T) *T { return &v }

func TestRoundTripSimple(t *testing.T) {
	rows := []row{
		{S: "a", SD: "x", SDelta: "id1", OS: ptr("hé"), I64: 1, I64D: 10, I32: 3, F: ptr(1.5), FP: 2, B: ptr(true), BR: true},
		{S: "", SD: "y", SDelta: "id12", OSD: ptr("z"), OSDel: ptr("q"), I64: -1, I64D: 11, I64Dic: 7, I32: 3, OI32: ptr(int32(-4)), I32P: 9, FP: -0.5},
	}
	got := readRows(t, writeRows(t, rows, parquet.Options{}))
	require.Equal(t, rows, got)
}
