package export

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"
)

// Format is the format of a dataset's files.
type Format string

// The formats Export writes.
const (
	Parquet Format = "parquet"
	CSV     Format = "csv"
	NDJSON  Format = "ndjson"
)

// Formats lists the formats, for flags and messages.
var Formats = []Format{Parquet, CSV, NDJSON}

// ParseFormat reads a format's name.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown format %q: must be parquet, csv or ndjson", s)
}

// RowGroupRows is the number of rows of a Parquet row group. Small enough
// that a key's rows, sorted together, skip most row groups of a file; large
// enough that per-group overhead stays small. It is DuckDB's own row group
// size.
const RowGroupRows = 122880

// rowWriter writes rows of one table to one file.
type rowWriter[T any] interface {
	Write(rows []T) (int, error)
	Close() error
}

// createRows makes the file name and a writer of rows of type T in
// format f; sortedBy names the column the rows come sorted by, if any, so
// that Parquet's metadata can say so. header and fields give CSV its
// columns.
func createRows[T any](name string, f Format, sortedBy string, header []string, fields func(*T, []string) []string) (rowWriter[T], error) {
	file, err := os.Create(name)
	if err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(file, 1<<20)
	closer := func(err error) error {
		return errors.Join(err, bw.Flush(), file.Close())
	}
	switch f {
	case Parquet:
		opts := []parquet.WriterOption{
			parquet.Compression(&zstdCodec),
			parquet.MaxRowsPerRowGroup(RowGroupRows),
			parquet.CreatedBy("bfquery", "1", ""),
			parquet.DictionaryMaxBytes(1 << 20),
		}
		if sortedBy != "" {
			opts = append(opts, parquet.SortingWriterConfig(parquet.SortingColumns(parquet.Ascending(sortedBy))))
		}
		return &parquetRows[T]{w: parquet.NewGenericWriter[T](bw, opts...), close: closer}, nil
	case CSV:
		cw := csv.NewWriter(bw)
		if err := cw.Write(header); err != nil {
			return nil, closer(err)
		}
		return &csvRows[T]{w: cw, fields: fields, close: closer}, nil
	}
	return &jsonRows[T]{enc: json.NewEncoder(bw), close: closer}, nil
}

type parquetRows[T any] struct {
	w     *parquet.GenericWriter[T]
	close func(error) error
}

func (p *parquetRows[T]) Write(rows []T) (int, error) { return p.w.Write(rows) }
func (p *parquetRows[T]) Close() error                { return p.close(p.w.Close()) }

type csvRows[T any] struct {
	w      *csv.Writer
	fields func(*T, []string) []string
	rec    []string
	close  func(error) error
}

func (c *csvRows[T]) Write(rows []T) (int, error) {
	for i := range rows {
		c.rec = c.fields(&rows[i], c.rec[:0])
		if err := c.w.Write(c.rec); err != nil {
			return i, err
		}
	}
	return len(rows), nil
}

func (c *csvRows[T]) Close() error {
	c.w.Flush()
	return c.close(c.w.Error())
}

type jsonRows[T any] struct {
	enc   *json.Encoder
	close func(error) error
}

func (j *jsonRows[T]) Write(rows []T) (int, error) {
	for i := range rows {
		if err := j.enc.Encode(&rows[i]); err != nil {
			return i, err
		}
	}
	return len(rows), nil
}

func (j *jsonRows[T]) Close() error { return j.close(nil) }

// CSV cannot tell NULL from an empty string: both are empty fields.
func str(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func float(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'g', -1, 64)
}

func elementFields(e *Element, rec []string) []string {
	return append(rec, e.TargetType, e.Kind, strconv.FormatInt(e.Seq, 10), e.ID, e.FileID, e.RecordID,
		str(e.Name), str(e.CategoryName), str(e.CategoryID), str(e.Floor), str(e.Family), str(e.FamilyType),
		str(e.Specialty), str(e.SystemType), str(e.GUID),
		float(e.MinX), float(e.MinY), float(e.MinZ), float(e.MaxX), float(e.MaxY), float(e.MaxZ))
}

func propertyFields(p *Property, rec []string) []string {
	b := ""
	if p.ValueBool != nil {
		b = strconv.FormatBool(*p.ValueBool)
	}
	return append(rec, p.TargetType, p.Kind, p.ID, str(p.Group), p.Key, str(p.ValueKind), str(p.ValueText),
		float(p.ValueNum), b, str(p.Unit), str(p.ValueType))
}

// zstdCodec compresses harder than zstd's default level: IDs, GUIDs and
// coordinates do not compress much, and the files are written once and
// read many times.
var zstdCodec = zstd.Codec{Level: zstd.SpeedBetterCompression}
