// Package output writes query answers in bfquery's formats: ids, json,
// count, table, csv and json-table (json's rows beside a Table Schema of
// the columns with their units; table.go). The local engine, the remote
// client and the shell all print through it, so that the same query
// prints the same way wherever it ran.
package output

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/mattn/go-runewidth"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
)

// Format names an output format.
type Format string

// The formats. JSON and Count write one line per request, which makes them
// the formats for batches; IDs, Table and CSV write one row per ID.
const (
	IDs   Format = "ids"   // one ID per line
	JSON  Format = "json"  // per request, the API's data array on one line
	Count Format = "count" // per request, the number of IDs on one line
	Table Format = "table" // IDs with a few useful columns, aligned
	CSV   Format = "csv"   // the table's columns as CSV
	// JSONTable is json's array of row objects as "data", beside a Table
	// Schema of the columns that gives each one's type and unit
	// (table.go), one answer per line.
	JSONTable Format = "json-table"
)

// Formats lists the formats, for flags and help.
var Formats = []Format{IDs, JSON, Count, Table, CSV, JSONTable}

// ParseFormat reads a format name.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown format %q: must be one of ids, json, count, table, csv, json-table", s)
}

// Answer is the answer to one request: per target, the IDs found, and
// optionally what the table shows of each.
type Answer struct {
	Select  dsl.Select
	Results []eval.Result
	// Records, when not nil, holds for each result the records of its IDs,
	// in the same order. Without it a table shows the IDs alone.
	Records [][]eval.Record
	// Count, when not nil, is the number of IDs, which Results then
	// leaves out: what the count format prints.
	Count *int
	// Table, when not nil, is the answer of a statement with a SELECT
	// list, which the formats write instead of Results (table.go).
	Table *eval.Table
	// Sets, when not nil, holds per target the match set of a plain
	// query on a local cache, which Results then leaves out: the ids and
	// json formats write its IDs from the index as they go, rather than
	// from a string made for each first (ids.go).
	Sets []Matches
}

// Len returns the number of IDs over all targets, or a table's rows.
func (a Answer) Len() int {
	if a.Table != nil {
		return a.Table.Len()
	}
	if a.Count != nil {
		return *a.Count
	}
	n := 0
	for _, r := range a.Results {
		n += len(r.IDs)
	}
	for _, m := range a.Sets {
		n += m.Set.Len()
	}
	return n
}

// Head returns the answer of a statement with a SELECT list cut to its
// first n rows; other answers are returned as they are.
func (a Answer) Head(n int) Answer {
	if a.Table == nil || a.Table.Len() <= n {
		return a
	}
	a.Table = a.Table.Slice(0, n)
	return a
}

// Writer writes answers in one format.
type Writer struct {
	w      *bufio.Writer
	format Format
	csv    *csv.Writer

	wroteHeader bool
	csvFields   bool   // the CSV has the record columns
	scratch     []byte // a cell's text, on its way out
}

// NewWriter returns a writer of answers in format f.
func NewWriter(w io.Writer, f Format) *Writer {
	bw := bufio.NewWriterSize(w, 64*1024)
	ow := &Writer{w: bw, format: f}
	if f == CSV {
		ow.csv = csv.NewWriter(bw)
	}
	return ow
}

// Write writes one answer.
func (w *Writer) Write(a Answer) error {
	if a.Table != nil {
		return w.writeTable(a.Table)
	}
	if w.format == JSONTable {
		return w.writeTable(a.idTable())
	}
	if a.Sets != nil {
		switch w.format {
		case IDs:
			w.writeSetIDs(a.Sets)
			return nil
		case JSON:
			w.writeSetJSON(a.Sets)
			return nil
		case Count:
		default:
			a = a.withIDs()
		}
	}
	switch w.format {
	case IDs:
		for _, r := range a.Results {
			for _, id := range r.IDs {
				w.w.WriteString(id)
				w.w.WriteByte('\n')
			}
		}
	case JSON:
		w.w.WriteByte('[')
		for i, r := range a.Results {
			if i > 0 {
				w.w.WriteByte(',')
			}
			b, err := r.MarshalJSON()
			if err != nil {
				return err
			}
			w.w.Write(b)
		}
		w.w.WriteString("]\n")
	case Count:
		w.w.WriteString(strconv.Itoa(a.Len()))
		w.w.WriteByte('\n')
	case Table:
		w.table(a)
	case CSV:
		if err := w.writeCSV(a); err != nil {
			return err
		}
	default:
		return fmt.Errorf("unknown format %q", w.format)
	}
	return nil
}

// Flush writes out what is buffered.
func (w *Writer) Flush() error {
	if w.csv != nil {
		w.csv.Flush()
		if err := w.csv.Error(); err != nil {
			return err
		}
	}
	return w.w.Flush()
}

// column is one column of the table.
type column struct {
	name string
	get  func(targetID string, r eval.Record) string
}

// columns returns the columns an answer has data for: the target when
// there are several, the ID, and each record field some row has.
func columns(a Answer) []column {
	var cols []column
	if len(a.Results) > 1 {
		cols = append(cols, column{"targetId", func(t string, _ eval.Record) string { return t }})
	}
	cols = append(cols, column{a.Select.String(), func(_ string, r eval.Record) string { return r.ID }})
	fields := []column{
		{"name", func(_ string, r eval.Record) string { return r.Name }},
		{"categoryName", func(_ string, r eval.Record) string { return r.Category }},
		{"floor", func(_ string, r eval.Record) string { return r.Floor }},
		{"family", func(_ string, r eval.Record) string { return r.Family }},
		{"familyType", func(_ string, r eval.Record) string { return r.FamilyType }},
	}
	for _, f := range fields {
		if anyRow(a, func(t string, r eval.Record) bool { return f.get(t, r) != "" }) {
			cols = append(cols, f)
		}
	}
	return cols
}

func anyRow(a Answer, f func(string, eval.Record) bool) bool {
	for i, res := range a.Results {
		if i >= len(a.Records) {
			return false
		}
		for _, r := range a.Records[i] {
			if f(res.TargetID, r) {
				return true
			}
		}
	}
	return false
}

// rows calls f for each ID with its record (just the ID when there is
// none).
func rows(a Answer, f func(targetID string, r eval.Record)) {
	for i, res := range a.Results {
		for j, id := range res.IDs {
			r := eval.Record{ID: id}
			if i < len(a.Records) && j < len(a.Records[i]) {
				r = a.Records[i][j]
			}
			f(res.TargetID, r)
		}
	}
}

// maxCell is the widest a table cell gets, in terminal columns.
const maxCell = 40

func (w *Writer) table(a Answer) {
	cols := columns(a)
	widths := make([]int, len(cols))
	for i, c := range cols {
		widths[i] = runewidth.StringWidth(c.name)
	}
	var cells [][]string
	rows(a, func(t string, r eval.Record) {
		row := make([]string, len(cols))
		for i, c := range cols {
			row[i] = runewidth.Truncate(sanitize(c.get(t, r)), maxCell, "…")
			widths[i] = max(widths[i], runewidth.StringWidth(row[i]))
		}
		cells = append(cells, row)
	})
	header := make([]string, len(cols))
	rule := make([]string, len(cols))
	for i, c := range cols {
		header[i] = c.name
		rule[i] = strings.Repeat("-", widths[i])
	}
	w.tableRow(header, widths, " | ")
	w.tableRow(rule, widths, "-+-")
	for _, row := range cells {
		w.tableRow(row, widths, " | ")
	}
	if n := len(cells); n == 1 {
		w.w.WriteString("(1 row)\n")
	} else {
		fmt.Fprintf(w.w, "(%d rows)\n", n)
	}
}

func (w *Writer) tableRow(row []string, widths []int, sep string) {
	var b strings.Builder
	for i, cell := range row {
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(cell)
		if i < len(row)-1 {
			b.WriteString(strings.Repeat(" ", widths[i]-runewidth.StringWidth(cell)))
		}
	}
	w.w.WriteString(strings.TrimRight(b.String(), " "))
	w.w.WriteByte('\n')
}

// sanitize keeps a cell on one line of the table.
func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

// writeCSV writes the same columns for every answer, the header once, so
// that a batch of requests makes one table.
//
// Answers without records (from BIMFACE's query endpoints, which return
// IDs only) have just the target and ID columns, rather than five empty
// ones.
func (w *Writer) writeCSV(a Answer) error {
	if !w.wroteHeader {
		w.wroteHeader = true
		w.csvFields = a.Records != nil
		header := []string{"targetId", a.Select.String()}
		if w.csvFields {
			header = append(header, "name", "categoryName", "floor", "family", "familyType")
		}
		if err := w.csv.Write(header); err != nil {
			return err
		}
	}
	var err error
	rows(a, func(t string, r eval.Record) {
		if err != nil {
			return
		}
		if w.csvFields {
			err = w.csv.Write([]string{t, r.ID, r.Name, r.Category, r.Floor, r.Family, r.FamilyType})
		} else {
			err = w.csv.Write([]string{t, r.ID})
		}
	})
	return err
}
