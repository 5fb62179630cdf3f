package parquet

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// magic begins and ends a Parquet file.
const magic = "PAR1"

// Options are a Writer's.
type Options struct {
	// MaxRowsPerGroup ends a row group once it holds that many rows.
	MaxRowsPerGroup int
	// PageBytes ends a column's page once its values take that many
	// bytes before encoding and compression (a string 4 bytes more than
	// its length, a dictionary index 4, a NULL 1).
	PageBytes int
	// DictionaryMaxBytes is the largest PLAIN size of a column chunk's
	// dictionary: the rest of a chunk whose dictionary would outgrow it
	// is PLAIN.
	DictionaryMaxBytes int
	// CreatedBy is the file's created_by: "app version v".
	CreatedBy string
	// SortedBy names the column the rows are sorted by (ascending), which
	// each row group declares; empty for none.
	SortedBy string
}

// Defaults of Options' zero fields.
const (
	DefaultMaxRowsPerGroup    = 122880
	DefaultPageBytes          = 1 << 20
	DefaultDictionaryMaxBytes = 1 << 20
)

// Writer writes a Parquet file of a flat schema, a row at a time: each
// column is given its value of the row, then EndRow ends the row. A row
// group is held in memory, its pages encoded and compressed as they fill,
// and written when it ends. The file has data pages v2, column chunk
// statistics (no page index) and no key-value metadata.
//
// A Writer is not safe for use by several goroutines at once.
type Writer struct {
	out      io.Writer
	off      int64
	schema   *Schema
	opt      Options
	cols     []*Column
	sortedBy int
	rows     int // rows of the current row group
	groups   []rowGroup
	err      error
	closed   bool

	// Scratch of the columns' encodings.
	levelBuf, valueBuf, compBuf, headerBuf, suffixes []byte
	ints, ints2                                      []int64
	hybrid                                           hybrid
	delta                                            delta
}

// NewWriter starts a Parquet file of schema s on out.
func NewWriter(out io.Writer, s *Schema, opt Options) (*Writer, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	if opt.MaxRowsPerGroup <= 0 {
		opt.MaxRowsPerGroup = DefaultMaxRowsPerGroup
	}
	if opt.PageBytes <= 0 {
		opt.PageBytes = DefaultPageBytes
	}
	if opt.DictionaryMaxBytes <= 0 {
		opt.DictionaryMaxBytes = DefaultDictionaryMaxBytes
	}
	w := &Writer{out: out, schema: s, opt: opt, sortedBy: -1}
	if opt.SortedBy != "" {
		for i, f := range s.Columns {
			if f.Name == opt.SortedBy {
				w.sortedBy = i
			}
		}
		if w.sortedBy < 0 {
			return nil, fmt.Errorf("parquet: sorted by %q: no such column in schema %s", opt.SortedBy, s.Name)
		}
	}
	for _, f := range s.Columns {
		w.cols = append(w.cols, newColumn(w, f))
	}
	w.write([]byte(magic))
	return w, w.err
}

// Reset makes w write a new file on out, as NewWriter would with w's
// schema and options, keeping the memory w's columns have grown: a
// writer's first row group allocates its buffers, which the next files
// of the same schema reuse.
func (w *Writer) Reset(out io.Writer) error {
	for _, c := range w.cols {
		c.resetPage()
		c.resetChunk()
	}
	w.out, w.off, w.rows, w.groups, w.err, w.closed = out, 0, 0, w.groups[:0], nil, false
	w.write([]byte(magic))
	return w.err
}

// Columns are the writer's columns, in the schema's order.
func (w *Writer) Columns() []*Column { return w.cols }

func (w *Writer) fail(err error) {
	if w.err == nil {
		w.err = err
	}
}

func (w *Writer) write(b []byte) {
	if w.err != nil {
		return
	}
	n, err := w.out.Write(b)
	w.off += int64(n)
	if err != nil {
		w.err = err
	}
}

// EndRow ends a row, and the row group once it holds
// Options.MaxRowsPerGroup rows.
func (w *Writer) EndRow() error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return errClosed
	}
	if w.rows++; w.rows >= w.opt.MaxRowsPerGroup {
		return w.EndGroup()
	}
	return nil
}

var errClosed = errors.New("parquet: writer closed")

// EndGroup ends the row group: the next rows begin another. It does
// nothing when the row group has no row.
func (w *Writer) EndGroup() error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return errClosed
	}
	if w.rows == 0 {
		return nil
	}
	for _, c := range w.cols {
		if n := c.values + int64(c.n); n != int64(w.rows) {
			w.fail(fmt.Errorf("parquet: column %q has %d values in a row group of %d rows", c.f.Name, n, w.rows))
			return w.err
		}
	}
	g := rowGroup{numRows: int64(w.rows), sortedBy: w.sortedBy, fileOffset: w.off, ordinal: -1}
	if len(w.groups) <= math.MaxInt16 {
		g.ordinal = int16(len(w.groups))
	}
	for _, c := range w.cols {
		m := c.writeChunk()
		g.totalBytes += m.uncompressed
		g.totalCompressed += m.compressed
		g.columns = append(g.columns, m)
	}
	w.groups = append(w.groups, g)
	w.rows = 0
	return w.err
}

// Close ends the row group and writes the file's footer. It does not
// close the io.Writer.
func (w *Writer) Close() error {
	if w.closed {
		return errClosed
	}
	if err := w.EndGroup(); err != nil {
		return err
	}
	w.closed = true
	footer := appendFileMetaData(nil, w.schema, w.groups, w.opt.CreatedBy)
	footer = binary.LittleEndian.AppendUint32(footer, uint32(len(footer)))
	w.write(append(footer, magic...))
	return w.err
}
