package eval

import (
	"bytes"
	"fmt"

	"github.com/bfquery/bfquery/dsl"
)

// Table is the answer to a statement with a SELECT list: its columns and
// rows of values, NULL (no value) where a record has none.
//
// Rows are read with Len, AppendText, Value and Row. A table of groups
// holds its cells as values; a table of records (a projection) holds, per
// row, the record and, per key column, the number of its first candidate
// among the key's values (4 bytes a cell, where a dsl.Value and its text
// would be 24 and more), and the text is written straight from the index
// when the rows are printed. Such a table reads the indexes it was
// computed from: use it while their cache is open.
type Table struct {
	Select  dsl.Select
	Columns []TableColumn

	// rows are the cells of a table of groups; proj the rows of a table
	// of records. One of them is set.
	rows [][]dsl.Value
	// targets holds each group's target when the groups are by target.
	targets []string
	proj    *projection
}

// TableColumn describes one column of a Table.
type TableColumn struct {
	Name   string     // the column's label: alias, key, COUNT(*)…
	Column dsl.Column // what it is
	// Unit is the key's unit (Index.Unit) for a key's values and for SUM,
	// AVG, MIN and MAX of them; "" otherwise.
	Unit string
}

// NewTable returns a table of the given rows of cells, NULL being the
// zero dsl.Value; targets, when not nil, holds each row's target.
func NewTable(sel dsl.Select, cols []TableColumn, rows [][]dsl.Value, targets []string) *Table {
	if rows == nil {
		rows = [][]dsl.Value{}
	}
	return &Table{Select: sel, Columns: cols, rows: rows, targets: targets}
}

// projection is the rows of a table of records.
type projection struct {
	srcs  []Source
	exprs []dsl.Column // the visible columns
	cols  [][]*column  // per source, per visible column: the key's column
	keyAt []int        // per visible column, its place among the key columns; -1 for the ID and the target
	nkeys int          // key columns
	n     int          // rows
	recs  []uint32     // per row, its record; nil when row i is record base+i
	base  int
	srcOf []int32  // per row, its source; nil when there is one
	cells []uint32 // per key column, per row (column after column): the value number+1 of its first candidate, 0 for NULL
}

// rec returns the record of row i.
func (p *projection) rec(i int) uint32 {
	if p.recs == nil {
		return uint32(p.base + i)
	}
	return p.recs[i]
}

// source returns the source of row i.
func (p *projection) source(i int) int {
	if p.srcOf == nil {
		return 0
	}
	return int(p.srcOf[i])
}

// Len returns the number of rows.
func (tab *Table) Len() int {
	if tab.proj != nil {
		return tab.proj.n
	}
	return len(tab.rows)
}

// AppendText appends the text of row i's cell j to b (a number's literal,
// true or false, a string as it is) and returns it with the value's kind,
// dsl.KindInvalid for NULL, for which nothing is appended. It is how
// writers print large tables without a string for each cell.
func (tab *Table) AppendText(b []byte, i, j int) ([]byte, dsl.Kind) {
	p := tab.proj
	if p == nil {
		v := tab.rows[i][j]
		return append(b, v.Text()...), v.Kind()
	}
	s, rec := p.source(i), p.rec(i)
	switch k := p.keyAt[j]; {
	case p.exprs[j].ID:
		return p.srcs[s].Index.AppendID(b, int(rec)), dsl.KindString
	case p.exprs[j].Target:
		return append(b, p.srcs[s].TargetID...), dsl.KindString
	default:
		v := p.cells[k*p.n+i]
		if v == 0 {
			return b, dsl.KindInvalid
		}
		c := p.cols[s][j]
		return append(b, c.k.text(v-1)...), dsl.Kind(c.k.kinds[v-1])
	}
}

// Value returns row i's cell j, the zero dsl.Value for NULL.
func (tab *Table) Value(i, j int) dsl.Value {
	p := tab.proj
	if p == nil {
		return tab.rows[i][j]
	}
	s, rec := p.source(i), p.rec(i)
	switch k := p.keyAt[j]; {
	case p.exprs[j].ID:
		return dsl.String(p.srcs[s].Index.ID(int(rec)))
	case p.exprs[j].Target:
		return dsl.String(p.srcs[s].TargetID)
	default:
		v := p.cells[k*p.n+i]
		if v == 0 {
			return dsl.Value{}
		}
		return p.cols[s][j].makeValue(v - 1)
	}
}

// Row returns row i's cells.
func (tab *Table) Row(i int) []dsl.Value {
	row := make([]dsl.Value, len(tab.Columns))
	for j := range row {
		row[j] = tab.Value(i, j)
	}
	return row
}

// Rows returns every row's cells: what a test compares, and what a
// program that keeps a table after its cache is closed holds on to.
func (tab *Table) Rows() [][]dsl.Value {
	rows := make([][]dsl.Value, tab.Len())
	for i := range rows {
		rows[i] = tab.Row(i)
	}
	return rows
}

// Target returns the target row i belongs to, "" when rows have none
// (HasTargets).
func (tab *Table) Target(i int) string {
	switch {
	case tab.proj != nil:
		return tab.proj.srcs[tab.proj.source(i)].TargetID
	case tab.targets != nil:
		return tab.targets[i]
	}
	return ""
}

// HasTargets reports whether each row belongs to one target: rows of
// records, and groups of GROUP BY targetId.
func (tab *Table) HasTargets() bool { return tab.proj != nil || tab.targets != nil }

// Slice returns the table of rows lo to hi (hi excluded).
func (tab *Table) Slice(lo, hi int) *Table {
	t := *tab
	if p := tab.proj; p != nil {
		q := *p
		q.n = hi - lo
		if p.recs == nil {
			q.base = p.base + lo
		} else {
			q.recs = p.recs[lo:hi]
		}
		if p.srcOf != nil {
			q.srcOf = p.srcOf[lo:hi]
		}
		q.cells = make([]uint32, 0, q.n*p.nkeys)
		for k := range p.nkeys {
			q.cells = append(q.cells, p.cells[k*p.n+lo:k*p.n+hi]...)
		}
		t.proj = &q
		return &t
	}
	t.rows = tab.rows[lo:hi]
	if tab.targets != nil {
		t.targets = tab.targets[lo:hi]
	}
	return &t
}

// String renders the table as tab-separated lines, for tests and
// debugging.
func (tab *Table) String() string {
	var b bytes.Buffer
	for i, c := range tab.Columns {
		if i > 0 {
			b.WriteByte('\t')
		}
		b.WriteString(c.Name)
	}
	b.WriteByte('\n')
	for i := range tab.Len() {
		for j := range tab.Columns {
			if j > 0 {
				b.WriteByte('\t')
			}
			if v := tab.Value(i, j); v.Kind() == dsl.KindInvalid {
				b.WriteString("NULL")
			} else {
				fmt.Fprint(&b, v)
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}
