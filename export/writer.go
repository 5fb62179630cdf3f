package export

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"

	"github.com/bfquery/bfquery/internal/parquet"
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

// DefaultRowGroupRows is the number of rows of a Parquet row group. Small
// enough that a key's rows, sorted together, skip most row groups of a
// file; large enough that per-group overhead stays small. It is DuckDB's
// own row group size.
const DefaultRowGroupRows = 122880

// pageBytes is the size of a column's page before compression: four
// times parquet-go's default, so that zstd sees more of a column's values
// at once (the files come out about 3% smaller).
const pageBytes = 1 << 20

// rowWriter writes rows of one table to one file.
type rowWriter[T any] interface {
	Write(rows []T) (int, error)
	// EndGroup ends a Parquet row group: the next rows begin another.
	EndGroup() error
	Close() error
}

// createRows makes the file name and a writer of rows of type T in
// format f; sortedBy names the column the rows come sorted by, if any, so
// that Parquet's metadata can say so, and groupRows is the rows of a
// Parquet row group; c's codecs compress its pages (better compression
// than zstd's default level except on fastColumns: texts do not compress
// much, and the files are written once and read many times), and c keeps
// Parquet writers for reuse. header and fields give CSV its columns.
func createRows[T any](name string, f Format, sortedBy string, groupRows int, c shared, header []string, fields func(*T, []string) []string) (rowWriter[T], error) {
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
		newRows := newParquetRows[T]
		if parquetBaseline != nil {
			newRows = func(w io.Writer, sortedBy string, groupRows int, c shared) (rowWriter[T], error) {
				r, err := parquetBaseline(w, (*T)(nil), sortedBy, groupRows, c)
				if err != nil {
					return nil, err
				}
				return r.(rowWriter[T]), nil
			}
		}
		w, err := newRows(bw, sortedBy, groupRows, c)
		if err != nil {
			return nil, closer(err)
		}
		return closingRows[T]{w, closer}, nil
	case CSV:
		cw := csv.NewWriter(bw)
		if err := cw.Write(header); err != nil {
			return nil, closer(err)
		}
		return &csvRows[T]{w: cw, fields: fields, close: closer}, nil
	}
	return &jsonRows[T]{enc: json.NewEncoder(bw), close: closer}, nil
}

// parquetBaseline, nil but in benchmarks, makes the Parquet writers of
// rows of type *row's instead of newParquetRows, to compare another
// writer's files and speed with ours.
var parquetBaseline func(w io.Writer, row any, sortedBy string, groupRows int, c shared) (any, error)

// newParquetRows makes a Parquet writer of rows of type T on w, with a
// writer of an earlier file of the export if there is one.
func newParquetRows[T any](w io.Writer, sortedBy string, groupRows int, c shared) (rowWriter[T], error) {
	put, ok := putRow[T]()
	if !ok {
		return nil, fmt.Errorf("export: no Parquet columns for rows of %T", *new(T))
	}
	free := c.writersOf((*T)(nil))
	select {
	case pw := <-free:
		if err := pw.Reset(w); err != nil {
			return nil, err
		}
		return &parquetRows[T]{w: pw, put: put, free: free}, nil
	default:
	}
	s, err := schemaOf[T](c)
	if err != nil {
		return nil, err
	}
	// put writes the columns of the table's list, in its order.
	want := PropertyColumns
	if _, ok := any((*T)(nil)).(*Element); ok {
		want = ElementColumns
	}
	names := make([]string, len(s.Columns))
	for i, f := range s.Columns {
		names[i] = f.Name
	}
	if !slices.Equal(names, want) {
		return nil, fmt.Errorf("export: the Parquet columns of %T are not those of its table", *new(T))
	}
	pw, err := parquet.NewWriter(w, s, parquet.Options{
		MaxRowsPerGroup:    groupRows,
		PageBytes:          pageBytes,
		DictionaryMaxBytes: 1 << 20,
		CreatedBy:          "bfquery version 1",
		SortedBy:           sortedBy,
	})
	if err != nil {
		return nil, err
	}
	return &parquetRows[T]{w: pw, put: put, free: free}, nil
}

// closingRows closes its file once its writer is closed.
type closingRows[T any] struct {
	rowWriter[T]
	close func(error) error
}

func (c closingRows[T]) Close() error { return c.close(c.rowWriter.Close()) }

type parquetRows[T any] struct {
	w    *parquet.Writer
	put  func([]*parquet.Column, *T)
	free chan *parquet.Writer
}

var errClosedRows = errors.New("export: rows written to a closed file")

func (p *parquetRows[T]) Write(rows []T) (int, error) {
	if p.w == nil {
		return 0, errClosedRows
	}
	cols := p.w.Columns()
	for i := range rows {
		p.put(cols, &rows[i])
		if err := p.w.EndRow(); err != nil {
			return i, err
		}
	}
	return len(rows), nil
}

func (p *parquetRows[T]) EndGroup() error {
	if p.w == nil {
		return errClosedRows
	}
	return p.w.EndGroup()
}

// Close closes the file, and keeps the writer for another once it has
// written this one whole.
func (p *parquetRows[T]) Close() error {
	if p.w == nil {
		return errClosedRows
	}
	w := p.w
	p.w = nil
	if err := w.Close(); err != nil {
		return err
	}
	select {
	case p.free <- w:
	default:
	}
	return nil
}

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

func (c *csvRows[T]) EndGroup() error { return nil }

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

func (j *jsonRows[T]) EndGroup() error { return nil }
func (j *jsonRows[T]) Close() error    { return j.close(nil) }

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
	return append(rec, p.TargetType, p.Kind, p.ID, strconv.Itoa(int(p.Pos)), str(p.Group), p.Key, str(p.ValueKind), str(p.ValueText),
		float(p.ValueNum), b, str(p.Unit), str(p.ValueType))
}

// elementBatchRows is the number of rows of an elementBatch.
const elementBatchRows = 4096

// elementBatch is rows of the elements table on their way to the file.
// Their pointers point into texts and nums, so that a row costs no
// allocation of its own.
type elementBatch struct {
	rows  []Element
	texts []string
	nums  []float64
}

func (b *elementBatch) full() bool { return len(b.rows) == cap(b.rows) }

// add adds row e with the standard columns of s.
func (b *elementBatch) add(e Element, s *std) {
	text := func(k int) *string {
		if !s.has[k] {
			return nil
		}
		b.texts = append(b.texts, s.text[k])
		return &b.texts[len(b.texts)-1]
	}
	num := func(k int) *float64 {
		if !s.hasBox[k] {
			return nil
		}
		b.nums = append(b.nums, s.box[k])
		return &b.nums[len(b.nums)-1]
	}
	e.Name, e.CategoryName, e.CategoryID = text(0), text(1), text(2)
	e.Floor, e.Family, e.FamilyType = text(3), text(4), text(5)
	e.Specialty, e.SystemType, e.GUID = text(6), text(7), text(8)
	e.MinX, e.MinY, e.MinZ = num(0), num(1), num(2)
	e.MaxX, e.MaxY, e.MaxZ = num(3), num(4), num(5)
	b.rows = append(b.rows, e)
}

// elementWriter writes batches of element rows on a goroutine of its
// own, and hands the batches back for reuse.
type elementWriter struct {
	batches chan *elementBatch
	free    chan *elementBatch
	done    chan error
}

func newElementWriter(w rowWriter[Element]) *elementWriter {
	ew := &elementWriter{batches: make(chan *elementBatch, 2), free: make(chan *elementBatch, 4), done: make(chan error, 1)}
	go func() {
		var err error
		for b := range ew.batches {
			if err == nil {
				_, err = w.Write(b.rows)
			}
			select {
			case ew.free <- b:
			default:
			}
		}
		ew.done <- errors.Join(err, w.Close())
	}()
	return ew
}

// batch returns an empty batch.
func (ew *elementWriter) batch() *elementBatch {
	select {
	case b := <-ew.free:
		b.rows, b.texts, b.nums = b.rows[:0], b.texts[:0], b.nums[:0]
		return b
	default:
		return &elementBatch{
			rows:  make([]Element, 0, elementBatchRows),
			texts: make([]string, 0, elementBatchRows*len(stdKeys)),
			nums:  make([]float64, 0, elementBatchRows*6),
		}
	}
}

func (ew *elementWriter) write(b *elementBatch) {
	if len(b.rows) > 0 {
		ew.batches <- b
	}
}

// close waits for the batches written and closes the file.
func (ew *elementWriter) close() error {
	close(ew.batches)
	return <-ew.done
}
