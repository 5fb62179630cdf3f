package eval

import (
	"bytes"
	"encoding/binary"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/bfquery/bfquery/dsl"
)

// dict numbers the values of one key (or the targets) across sources, so
// that equal values of different targets form one group: per source, a
// translation of each value index+1 to a global number+1 (nil when there
// is one source: the value indexes are the numbers).
type dict struct {
	tr    [][]uint32
	size  int // global numbers, NULL (0) not counted
	vals  []dsl.Value
	local *column // with one source, where values come from
}

func (d *dict) id(s int, c *column, rec uint32) uint32 {
	if c == nil {
		return 0
	}
	v := c.first[rec]
	if d.tr != nil && v != 0 {
		return d.tr[s][v]
	}
	return v
}

func (d *dict) value(id uint32) dsl.Value {
	if id == 0 {
		return dsl.Value{}
	}
	if d.local != nil {
		return d.local.value(id - 1)
	}
	return d.vals[id-1]
}

// keyDict builds the dict of expr j's key.
func (t *tabulator) keyDict(j int) *dict {
	if len(t.srcs) == 1 {
		d := &dict{local: t.cols[0][j]}
		if d.local != nil {
			d.size = d.local.k.len()
		}
		return d
	}
	d := &dict{tr: make([][]uint32, len(t.srcs))}
	ids := map[string]uint32{}
	for s := range t.srcs {
		c := t.cols[s][j]
		if c == nil {
			continue
		}
		d.tr[s] = make([]uint32, c.k.len()+1)
		for v := range uint32(c.k.len()) {
			key := string(append([]byte{byte(c.k.kinds[v])}, c.k.text(v)...))
			id, ok := ids[key]
			if !ok {
				d.vals = append(d.vals, c.value(v))
				id = uint32(len(d.vals))
				ids[key] = id
			}
			d.tr[s][v+1] = id
		}
	}
	d.size = len(d.vals)
	return d
}

// vref is a value of source s.
type vref struct {
	s int32
	v uint32
}

// aggState is one aggregate of one group.
type aggState struct {
	n         int64   // COUNT, or the numeric values of SUM and AVG
	sum       float64 // SUM, AVG
	hasNum    bool    // MIN, MAX: the best numeric value so far
	f         float64
	num, text vref
	hasText   bool
}

// aggregate groups the records and computes the aggregates of each group,
// then filters (HAVING), orders and limits the groups.
func (t *tabulator) aggregate() {
	groups := t.st.Groups()
	gAt := make([]int, len(groups))
	dicts := make([]*dict, len(groups))
	radix := make([]uint64, len(groups))
	product, overflow := uint64(1), false
	for i, g := range groups {
		gAt[i] = slices.Index(t.exprs, g)
		if g.Target {
			dicts[i] = &dict{size: len(t.srcs)}
			for _, s := range t.srcs {
				dicts[i].vals = append(dicts[i].vals, dsl.String(s.TargetID))
			}
		} else {
			dicts[i] = t.keyDict(gAt[i])
		}
		radix[i] = uint64(dicts[i].size) + 1
		if product > math.MaxUint64/4/radix[i] {
			overflow = true
		}
		product *= radix[i]
	}
	var aggs []aggExpr
	for j, e := range t.exprs {
		if e.Func == dsl.NoFunc {
			continue
		}
		a := aggExpr{j: j, f: e.Func}
		if e.Distinct {
			a.d, a.seen = t.keyDict(j), map[uint64]struct{}{}
		}
		aggs = append(aggs, a)
	}

	// Groups are numbered as they are first met, so that without ORDER BY
	// they come in the order of their first record.
	const denseMax = 1 << 22
	var dense []int32
	var sparse map[uint64]int32
	var wide map[string]int32
	switch {
	case overflow:
		wide = map[string]int32{}
	case product <= denseMax:
		dense = make([]int32, product)
	default:
		sparse = map[uint64]int32{}
	}
	var reps [][]uint32
	states := make([][]aggState, len(aggs)) // per aggregate, per group
	newGroup := func(ids []uint32) int32 {
		reps = append(reps, slices.Clone(ids))
		for a := range states {
			states[a] = append(states[a], aggState{})
		}
		return int32(len(reps))
	}
	if len(groups) == 0 {
		// One group of all records, even when there are none: COUNT(*)
		// of nothing is 0.
		newGroup(nil)
		if dense != nil {
			dense[0] = 1
		}
	}
	ids := make([]uint32, len(groups))
	var wkey []byte
	gs := make([]int32, 4096)
	idx := make([]uint64, 4096)
	for s := range t.srcs {
		t.each(s, func(recs []uint32) {
			// The group of each record, one key at a time over the batch.
			idx := idx[:len(recs)]
			clear(idx)
			for k := range groups {
				c, d, rk := t.cols[s][gAt[k]], dicts[k], radix[k]
				switch {
				case groups[k].Target:
					for i := range recs {
						idx[i] = idx[i]*rk + uint64(s) + 1
					}
				case c == nil:
					for i := range recs {
						idx[i] *= rk
					}
				case d.tr == nil:
					for i, r := range recs {
						idx[i] = idx[i]*rk + uint64(c.first[r])
					}
				default:
					for i, r := range recs {
						idx[i] = idx[i]*rk + uint64(d.id(s, c, r))
					}
				}
			}
			for i := range recs {
				var g int32
				switch {
				case dense != nil:
					g = dense[idx[i]]
				case sparse != nil:
					g = sparse[idx[i]]
				}
				if g == 0 {
					// A group not met yet (or the wide map's keys): its
					// numbers, from the mixed-radix index or the records.
					if wide != nil {
						for k := range groups {
							if groups[k].Target {
								ids[k] = uint32(s) + 1
							} else {
								ids[k] = dicts[k].id(s, t.cols[s][gAt[k]], recs[i])
							}
						}
						wkey = wkey[:0]
						for _, id := range ids {
							wkey = binary.AppendUvarint(wkey, uint64(id))
						}
						if g = wide[string(wkey)]; g == 0 {
							g = newGroup(ids)
							wide[string(wkey)] = g
						}
					} else {
						x := idx[i]
						for k := len(groups) - 1; k >= 0; k-- {
							ids[k] = uint32(x % radix[k])
							x /= radix[k]
						}
						g = newGroup(ids)
						if dense != nil {
							dense[idx[i]] = g
						} else {
							sparse[idx[i]] = g
						}
					}
				}
				gs[i] = g - 1
			}
			for a := range aggs {
				t.fold(&aggs[a], states[a], s, recs, gs)
			}
		})
	}

	for g, rep := range reps {
		row := make([]dsl.Value, len(t.exprs))
		for k := range groups {
			row[gAt[k]] = dicts[k].value(rep[k])
		}
		for a, ag := range aggs {
			st := states[a][g]
			switch ag.f {
			case dsl.FuncCount:
				row[ag.j] = dsl.Int(st.n)
			case dsl.FuncSum:
				if st.n > 0 {
					row[ag.j] = numberValue(st.sum)
				}
			case dsl.FuncAvg:
				if st.n > 0 {
					row[ag.j] = numberValue(st.sum / float64(st.n))
				}
			default:
				switch {
				case st.hasNum:
					row[ag.j] = t.cols[st.num.s][ag.j].value(st.num.v)
				case st.hasText:
					row[ag.j] = t.cols[st.text.s][ag.j].value(st.text.v)
				}
			}
		}
		if h := t.st.HavingQuery(); h != nil && !t.having(h, row) {
			continue
		}
		t.rows = append(t.rows, row)
		for k, g := range groups {
			if g.Target {
				if t.targets == nil {
					t.targets = []string{}
				}
				t.targets = append(t.targets, t.srcs[rep[k]-1].TargetID)
			}
		}
	}
	if t.st.IsDistinct() {
		t.distinctRows()
	}
	if len(t.orderAt) > 0 {
		keys := make([][]sortKey, len(t.rows))
		for i, row := range t.rows {
			keys[i] = make([]sortKey, len(t.orderAt))
			for o, j := range t.orderAt {
				keys[i][o] = valueKey(row[j])
			}
		}
		order := t.sortOrder(keys)
		rows := make([][]dsl.Value, len(order))
		var targets []string
		for i, k := range order {
			rows[i] = t.rows[k]
			if t.targets != nil {
				targets = append(targets, t.targets[k])
			}
		}
		t.rows, t.targets = rows, targets
	}
	lo, hi := t.window(len(t.rows))
	t.rows = t.rows[lo:hi]
	if t.targets != nil {
		t.targets = t.targets[lo:hi]
	}
	for i, row := range t.rows {
		t.rows[i] = row[:t.visible]
	}
}

// aggExpr is an aggregate being computed: expr j's function, and for
// COUNT(DISTINCT) the dict of its key and the (group, value) pairs seen.
type aggExpr struct {
	j    int
	f    dsl.Func
	d    *dict
	seen map[uint64]struct{}
}

// fold adds a batch of records of source s, whose groups are gs, to an
// aggregate's states. Each function has its own loop.
func (t *tabulator) fold(ag *aggExpr, states []aggState, s int, recs []uint32, gs []int32) {
	c := t.cols[s][ag.j]
	if ag.f == dsl.FuncCount && t.exprs[ag.j].Key == "" {
		for i := range recs {
			states[gs[i]].n++
		}
		return
	}
	if c == nil {
		return
	}
	switch ag.f {
	case dsl.FuncCount:
		for i, r := range recs {
			if c.first[r] == 0 {
				continue
			}
			if ag.d != nil {
				key := uint64(gs[i])<<32 | uint64(ag.d.id(s, c, r))
				if _, dup := ag.seen[key]; dup {
					continue
				}
				ag.seen[key] = struct{}{}
			}
			states[gs[i]].n++
		}
	case dsl.FuncSum, dsl.FuncAvg:
		for i, r := range recs {
			if v := c.first[r]; v != 0 && c.isNum[v-1] {
				st := &states[gs[i]]
				st.n++
				st.sum += c.num[v-1]
			}
		}
	default:
		for i, r := range recs {
			if v := c.first[r]; v != 0 {
				t.minMax(&states[gs[i]], ag.f == dsl.FuncMax, s, ag.j, v-1)
			}
		}
	}
}

// minMax folds value v into a MIN or MAX: numeric values win over text;
// among them, numbers compare as numbers and text by code point. The
// first of equal values stays.
func (t *tabulator) minMax(st *aggState, max bool, s, j int, v uint32) {
	c := t.cols[s][j]
	better := func(cmp int) bool { return max && cmp > 0 || !max && cmp < 0 }
	if c.isNum[v] {
		f := c.num[v]
		if !st.hasNum || better(compareFloat(f, st.f)) {
			st.hasNum, st.f, st.num = true, f, vref{int32(s), v}
		}
		return
	}
	if st.hasNum {
		return
	}
	if !st.hasText || better(bytes.Compare(c.k.text(v), t.cols[st.text.s][j].k.text(st.text.v))) {
		st.hasText, st.text = true, vref{int32(s), v}
	}
}

func compareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// distinctRows drops rows whose visible values repeat an earlier row's.
func (t *tabulator) distinctRows() {
	seen := map[string]bool{}
	var rows [][]dsl.Value
	var targets []string
	for i, row := range t.rows {
		var b strings.Builder
		for _, v := range row[:t.visible] {
			b.WriteString(strconv.Itoa(int(v.Kind())))
			b.WriteString(strconv.Quote(v.Text()))
		}
		if seen[b.String()] {
			continue
		}
		seen[b.String()] = true
		rows = append(rows, row)
		if t.targets != nil {
			targets = append(targets, t.targets[i])
		}
	}
	t.rows, t.targets = rows, targets
}
