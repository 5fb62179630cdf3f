package output

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/mattn/go-runewidth"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
)

// A statement with a SELECT list answers with an eval.Table, which every
// format writes: table and csv its columns (table headers with the key's
// unit), json an array of row objects (numbers as numbers, NULL as null),
// ids the ID column and count the rows. Over several targets, ids and
// count keep the target when rows have one: ids as "targetId<TAB>id",
// count one "targetId<TAB>rows" line per target.

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
		for i, r := range t.Rows {
			if several {
				w.w.WriteString(t.Targets[i])
				w.w.WriteByte('\t')
			}
			w.w.WriteString(r[id].Text())
			w.w.WriteByte('\n')
		}
	case Count:
		if !severalTargets(t) {
			fmt.Fprintf(w.w, "%d\n", len(t.Rows))
			break
		}
		var order []string
		n := map[string]int{}
		for _, tg := range t.Targets {
			if _, ok := n[tg]; !ok {
				order = append(order, tg)
			}
			n[tg]++
		}
		for _, tg := range order {
			fmt.Fprintf(w.w, "%s\t%d\n", tg, n[tg])
		}
	case JSON:
		w.w.Write(TableJSON(t))
		w.w.WriteByte('\n')
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
		for _, r := range t.Rows {
			row := make([]string, len(r))
			for i, v := range r {
				row[i] = cell(v, t.Columns[i], false)
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
	for _, tg := range t.Targets {
		if tg != t.Targets[0] {
			return true
		}
	}
	return false
}

// TableJSON writes a table as an array of row objects, members in column
// order: numbers as numbers, NULL as null.
func TableJSON(t *eval.Table) []byte {
	b := []byte{'['}
	for i, r := range t.Rows {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '{')
		for j, v := range r {
			if j > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendQuote(b, t.Columns[j].Name)
			b = append(b, ':')
			b = appendJSONValue(b, v)
		}
		b = append(b, '}')
	}
	return append(b, ']')
}

func appendJSONValue(b []byte, v dsl.Value) []byte {
	switch v.Kind() {
	case dsl.KindInvalid:
		return append(b, "null"...)
	case dsl.KindNumber, dsl.KindBool:
		return append(b, v.Text()...)
	}
	j, _ := dsl.String(v.Text()).MarshalJSON()
	return append(b, j...)
}

// cell is a value's text in a table or CSV: NULL is empty; a computed
// number (SUM, AVG) is rounded to 12 significant digits in a table, so
// that float64's last bits do not show.
func cell(v dsl.Value, c eval.TableColumn, table bool) string {
	if v.Kind() == dsl.KindInvalid {
		return ""
	}
	if table && v.Kind() == dsl.KindNumber && (c.Column.Func == dsl.FuncSum || c.Column.Func == dsl.FuncAvg) {
		if f, err := strconv.ParseFloat(v.Text(), 64); err == nil {
			r, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'g', 12, 64), 64)
			return strconv.FormatFloat(r, 'f', -1, 64)
		}
	}
	return v.Text()
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
	cells := make([][]string, len(t.Rows))
	for r, row := range t.Rows {
		cells[r] = make([]string, len(row))
		for i, v := range row {
			cells[r][i] = runewidth.Truncate(sanitize(cell(v, t.Columns[i], true)), maxCell, "…")
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
