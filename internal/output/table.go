package output

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unsafe"

	"github.com/mattn/go-runewidth"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
)

// A statement with a SELECT list answers with an eval.Table, which every
// format writes: table and csv its columns (table headers with the key's
// unit), json an array of row objects (numbers as numbers, NULL as null),
// json-table the same array as "data" beside a Table Schema of the
// columns with their units (below), ids the ID column and count the rows.
// Over several targets, ids and count keep the target when rows have one:
// ids as "targetId<TAB>id", count one "targetId<TAB>rows" line per
// target. Cells are written from the table as they go (eval.Table's
// AppendText), without a string for each.
//
// json-table is the json array in an envelope that says what each column
// is, in the form of a Frictionless Table Schema, which is what pandas
// writes with to_json(orient="table") and reads with
// read_json(…, orient="table"):
//
//	{"schema":{"fields":[{"name":"floor","type":"any"},
//	                     {"name":"SUM(体积)","type":"number","unit":"m³"}]},
//	 "data":[{"floor":"F01","SUM(体积)":142.287}, …]}
//
// A field's type is "string" for the ID and target columns, "integer" for
// COUNT, "number" for SUM and AVG, and "any" for a key's values, MIN and
// MAX, whose first candidates may be numbers, text or booleans. "unit",
// where the key has one, is the unit of its property items: the unit
// table headers show. The json format stays the bare array, so that a
// consumer of rows needs no envelope; json-table is for one that wants
// the units too. A plain query (IDs) in json-table is a table of its ID
// column, and the target's when there are several.

// errNoIDColumn is what ids says of a table without the ID column.
var errNoIDColumn = errors.New("the ids format needs elementId, roomId or areaId in the SELECT list; use table, csv, json or count")

func (w *Writer) writeTable(t *eval.Table) error {
	switch w.format {
	case IDs:
		id := -1
		for i, c := range t.Columns {
			if c.Column.ID {
				id = i
				break
			}
		}
		if id < 0 {
			return errNoIDColumn
		}
		several := severalTargets(t)
		for i := range t.Len() {
			b := w.w.AvailableBuffer()
			if several {
				b = append(append(b, t.Target(i)...), '\t')
			}
			b, _ = t.AppendText(b, i, id)
			w.w.Write(append(b, '\n'))
		}
	case Count:
		if !severalTargets(t) {
			fmt.Fprintf(w.w, "%d\n", t.Len())
			break
		}
		var order []string
		n := map[string]int{}
		for i := range t.Len() {
			tg := t.Target(i)
			if _, ok := n[tg]; !ok {
				order = append(order, tg)
			}
			n[tg]++
		}
		for _, tg := range order {
			fmt.Fprintf(w.w, "%s\t%d\n", tg, n[tg])
		}
	case JSON:
		w.tableRowsJSON(t)
		w.w.WriteByte('\n')
	case JSONTable:
		w.w.Write(TableSchema(t))
		w.w.WriteString(`,"data":`)
		w.tableRowsJSON(t)
		w.w.WriteString("}\n")
	case Table:
		w.grid(t)
	case CSV:
		if !w.wroteHeader {
			w.wroteHeader = true
			header := make([]string, len(t.Columns))
			for i, c := range t.Columns {
				header[i] = c.Name
			}
			if err := w.csv.Write(header); err != nil {
				return err
			}
		}
		row := make([]string, len(t.Columns))
		for i := range t.Len() {
			for j, c := range t.Columns {
				row[j] = w.cell(t, i, j, c, false)
			}
			if err := w.csv.Write(row); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("unknown format %q", w.format)
	}
	return nil
}

// severalTargets reports whether the rows come from more than one target.
func severalTargets(t *eval.Table) bool {
	if !t.HasTargets() {
		return false
	}
	for i := 1; i < t.Len(); i++ {
		if t.Target(i) != t.Target(0) {
			return true
		}
	}
	return false
}

// tableRowsJSON writes a table as an array of row objects, members in
// column order: numbers as numbers, NULL as null. Each row is formatted
// into the writer's free buffer.
func (w *Writer) tableRowsJSON(t *eval.Table) {
	names := make([][]byte, len(t.Columns))
	for j, c := range t.Columns {
		names[j] = append(dsl.AppendJSONString(nil, c.Name), ':')
	}
	w.w.WriteByte('[')
	for i := range t.Len() {
		b := w.w.AvailableBuffer()
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '{')
		for j := range t.Columns {
			if j > 0 {
				b = append(b, ',')
			}
			b = append(b, names[j]...)
			b = w.appendJSONCell(b, t, i, j)
		}
		w.w.Write(append(b, '}'))
	}
	w.w.WriteByte(']')
}

// appendJSONCell appends row i's cell j as JSON. A string's text is
// appended to the writer's scratch buffer and escaped from there.
func (w *Writer) appendJSONCell(b []byte, t *eval.Table, i, j int) []byte {
	var kind dsl.Kind
	w.scratch, kind = t.AppendText(w.scratch[:0], i, j)
	switch kind {
	case dsl.KindInvalid:
		return append(b, "null"...)
	case dsl.KindNumber, dsl.KindBool:
		return append(b, w.scratch...)
	}
	// The string lives only for the call, and w.scratch is not written
	// meanwhile.
	return dsl.AppendJSONString(b, unsafe.String(unsafe.SliceData(w.scratch), len(w.scratch)))
}

// TableSchema writes the start of a json-table answer: `{"schema":{…}`,
// the Table Schema of t's columns, without the closing brace, which
// follows the data.
func TableSchema(t *eval.Table) []byte {
	b := []byte(`{"schema":{"fields":[`)
	for j, c := range t.Columns {
		if j > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"name":`...)
		b = dsl.AppendJSONString(b, c.Name)
		b = append(b, `,"type":"`...)
		b = append(b, fieldType(c.Column)...)
		b = append(b, '"')
		if c.Unit != "" {
			b = append(b, `,"unit":`...)
			b = dsl.AppendJSONString(b, c.Unit)
		}
		b = append(b, '}')
	}
	return append(b, "]}"...)
}

// fieldType is a column's Table Schema type: what every value of it is.
func fieldType(c dsl.Column) string {
	switch {
	case c.ID, c.Target:
		return "string"
	case c.Func == dsl.FuncCount:
		return "integer"
	case c.Func == dsl.FuncSum, c.Func == dsl.FuncAvg:
		return "number"
	}
	return "any"
}

// cell is row i's cell j as text in a table or CSV: NULL is empty; a
// computed number (SUM, AVG) is rounded to 12 significant digits in a
// table, so that float64's last bits do not show.
func (w *Writer) cell(t *eval.Table, i, j int, c eval.TableColumn, table bool) string {
	var kind dsl.Kind
	w.scratch, kind = t.AppendText(w.scratch[:0], i, j)
	if kind == dsl.KindInvalid {
		return ""
	}
	if table && kind == dsl.KindNumber && (c.Column.Func == dsl.FuncSum || c.Column.Func == dsl.FuncAvg) {
		if f, err := strconv.ParseFloat(string(w.scratch), 64); err == nil {
			r, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'g', 12, 64), 64)
			return strconv.FormatFloat(r, 'f', -1, 64)
		}
	}
	return string(w.scratch)
}

// grid writes a table as the table format does, headers with units.
func (w *Writer) grid(t *eval.Table) {
	header := make([]string, len(t.Columns))
	widths := make([]int, len(t.Columns))
	for i, c := range t.Columns {
		header[i] = c.Name
		if c.Unit != "" {
			header[i] += " (" + c.Unit + ")"
		}
		widths[i] = runewidth.StringWidth(header[i])
	}
	cells := make([][]string, t.Len())
	for r := range cells {
		cells[r] = make([]string, len(t.Columns))
		for i, c := range t.Columns {
			cells[r][i] = runewidth.Truncate(sanitize(w.cell(t, r, i, c, true)), maxCell, "…")
			widths[i] = max(widths[i], runewidth.StringWidth(cells[r][i]))
		}
	}
	rule := make([]string, len(header))
	for i := range header {
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
