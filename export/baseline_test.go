package export

import (
	"fmt"
	"io"
	"slices"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/format"
)

// UseParquetGo makes exports write their Parquet files with parquet-go's
// writer, configured as export configured it before it had its own
// writer, until the function it returns is called: the baseline of the
// benchmarks. Not for tests that run in parallel.
func UseParquetGo() (restore func()) {
	parquetBaseline = func(w io.Writer, row any, sortedBy string, groupRows int, c shared) (any, error) {
		switch row.(type) {
		case *Element:
			return parquetGoRows[Element](w, sortedBy, groupRows, c), nil
		case *Property:
			return parquetGoRows[Property](w, sortedBy, groupRows, c), nil
		}
		return nil, fmt.Errorf("no parquet-go writer for %T", row)
	}
	return func() { parquetBaseline = nil }
}

func parquetGoRows[T any](w io.Writer, sortedBy string, groupRows int, c shared) rowWriter[T] {
	opts := []parquet.WriterOption{
		parquet.Compression(pgCodec{c.better}),
		pgSchemaOf[T](c),
		parquet.MaxRowsPerRowGroup(int64(groupRows)),
		parquet.CreatedBy("bfquery", "1", ""),
		parquet.DictionaryMaxBytes(1 << 20),
		parquet.PageBufferSize(pageBytes),
		parquet.DataPageStatistics(false),
	}
	if sortedBy != "" {
		opts = append(opts, parquet.SortingWriterConfig(parquet.SortingColumns(parquet.Ascending(sortedBy))))
	}
	return pgRows[T]{parquet.NewGenericWriter[T](w, opts...)}
}

type pgRows[T any] struct{ w *parquet.GenericWriter[T] }

func (p pgRows[T]) Write(rows []T) (int, error) { return p.w.Write(rows) }
func (p pgRows[T]) EndGroup() error             { return p.w.Flush() }
func (p pgRows[T]) Close() error                { return p.w.Close() }

// pgSchemaOf is the schema of T with the fast codec on fastColumns.
func pgSchemaOf[T any](c shared) *parquet.Schema {
	s := parquet.SchemaOf(new(T))
	fields := slices.Clone(s.Fields())
	for i, f := range fields {
		if fastColumns[f.Name()] {
			fields[i] = pgCodecField{f, pgCodec{c.fast}}
		}
	}
	return parquet.NewSchema(s.Name(), pgGroup{s, fields})
}

type pgGroup struct {
	parquet.Node
	fields []parquet.Field
}

func (g pgGroup) Fields() []parquet.Field { return g.fields }

type pgCodecField struct {
	parquet.Field
	codec compress.Codec
}

func (f pgCodecField) Compression() compress.Codec { return f.codec }

// pgCodec is a zstdCodec as parquet-go's codec.
type pgCodec struct{ *zstdCodec }

func (pgCodec) String() string                            { return "ZSTD" }
func (pgCodec) CompressionCodec() format.CompressionCodec { return format.Zstd }
func (c pgCodec) Encode(dst, src []byte) ([]byte, error)  { return c.Compress(dst, src) }
func (pgCodec) Decode(dst, src []byte) ([]byte, error) {
	return nil, fmt.Errorf("not for reading")
}
