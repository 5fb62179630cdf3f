package export

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/format"
	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/eval"
	"github.com/bfquery/bfquery/internal/modelgen"
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

// BenchmarkParquetWriter writes the properties rows of an export (those
// of its first file) again and again, with export's own writer and with
// parquet-go's, in turns in each iteration, zstd included: the writers
// alone, without the reading of the cache that BenchmarkExport measures
// too. The model is generated (20k elements), or the cache in
// BFQUERY_BENCH_CACHE. It reports rows/s of each and the ratio of their
// times (below 1 when faster).
func BenchmarkParquetWriter(b *testing.B) {
	cache := os.Getenv("BFQUERY_BENCH_CACHE")
	if _, err := os.Stat(filepath.Join(cache, eval.ManifestName)); cache == "" || err != nil {
		cache = b.TempDir()
		_, err := modelgen.WriteCache(cache, modelgen.CacheConfig{Seed: 1, FileID: "1", Elements: 20_000, Format: modelgen.NDJSON})
		require.NoError(b, err)
	}
	out := b.TempDir()
	_, err := Export(cache, out, Options{})
	require.NoError(b, err)
	files, err := filepath.Glob(filepath.Join(out, PropertiesTable, "*", "part-00000.parquet"))
	require.NoError(b, err)
	require.NotEmpty(b, files)
	rows, err := parquet.ReadFile[Property](files[0])
	require.NoError(b, err)
	c := newShared(2)
	write := func(w rowWriter[Property]) time.Duration {
		start := time.Now()
		for i := 0; i < len(rows); i += 4096 {
			_, err := w.Write(rows[i:min(i+4096, len(rows))])
			require.NoError(b, err)
		}
		require.NoError(b, w.Close())
		return time.Since(start)
	}
	var own, base time.Duration
	i := 0
	for b.Loop() {
		w, err := newParquetRows[Property](io.Discard, "key", DefaultRowGroupRows, c)
		require.NoError(b, err)
		if i%2 == 0 {
			own += write(w)
			base += write(parquetGoRows[Property](io.Discard, "key", DefaultRowGroupRows, c))
		} else {
			base += write(parquetGoRows[Property](io.Discard, "key", DefaultRowGroupRows, c))
			own += write(w)
		}
		i++
	}
	b.ReportMetric(float64(len(rows)*i)/own.Seconds(), "rows/s")
	b.ReportMetric(float64(len(rows)*i)/base.Seconds(), "base-rows/s")
	b.ReportMetric(own.Seconds()/base.Seconds(), "time/base")
}
