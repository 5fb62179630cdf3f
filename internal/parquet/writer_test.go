package parquet_test

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/klauspost/compress/zstd"
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

// randomRows are n rows of random values, NULLs one in four, strings
// that share prefixes, integers at their extremes at times.
func randomRows(seed uint64, n int) []row {
	rng := rand.New(rand.NewPCG(seed, 7))
	strs := []string{"", "a", "ab", "abc", "é", "键值", "300001", "300002", "3000100", strings.Repeat("z", 300)}
	str := func() string { return strs[rng.IntN(len(strs))] + strconv.Itoa(rng.IntN(3)) }
	opt := func() *string {
		if rng.IntN(4) == 0 {
			return nil
		}
		return ptr(str())
	}
	i64 := func() int64 {
		switch rng.IntN(8) {
		case 0:
			return math.MinInt64
		case 1:
			return math.MaxInt64
		}
		return rng.Int64N(1000) - 500
	}
	i32 := func() int32 {
		switch rng.IntN(8) {
		case 0:
			return math.MinInt32
		case 1:
			return math.MaxInt32
		}
		return int32(rng.IntN(100))
	}
	rows := make([]row, n)
	for i := range rows {
		r := &rows[i]
		r.S, r.SD, r.SDelta = str(), str(), str()
		r.OS, r.OSD, r.OSDel, r.OSDL = opt(), opt(), opt(), opt()
		r.I64, r.I64D, r.I64Dic, r.I32, r.I32P = i64(), i64(), i64(), i32(), i32()
		if rng.IntN(4) != 0 {
			r.OI32 = ptr(i32())
			r.F = ptr(rng.NormFloat64())
			r.B = ptr(rng.IntN(2) == 0)
		}
		r.FP, r.BR = rng.ExpFloat64(), rng.IntN(3) == 0
	}
	return rows
}

// zstdCompressor is zstd at its default level.
type zstdCompressor struct{ e *zstd.Encoder }

func (zstdCompressor) Codec() int32 { return 6 }

func (z zstdCompressor) Compress(dst, src []byte) ([]byte, error) {
	return z.e.EncodeAll(src, dst[:0]), nil
}

// TestRoundTrip writes random rows with pages, row groups and
// compression of several sizes, and reads them back with parquet-go.
func TestRoundTrip(t *testing.T) {
	enc, err := zstd.NewWriter(nil)
	require.NoError(t, err)
	tests := []struct {
		name string
		rows int
		opt  parquet.Options
		comp parquet.Compressor
	}{
		{"no rows", 0, parquet.Options{}, nil},
		{"one row", 1, parquet.Options{}, nil},
		{"pages of a few values", 2000, parquet.Options{PageBytes: 50}, nil},
		{"delta blocks and miniblocks", 1000, parquet.Options{PageBytes: 5000}, nil},
		{"row groups of one row", 10, parquet.Options{MaxRowsPerGroup: 1}, nil},
		{"row groups of 7 rows", 100, parquet.Options{MaxRowsPerGroup: 7, PageBytes: 20}, nil},
		{"small dictionaries", 3000, parquet.Options{DictionaryMaxBytes: 40}, nil},
		{"zstd", 5000, parquet.Options{PageBytes: 4000}, zstdCompressor{enc}},
		{"values that do not compress", -500, parquet.Options{}, zstdCompressor{enc}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rows := randomRows(uint64(i), max(tc.rows, -tc.rows))
			if tc.rows < 0 {
				// Random bytes, which zstd makes larger.
				rng := rand.New(rand.NewPCG(1, 2))
				for i := range rows {
					b := make([]byte, 64)
					for k := range b {
						b[k] = byte(rng.Uint32())
					}
					rows[i].S = string(b)
				}
			}
			var buf bytes.Buffer
			w, err := parquet.NewWriter(&buf, testSchema(tc.comp), tc.opt)
			require.NoError(t, err)
			for i := range rows {
				putRow(w.Columns(), &rows[i])
				require.NoError(t, w.EndRow())
			}
			require.NoError(t, w.Close())
			got := readRows(t, buf.Bytes())
			if diff := cmp.Diff(rows, got, cmpopts.EquateEmpty()); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestMetadata checks the footer: schema, statistics of each column
// chunk, sorting columns, created_by.
func TestMetadata(t *testing.T) {
	rows := []row{
		{S: "b", SD: "y", SDelta: "12", I64: 5, I64D: -3, I64Dic: 1, I32: 2, I32P: -1, FP: 0, BR: true, F: ptr(math.NaN())},
		{S: "a", SD: "z", SDelta: "11", OS: ptr("é"), I64: -5, I64D: 9, I64Dic: 1, I32: 1, I32P: 4, FP: math.Copysign(0, -1), F: ptr(2.5), B: ptr(false)},
		{S: "c", SD: "y", SDelta: "13", OS: ptr("e"), I64: 0, I64D: 0, I64Dic: 2, I32: 3, I32P: 0, FP: -1, F: ptr(-0.5)},
	}
	data := writeRows(t, rows, parquet.Options{CreatedBy: "test version 1", SortedBy: "sd", MaxRowsPerGroup: 3})
	pf, err := pq.OpenFile(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	md := pf.Metadata()
	require.Equal(t, "test version 1", md.CreatedBy)
	require.EqualValues(t, 3, md.NumRows)
	require.Len(t, md.RowGroups, 1)
	rg := md.RowGroups[0]
	require.Len(t, rg.SortingColumns, 1)
	require.EqualValues(t, 1, rg.SortingColumns[0].ColumnIdx)
	require.False(t, rg.SortingColumns[0].Descending)

	type stat struct {
		Min, Max          any
		Nulls             int64
		Encodings, Schema string
	}
	got := map[string]stat{}
	for i, cc := range rg.Columns {
		m := cc.MetaData
		col := pf.Schema().Fields()[i]
		s := stat{Nulls: m.Statistics.NullCount}
		typ := col.Type()
		if m.Statistics.MinValue != nil {
			s.Min = typ.Kind().Value(m.Statistics.MinValue).String()
			s.Max = typ.Kind().Value(m.Statistics.MaxValue).String()
		}
		var encs []string
		for _, e := range m.Encoding {
			encs = append(encs, e.String())
		}
		s.Encodings = strings.Join(encs, " ")
		s.Schema = fmt.Sprintf("%s %v %v", typ.Kind(), col.Optional(), typ.LogicalType())
		got[m.PathInSchema[0]] = s
	}
	want := map[string]stat{
		"s":      {"a", "c", 0, "PLAIN", "BYTE_ARRAY false STRING"},
		"sd":     {"y", "z", 0, "PLAIN RLE_DICTIONARY", "BYTE_ARRAY false STRING"},
		"sdelta": {"11", "13", 0, "DELTA_BYTE_ARRAY", "BYTE_ARRAY false STRING"},
		"os":     {"e", "é", 1, "PLAIN RLE", "BYTE_ARRAY true STRING"},
		"osd":    {nil, nil, 3, "PLAIN RLE", "BYTE_ARRAY true STRING"},
		"osdel":  {nil, nil, 3, "PLAIN RLE", "BYTE_ARRAY true STRING"},
		"i64":    {"-5", "5", 0, "PLAIN", "INT64 false INT(64,true)"},
		"i64d":   {"-3", "9", 0, "DELTA_BINARY_PACKED", "INT64 false INT(64,true)"},
		"i64dic": {"1", "2", 0, "PLAIN RLE_DICTIONARY", "INT64 false INT(64,true)"},
		"i32":    {"1", "3", 0, "PLAIN RLE_DICTIONARY", "INT32 false INT(32,true)"},
		"oi32":   {nil, nil, 3, "PLAIN RLE", "INT32 true INT(32,true)"},
		"i32p":   {"-1", "4", 0, "PLAIN", "INT32 false INT(32,true)"},
		"f":      {"-0.5", "2.5", 0, "RLE BYTE_STREAM_SPLIT", "DOUBLE true <nil>"},
		"fp":     {"-1", "0", 0, "PLAIN", "DOUBLE false <nil>"},
		"b":      {"false", "false", 2, "PLAIN RLE", "BOOLEAN true <nil>"},
		"br":     {"false", "true", 0, "PLAIN", "BOOLEAN false <nil>"},
		"osdl":   {nil, nil, 3, "PLAIN RLE", "BYTE_ARRAY true STRING"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
