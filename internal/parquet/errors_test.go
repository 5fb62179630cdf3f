package parquet_test

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/internal/parquet"
)

// putBut adds a row of zero values to all columns but skip.
func putBut(c []*parquet.Column, skip int) {
	cols := make([]*parquet.Column, len(c))
	copy(cols, c)
	for i := range cols {
		if i == skip {
			cols[i] = nil
		}
	}
	putRowSkipping(cols, &row{})
}

// putRowSkipping adds r's values to the columns of c that are not nil.
func putRowSkipping(c []*parquet.Column, r *row) {
	all := []func(*parquet.Column){
		func(c *parquet.Column) { c.String(r.S) },
		func(c *parquet.Column) { c.String(r.SD) },
		func(c *parquet.Column) { c.String(r.SDelta) },
		func(c *parquet.Column) { c.StringPtr(r.OS) },
		func(c *parquet.Column) { c.StringPtr(r.OSD) },
		func(c *parquet.Column) { c.StringPtr(r.OSDel) },
		func(c *parquet.Column) { c.Int64(r.I64) },
		func(c *parquet.Column) { c.Int64(r.I64D) },
		func(c *parquet.Column) { c.Int64(r.I64Dic) },
		func(c *parquet.Column) { c.Int32(r.I32) },
		func(c *parquet.Column) { c.Null() },
		func(c *parquet.Column) { c.Int32(r.I32P) },
		func(c *parquet.Column) { c.DoublePtr(r.F) },
		func(c *parquet.Column) { c.Double(r.FP) },
		func(c *parquet.Column) { c.BoolPtr(r.B) },
		func(c *parquet.Column) { c.Bool(r.BR) },
		func(c *parquet.Column) { c.StringPtr(r.OSDL) },
	}
	for i, f := range all {
		if c[i] != nil {
			f(c[i])
		}
	}
}

type failingCompressor struct{}

func (failingCompressor) Codec() int32 { return 6 }
func (failingCompressor) Compress(dst, src []byte) ([]byte, error) {
	return nil, errors.New("out of memory")
}

// failAfter is a writer that fails once it has taken n bytes.
type failAfter struct{ n int }

func (f *failAfter) Write(b []byte) (int, error) {
	if len(b) > f.n {
		n := f.n
		f.n = 0
		return n, errors.New("disk full")
	}
	f.n -= len(b)
	return len(b), nil
}

// TestWriterErrors checks that bad rows and failing writers are errors,
// returned by EndRow or Close and by every call after, never panics.
func TestWriterErrors(t *testing.T) {
	tests := []struct {
		name string
		out  func() *failAfter
		comp parquet.Compressor
		put  func(c []*parquet.Column)
		want string
	}{
		{name: "NULL in a required column", put: func(c []*parquet.Column) { putBut(c, 0); c[0].Null() },
			want: `parquet: NULL in required column "s"`},
		{name: "a string in an INT64 column", put: func(c []*parquet.Column) { putBut(c, 6); c[6].String("1") },
			want: `parquet: column "i64" is INT64, not STRING`},
		{name: "an INT32 in an INT64 column", put: func(c []*parquet.Column) { putBut(c, 6); c[6].Int32(1) },
			want: `parquet: column "i64" is INT64, not INT32`},
		{name: "an INT64 in an INT32 column", put: func(c []*parquet.Column) { putBut(c, 9); c[9].Int64(1) },
			want: `parquet: column "i32" is INT32, not INT64`},
		{name: "a double in a string column", put: func(c []*parquet.Column) { putBut(c, 1); c[1].Double(1) },
			want: `parquet: column "sd" is STRING, not DOUBLE`},
		{name: "a boolean in a double column", put: func(c []*parquet.Column) { putBut(c, 13); c[13].Bool(true) },
			want: `parquet: column "fp" is DOUBLE, not BOOLEAN`},
		{name: "a value missing", put: func(c []*parquet.Column) { putBut(c, 3) },
			want: `parquet: column "os" has 0 values in a row group of 1 rows`},
		{name: "two values in a column", put: func(c []*parquet.Column) { putBut(c, -1); c[3].Null() },
			want: `parquet: column "os" has 2 values in a row group of 1 rows`},
		{name: "compression failing", comp: failingCompressor{}, put: func(c []*parquet.Column) { putBut(c, -1) },
			want: `parquet: column "s": compressing a page: out of memory`},
		{name: "the file failing", out: func() *failAfter { return &failAfter{100} }, put: func(c []*parquet.Column) { putBut(c, -1) },
			want: `disk full`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := &failAfter{1 << 30}
			if tc.out != nil {
				out = tc.out()
			}
			w, err := parquet.NewWriter(out, testSchema(tc.comp), parquet.Options{})
			require.NoError(t, err)
			tc.put(w.Columns())
			err = w.EndRow()
			if err == nil {
				err = w.Close()
			}
			require.EqualError(t, err, tc.want)
			require.EqualError(t, w.EndRow(), tc.want)
			require.EqualError(t, w.EndGroup(), tc.want)
			require.EqualError(t, w.Close(), tc.want)
		})
	}
}

func TestWriterClosed(t *testing.T) {
	var buf bytes.Buffer
	w, err := parquet.NewWriter(&buf, testSchema(nil), parquet.Options{})
	require.NoError(t, err)
	require.NoError(t, w.Close())
	require.EqualError(t, w.Close(), "parquet: writer closed")
	require.EqualError(t, w.EndRow(), "parquet: writer closed")
	require.EqualError(t, w.EndGroup(), "parquet: writer closed")
	_, err = parquet.NewWriter(&failAfter{2}, testSchema(nil), parquet.Options{})
	require.EqualError(t, err, "disk full")
}

// TestReset writes two files with one writer: the second is whole, and
// holds its own rows only.
func TestReset(t *testing.T) {
	var a, b bytes.Buffer
	w, err := parquet.NewWriter(&a, testSchema(nil), parquet.Options{MaxRowsPerGroup: 100})
	require.NoError(t, err)
	rows := randomRows(3, 250)
	for i := range rows[:130] {
		putRow(w.Columns(), &rows[i])
		require.NoError(t, w.EndRow())
	}
	// Reset in the middle of a row group, as after a failed file.
	require.NoError(t, w.Reset(&b))
	for i := range rows[130:] {
		putRow(w.Columns(), &rows[130+i])
		require.NoError(t, w.EndRow())
	}
	require.NoError(t, w.Close())
	require.Equal(t, rows[130:], readRows(t, b.Bytes()))
}

// TestSchemaOf reads schemas from struct tags, and rejects what the
// writer cannot write.
func TestSchemaOf(t *testing.T) {
	type unsupported struct {
		A []byte `parquet:"a"`
	}
	type notPointer struct {
		A string `parquet:"a,optional"`
	}
	type pointer struct {
		A *string `parquet:"a"`
	}
	type option struct {
		A string `parquet:"a,zstd"`
	}
	type encoding struct {
		A string `parquet:"a,split"`
	}
	type twice struct {
		A string `parquet:"a"`
		B string `parquet:"a"`
	}
	type none struct{ A string }

	tests := []struct {
		t    reflect.Type
		want string
	}{
		{reflect.TypeFor[int](), "parquet: schema of int: not a struct"},
		{reflect.TypeFor[unsupported](), "parquet: schema of parquet_test.unsupported: field A: type []uint8 not supported"},
		{reflect.TypeFor[notPointer](), "parquet: schema of parquet_test.notPointer: field A: optional columns are pointers, required ones are not"},
		{reflect.TypeFor[pointer](), "parquet: schema of parquet_test.pointer: field A: optional columns are pointers, required ones are not"},
		{reflect.TypeFor[option](), `parquet: schema of parquet_test.option: field A: tag option "zstd" not supported`},
		{reflect.TypeFor[encoding](), `parquet: schema encoding: column "a": encoding BYTE_STREAM_SPLIT not supported for STRING`},
		{reflect.TypeFor[twice](), `parquet: schema twice: two columns named "a"`},
		{reflect.TypeFor[none](), `parquet: schema none has no column`},
	}
	for _, tc := range tests {
		t.Run(tc.t.String(), func(t *testing.T) {
			_, err := parquet.SchemaOf(tc.t)
			require.EqualError(t, err, tc.want)
		})
	}

	type ok struct {
		A string   `parquet:"a,dict"`
		B *string  `parquet:"b,optional,delta"`
		C int64    `parquet:"c,delta"`
		D int32    `parquet:"d,dict"`
		E *float64 `parquet:"e,optional,split"`
		F *bool    `parquet:"f,optional"`
		G float64  `parquet:""`
		H int      `parquet:"-"`
		I int
	}
	s, err := parquet.SchemaOf(reflect.TypeFor[ok]())
	require.NoError(t, err)
	require.Equal(t, &parquet.Schema{Name: "ok", Columns: []parquet.Field{
		{Name: "a", Type: parquet.String, Encoding: parquet.Dictionary},
		{Name: "b", Type: parquet.String, Optional: true, Encoding: parquet.Delta},
		{Name: "c", Type: parquet.Int64, Encoding: parquet.Delta},
		{Name: "d", Type: parquet.Int32, Encoding: parquet.Dictionary},
		{Name: "e", Type: parquet.Double, Optional: true, Encoding: parquet.ByteStreamSplit},
		{Name: "f", Type: parquet.Boolean, Optional: true},
		{Name: "G", Type: parquet.Double},
	}}, s)

	_, err = parquet.NewWriter(&bytes.Buffer{}, s, parquet.Options{SortedBy: "z"})
	require.EqualError(t, err, `parquet: sorted by "z": no such column in schema ok`)
	_, err = parquet.NewWriter(&bytes.Buffer{}, &parquet.Schema{Name: "x", Columns: []parquet.Field{{Name: "a", Type: parquet.Boolean, Encoding: parquet.Dictionary}}}, parquet.Options{})
	require.EqualError(t, err, `parquet: schema x: column "a": encoding RLE_DICTIONARY not supported for BOOLEAN`)
	_, err = parquet.NewWriter(&bytes.Buffer{}, &parquet.Schema{Name: "x", Columns: []parquet.Field{{Name: "", Type: parquet.Boolean}}}, parquet.Options{})
	require.EqualError(t, err, `parquet: schema x: a column has no name`)
	_, err = parquet.NewWriter(&bytes.Buffer{}, &parquet.Schema{Name: "x", Columns: []parquet.Field{{Name: "a", Type: 0}}}, parquet.Options{})
	require.EqualError(t, err, `parquet: schema x: column "a": encoding PLAIN not supported for Type(0)`)
}
