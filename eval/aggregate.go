package eval

import (
	"cmp"
	"encoding/binary"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/bfquery/bfquery/dsl"
)

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
func (c *Cache) Run(st dsl.Statement) (t *Table, err error) {
	err = c.Retry(func() (err error) {
		t, err = c.run(st)
		return err
	})
	return t, err
}

func (c *Cache) run(st dsl.Statement) (*Table, error) {
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

	rows    [][]dsl.Value // groups' rows
	targets []string      // groups' targets, by GROUP BY targetId
	proj    *projection   // records' rows
	orderAt []int         // per ORDER BY item, its expr
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

// project makes a row per record. Rows are made only after they are
// ordered and limited, so that a LIMIT 20 over many records costs little
// more than their order, and a row is its record and the numbers of its
// first candidates in the keys' dictionaries: the text stays in the index
// until it is written (Table.AppendText).
func (t *tabulator) project() {
	total := 0
	for _, src := range t.srcs {
		if src.Records == nil {
			total += src.Index.n
		} else {
			total += src.Records.Len()
		}
	}
	p := &projection{srcs: t.srcs, exprs: t.exprs[:t.visible], keyAt: make([]int, t.visible)}
	for j, e := range p.exprs {
		p.keyAt[j] = -1
		if !e.ID && !e.Target {
			p.keyAt[j] = p.nkeys
			p.nkeys++
		}
	}
	p.cols = make([][]*column, len(t.srcs))
	for s := range t.srcs {
		p.cols[s] = t.cols[s][:t.visible]
	}
	if len(t.srcs) == 1 && t.srcs[0].Records == nil && !t.st.IsDistinct() && len(t.orderAt) == 0 {
		// Every record of one target, in cache order: row i is record
		// lo+i, and a key column is a slice of the key's column.
		lo, hi := t.window(total)
		p.base, p.n = lo, hi-lo
		p.cells = make([]uint32, p.n*p.nkeys)
		for j, k := range p.keyAt {
			if c := t.cols[0][j]; k >= 0 && c != nil {
				copy(p.cells[k*p.n:(k+1)*p.n], c.first[lo:hi])
			}
		}
		t.proj = p
		return
	}
	recs := make([]uint32, 0, total)
	var srcOf []int32
	if len(t.srcs) > 1 {
		srcOf = make([]int32, 0, total)
	}
	for s := range t.srcs {
		t.each(s, func(batch []uint32) {
			recs = append(recs, batch...)
			if srcOf != nil {
				for range batch {
					srcOf = append(srcOf, int32(s))
				}
			}
		})
	}
	source := func(i int) int {
		if srcOf == nil {
			return 0
		}
		return int(srcOf[i])
	}
	// keep reorders or drops rows: the rows at idx, in that order.
	keep := func(idx []int) {
		r := make([]uint32, len(idx))
		var so []int32
		if srcOf != nil {
			so = make([]int32, len(idx))
		}
		for i, k := range idx {
			r[i] = recs[k]
			if so != nil {
				so[i] = srcOf[k]
			}
		}
		recs, srcOf = r, so
	}
	if t.st.IsDistinct() {
		seen := map[string]bool{}
		var kb []byte
		var idx []int
		for i, r := range recs {
			kb = kb[:0]
			for j := range t.visible {
				kb = t.cellKey(kb, source(i), j, r)
			}
			if !seen[string(kb)] {
				seen[string(kb)] = true
				idx = append(idx, i)
			}
		}
		keep(idx)
	}
	if len(t.orderAt) > 0 {
		keys := make([][]sortKey, len(recs))
		for i, r := range recs {
			keys[i] = make([]sortKey, len(t.orderAt))
			for o, j := range t.orderAt {
				keys[i][o] = t.recordKey(source(i), j, r)
			}
		}
		keep(t.sortOrder(keys))
	}
	lo, hi := t.window(len(recs))
	recs = recs[lo:hi]
	if srcOf != nil {
		srcOf = srcOf[lo:hi]
	}
	p.recs, p.srcOf, p.n = recs, srcOf, len(recs)
	n := len(recs)
	p.cells = make([]uint32, n*p.nkeys)
	for j, k := range p.keyAt {
		if k < 0 {
			continue
		}
		cells := p.cells[k*n : (k+1)*n]
		if srcOf == nil {
			// One column for every row: the loop the answer costs.
			if c := t.cols[0][j]; c != nil {
				first := c.first
				for i, r := range recs {
					cells[i] = first[r]
				}
			}
			continue
		}
		for i, r := range recs {
			if c := t.cols[srcOf[i]][j]; c != nil {
				cells[i] = c.first[r]
			}
		}
	}
	t.proj = p
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
	tab := &Table{Select: t.st.Select, rows: t.rows, targets: t.targets, proj: t.proj}
	if tab.rows == nil && tab.proj == nil {
		tab.rows = [][]dsl.Value{}
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
