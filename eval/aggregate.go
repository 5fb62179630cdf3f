package eval

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/bfquery/bfquery/dsl"
)

// Table is the answer to a statement with a SELECT list: its columns and
// rows of values, the zero dsl.Value standing for NULL (no value).
type Table struct {
	Select  dsl.Select
	Columns []TableColumn
	Rows    [][]dsl.Value
	// Targets holds each row's target when a row belongs to one: rows of
	// records, and groups of GROUP BY targetId. It is nil otherwise.
	Targets []string
}

// TableColumn describes one column of a Table.
type TableColumn struct {
	Name   string     // the column's label: alias, key, COUNT(*)…
	Column dsl.Column // what it is
	// Unit is the key's unit (Index.Unit) for a key's values and for SUM,
	// AVG, MIN and MAX of them; "" otherwise.
	Unit string
}

// Source is what one target brings to a statement: its index and the
// records its filter matched (nil for all of them).
type Source struct {
	TargetID string
	Index    *Index
	Records  *Set
}

// Run answers a statement with the columns of its SELECT list: it finds
// the records of each target with the request's query (all of them when
// there is none), then projects, groups and aggregates, filters groups,
// orders and limits them by the rules in the package documentation. A
// plain statement answers as one with its ID column.
func (c *Cache) Run(st dsl.Statement) (*Table, error) {
	if err := st.Check(); err != nil {
		return nil, err
	}
	var srcs []Source
	for _, id := range st.Request.TargetIDs() {
		ix, err := c.Index(st.Request.TargetType(), id, st.Select)
		if err != nil {
			return nil, err
		}
		s := Source{TargetID: id, Index: ix}
		if q := st.Request.Query(); q != nil {
			set, err := ix.Search(q)
			if err != nil {
				return nil, err
			}
			s.Records = &set
		}
		srcs = append(srcs, s)
	}
	return Tabulate(st, srcs)
}

// Tabulate computes a statement's table over records already found, one
// Source per target, ignoring the statement's query: the local engine
// (Cache.Run) and plans on BIMFACE, which read the records their filter
// found into an index, share it. A key of an index file that fails its
// checks is an error naming the file.
func Tabulate(st dsl.Statement, srcs []Source) (_ *Table, err error) {
	if st.Plain() {
		st = st.Request.Select(dsl.ID()).Of(st.Select)
	}
	if err := st.Check(); err != nil {
		return nil, err
	}
	defer guard(&err)
	t := newTabulator(st, srcs)
	if st.Aggregating() {
		t.aggregate()
	} else {
		t.project()
	}
	return t.finish(), nil
}

// tabulator holds one statement's evaluation. exprs are the SELECT list
// followed by the hidden columns that ORDER BY and HAVING need.
type tabulator struct {
	st      dsl.Statement
	srcs    []Source
	exprs   []dsl.Column
	visible int
	cols    [][]*column // per source, per expr: the key's column or nil

	rows    [][]dsl.Value
	targets []string
	keys    [][]sortKey // per row, per ORDER BY item
	orderAt []int       // per ORDER BY item, its expr
}

func newTabulator(st dsl.Statement, srcs []Source) *tabulator {
	t := &tabulator{st: st, srcs: srcs, exprs: st.Columns()}
	t.visible = len(t.exprs)
	add := func(c dsl.Column) int {
		if i := slices.Index(t.exprs, c); i >= 0 {
			return i
		}
		t.exprs = append(t.exprs, c)
		return len(t.exprs) - 1
	}
	for _, o := range st.Orders() {
		i := st.Resolve(o.Column)
		if i < 0 {
			i = add(o.Column)
		}
		t.orderAt = append(t.orderAt, i)
	}
	for _, g := range st.Groups() {
		add(g)
	}
	t.cols = make([][]*column, len(srcs))
	for s, src := range srcs {
		t.cols[s] = make([]*column, len(t.exprs))
		for j, e := range t.exprs {
			if e.Key != "" {
				t.cols[s][j] = src.Index.column(e.Key)
			}
		}
	}
	return t
}

// each calls f with the records of source s in batches, in cache order.
func (t *tabulator) each(s int, f func(recs []uint32)) {
	buf := make([]uint32, 4096)
	src := t.srcs[s]
	if src.Records == nil {
		for lo := 0; lo < src.Index.n; lo += len(buf) {
			n := min(len(buf), src.Index.n-lo)
			for i := range n {
				buf[i] = uint32(lo + i)
			}
			f(buf[:n])
		}
		return
	}
	if src.Records.bm == nil {
		return
	}
	it := src.Records.bm.ManyIterator()
	for n := it.NextMany(buf); n > 0; n = it.NextMany(buf) {
		f(buf[:n])
	}
}

// project makes a row per record. Rows are materialized only after they
// are ordered and limited, so that a LIMIT 20 over many records costs
// little more than their order.
func (t *tabulator) project() {
	type ref struct {
		s   int32
		rec uint32
	}
	total := 0
	for _, src := range t.srcs {
		if src.Records == nil {
			total += src.Index.n
		} else {
			total += src.Records.Len()
		}
	}
	refs := make([]ref, 0, total)
	for s := range t.srcs {
		t.each(s, func(recs []uint32) {
			for _, r := range recs {
				refs = append(refs, ref{int32(s), r})
			}
		})
	}
	if t.st.IsDistinct() {
		seen := map[string]bool{}
		var kb []byte
		out := refs[:0]
		for _, r := range refs {
			kb = kb[:0]
			for j := range t.visible {
				kb = t.cellKey(kb, int(r.s), j, r.rec)
			}
			if !seen[string(kb)] {
				seen[string(kb)] = true
				out = append(out, r)
			}
		}
		refs = out
	}
	if len(t.orderAt) > 0 {
		keys := make([][]sortKey, len(refs))
		for i, r := range refs {
			keys[i] = make([]sortKey, len(t.orderAt))
			for o, j := range t.orderAt {
				keys[i][o] = t.recordKey(int(r.s), j, r.rec)
			}
		}
		order := t.sortOrder(keys)
		sorted := make([]ref, len(refs))
		for i, k := range order {
			sorted[i] = refs[k]
		}
		refs = sorted
	}
	lo, hi := t.window(len(refs))
	refs = refs[lo:hi]
	// One allocation for the cells, one for the IDs' text.
	cells := make([]dsl.Value, len(refs)*t.visible)
	t.rows = make([][]dsl.Value, len(refs))
	t.targets = make([]string, len(refs))
	var ids string
	if slices.ContainsFunc(t.exprs[:t.visible], func(c dsl.Column) bool { return c.ID }) {
		var b []byte
		for _, r := range refs {
			ix := t.srcs[r.s].Index
			b = append(b, ix.ids[ix.idOff[r.rec]:ix.idOff[r.rec+1]]...)
		}
		ids = string(b)
	}
	at := 0
	for i, r := range refs {
		row := cells[i*t.visible : (i+1)*t.visible : (i+1)*t.visible]
		for j := range t.visible {
			if t.exprs[j].ID {
				ix := t.srcs[r.s].Index
				n := int(ix.idOff[r.rec+1] - ix.idOff[r.rec])
				row[j] = dsl.String(ids[at : at+n])
				continue
			}
			row[j] = t.recordValue(int(r.s), j, r.rec)
		}
		if ids != "" {
			ix := t.srcs[r.s].Index
			at += int(ix.idOff[r.rec+1] - ix.idOff[r.rec])
		}
		t.rows[i] = row
		t.targets[i] = t.srcs[r.s].TargetID
	}
}

// window returns the rows that OFFSET and LIMIT keep of n.
func (t *tabulator) window(n int) (int, int) {
	limit, offset := t.st.LimitOffset()
	lo := min(offset, n)
	hi := n
	if limit > 0 {
		hi = min(n, lo+limit)
	}
	return lo, hi
}

// recordValue is expr j of record rec of source s.
func (t *tabulator) recordValue(s, j int, rec uint32) dsl.Value {
	e := t.exprs[j]
	switch {
	case e.ID:
		return dsl.String(t.srcs[s].Index.ID(int(rec)))
	case e.Target:
		return dsl.String(t.srcs[s].TargetID)
	}
	c := t.cols[s][j]
	if c == nil || c.first[rec] == 0 {
		return dsl.Value{}
	}
	return c.value(c.first[rec] - 1)
}

// cellKey appends what identifies expr j of a record for DISTINCT: the
// kind and the text, as values are compared (30 and 30.0 differ).
func (t *tabulator) cellKey(b []byte, s, j int, rec uint32) []byte {
	e := t.exprs[j]
	var kind dsl.Kind
	var text []byte
	switch {
	case e.ID:
		ix := t.srcs[s].Index
		kind, text = dsl.KindString, ix.ids[ix.idOff[rec]:ix.idOff[rec+1]]
	case e.Target:
		kind, text = dsl.KindString, []byte(t.srcs[s].TargetID)
	default:
		if c := t.cols[s][j]; c != nil && c.first[rec] != 0 {
			v := c.first[rec] - 1
			kind, text = dsl.Kind(c.k.kinds[v]), c.k.text(v)
		}
	}
	b = append(b, byte(kind))
	b = binary.AppendUvarint(b, uint64(len(text)))
	return append(b, text...)
}

// recordKey is the sort key of expr j of a record.
func (t *tabulator) recordKey(s, j int, rec uint32) sortKey {
	e := t.exprs[j]
	switch {
	case e.ID:
		return textKey(t.srcs[s].Index.ID(int(rec)))
	case e.Target:
		return textKey(t.srcs[s].TargetID)
	}
	c := t.cols[s][j]
	if c == nil || c.first[rec] == 0 {
		return sortKey{class: nullClass}
	}
	v := c.first[rec] - 1
	if c.isNum[v] {
		return sortKey{class: numClass, f: c.num[v]}
	}
	return sortKey{class: textClass, text: string(c.k.text(v))}
}

// The classes of values in an order: numbers (numeric strings too), then
// text (booleans as true and false), then NULL.
const (
	numClass = iota
	textClass
	nullClass
)

type sortKey struct {
	class int8
	f     float64
	text  string
}

func textKey(s string) sortKey {
	if f, ok := parseNumber([]byte(s)); ok {
		return sortKey{class: numClass, f: f}
	}
	return sortKey{class: textClass, text: s}
}

func valueKey(v dsl.Value) sortKey {
	if v.Kind() == dsl.KindInvalid {
		return sortKey{class: nullClass}
	}
	if v.Kind() != dsl.KindBool {
		return textKey(v.Text())
	}
	return sortKey{class: textClass, text: v.Text()}
}

// compareKeys orders two keys, NULL last in either direction.
func compareKeys(a, b sortKey, desc bool) int {
	if a.class == nullClass || b.class == nullClass {
		return cmp.Compare(a.class, b.class)
	}
	c := cmp.Compare(a.class, b.class)
	if c == 0 {
		if a.class == numClass {
			c = cmp.Compare(a.f, b.f)
		} else {
			c = strings.Compare(a.text, b.text)
		}
	}
	if desc {
		return -c
	}
	return c
}

// sortOrder returns the positions of rows in ORDER BY order; rows that
// compare equal keep their order.
func (t *tabulator) sortOrder(keys [][]sortKey) []int {
	orders := t.st.Orders()
	idx := make([]int, len(keys))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		for o := range orders {
			if c := compareKeys(keys[a][o], keys[b][o], orders[o].Desc); c != 0 {
				return c
			}
		}
		return 0
	})
	return idx
}

// finish names the columns and returns the table.
func (t *tabulator) finish() *Table {
	tab := &Table{Select: t.st.Select, Rows: t.rows}
	if tab.Rows == nil {
		tab.Rows = [][]dsl.Value{}
	}
	for _, c := range t.exprs[:t.visible] {
		tc := TableColumn{Name: c.Label(t.st.Select), Column: c}
		if c.Key != "" && !(c.Func == dsl.FuncCount) {
			for _, s := range t.srcs {
				if tc.Unit = s.Index.Unit(c.Key); tc.Unit != "" {
					break
				}
			}
		}
		tab.Columns = append(tab.Columns, tc)
	}
	if t.targets != nil {
		tab.Targets = t.targets
	}
	return tab
}

// numberValue writes a computed number as a JSON number: plain digits
// where that is short, an exponent otherwise.
func numberValue(f float64) dsl.Value {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return dsl.Value{}
	}
	if a := math.Abs(f); a == 0 || a >= 1e-6 && a < 1e21 {
		return dsl.Number(strconv.FormatFloat(f, 'f', -1, 64))
	}
	return dsl.Float(f)
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
	for _, r := range tab.Rows {
		for i, v := range r {
			if i > 0 {
				b.WriteByte('\t')
			}
			if v.Kind() == dsl.KindInvalid {
				b.WriteString("NULL")
			} else {
				fmt.Fprint(&b, v)
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}
