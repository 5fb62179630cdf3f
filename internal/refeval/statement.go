package refeval

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/bfquery/bfquery/dsl"
)

// Target is a target's elements (or rooms or areas), for Run.
type Target struct {
	ID       string
	Elements []Element
}

// Run answers a statement with a SELECT list over decoded elements (or
// rooms, or areas, as the statement selects), by the package eval
// documentation, as plainly as it can: the rows' values, the
// zero dsl.Value for NULL. Numbers that it computes (SUM, AVG) are
// dsl.Float values; compare them as numbers.
func Run(st dsl.Statement, targets []Target) [][]dsl.Value {
	if st.Plain() {
		// The rows of a plain statement are its IDs.
		st = st.Request.Select(dsl.ID()).Of(st.Select)
	}
	type rec struct {
		target string
		e      Element
	}
	var recs []rec
	for _, t := range targets {
		for _, e := range t.Elements {
			if q := st.Request.Query(); q == nil || Match(e, q) {
				recs = append(recs, rec{t.ID, e})
			}
		}
	}
	cols := st.Columns()
	value := func(r rec, c dsl.Column) dsl.Value {
		switch {
		case c.ID:
			return dsl.String(Text(r.e[idField(st.Select)]))
		case c.Target:
			return dsl.String(r.target)
		}
		return First(r.e, c.Key)
	}
	// exprs: the SELECT list, then what ORDER BY needs besides.
	exprs := slices.Clone(cols)
	var orderAt []int
	for _, o := range st.Orders() {
		i := st.Resolve(o.Column)
		if i < 0 {
			i = len(exprs)
			exprs = append(exprs, o.Column)
		}
		orderAt = append(orderAt, i)
	}
	for _, g := range st.Groups() {
		if !slices.Contains(exprs, g) {
			exprs = append(exprs, g)
		}
	}
	var rows [][]dsl.Value
	if !st.Aggregating() {
		for _, r := range recs {
			row := make([]dsl.Value, len(exprs))
			for i, c := range exprs {
				row[i] = value(r, c)
			}
			rows = append(rows, row)
		}
	} else {
		groups := st.Groups()
		var order []string
		members := map[string][]rec{}
		for _, r := range recs {
			var k strings.Builder
			for _, g := range groups {
				v := value(r, g)
				fmt.Fprintf(&k, "%d%q|", v.Kind(), v.Text())
			}
			if _, ok := members[k.String()]; !ok {
				order = append(order, k.String())
			}
			members[k.String()] = append(members[k.String()], r)
		}
		if len(groups) == 0 && len(order) == 0 {
			order = append(order, "")
		}
		for _, k := range order {
			m := members[k]
			row := make([]dsl.Value, len(exprs))
			for i, c := range exprs {
				if c.Func == dsl.NoFunc {
					row[i] = value(m[0], c)
					continue
				}
				var vals []dsl.Value
				for _, r := range m {
					if c.Key == "" {
						vals = append(vals, dsl.Bool(true))
					} else if v := value(r, c); v.Kind() != dsl.KindInvalid {
						vals = append(vals, v)
					}
				}
				row[i] = aggregate(c, vals)
			}
			if h := st.HavingQuery(); h != nil && !having(st, h, exprs, row) {
				continue
			}
			rows = append(rows, row)
		}
	}
	if st.IsDistinct() {
		seen := map[string]bool{}
		var out [][]dsl.Value
		for _, row := range rows {
			k := fmt.Sprint(row[:len(cols)])
			for _, v := range row[:len(cols)] {
				k += strconv.Itoa(int(v.Kind()))
			}
			if !seen[k] {
				seen[k] = true
				out = append(out, row)
			}
		}
		rows = out
	}
	orders := st.Orders()
	slices.SortStableFunc(rows, func(a, b []dsl.Value) int {
		for o, i := range orderAt {
			if c := compareForOrder(a[i], b[i], orders[o].Desc); c != 0 {
				return c
			}
		}
		return 0
	})
	limit, offset := st.LimitOffset()
	rows = rows[min(offset, len(rows)):]
	if limit > 0 && len(rows) > limit {
		rows = rows[:limit]
	}
	for i := range rows {
		rows[i] = rows[i][:len(cols)]
	}
	return rows
}

// idField is the field of a record's ID: elementId for elements, id for
// rooms and areas, as BIMFACE sends them.
func idField(sel dsl.Select) string {
	if sel == dsl.SelectElements {
		return "elementId"
	}
	return "id"
}

// First is a record's value of key: its first candidate, or the zero
// Value (NULL).
func First(e Element, key dsl.Key) dsl.Value {
	cs := e.candidates(string(key))
	if len(cs) == 0 {
		return dsl.Value{}
	}
	switch c := cs[0].(type) {
	case string:
		return dsl.String(c)
	case json.Number:
		return dsl.Number(string(c))
	case bool:
		return dsl.Bool(c)
	}
	panic(cs[0])
}

// number reads a value as ranges do: a number or a numeric string.
func number(v dsl.Value) (float64, bool) {
	if v.Kind() != dsl.KindNumber && v.Kind() != dsl.KindString || !dsl.IsNumber(v.Text()) {
		return 0, false
	}
	f, err := strconv.ParseFloat(v.Text(), 64)
	if err != nil && !math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

func aggregate(c dsl.Column, vals []dsl.Value) dsl.Value {
	switch c.Func {
	case dsl.FuncCount:
		if !c.Distinct {
			return dsl.Int(int64(len(vals)))
		}
		seen := map[dsl.Value]bool{}
		for _, v := range vals {
			seen[v] = true
		}
		return dsl.Int(int64(len(seen)))
	case dsl.FuncSum, dsl.FuncAvg:
		sum, n := 0.0, 0
		for _, v := range vals {
			if f, ok := number(v); ok {
				sum += f
				n++
			}
		}
		switch {
		case n == 0:
			return dsl.Value{}
		case c.Func == dsl.FuncAvg:
			return dsl.Float(sum / float64(n))
		}
		return dsl.Float(sum)
	}
	var nums, texts []dsl.Value
	for _, v := range vals {
		if _, ok := number(v); ok {
			nums = append(nums, v)
		} else {
			texts = append(texts, v)
		}
	}
	pick := nums
	if len(nums) == 0 {
		pick = texts
	}
	if len(pick) == 0 {
		return dsl.Value{}
	}
	best := pick[0]
	for _, v := range pick[1:] {
		c2 := compareForOrder(v, best, false)
		if c.Func == dsl.FuncMin && c2 < 0 || c.Func == dsl.FuncMax && c2 > 0 {
			best = v
		}
	}
	return best
}

// compareForOrder: numeric values by number, before text by code point,
// NULL last whichever the direction.
func compareForOrder(a, b dsl.Value, desc bool) int {
	na, nb := a.Kind() == dsl.KindInvalid, b.Kind() == dsl.KindInvalid
	if na || nb {
		switch {
		case na && nb:
			return 0
		case na:
			return 1
		}
		return -1
	}
	fa, oka := number(a)
	fb, okb := number(b)
	var c int
	switch {
	case oka && okb:
		c = cmp.Compare(fa, fb)
	case oka:
		c = -1
	case okb:
		c = 1
	default:
		c = strings.Compare(a.Text(), b.Text())
	}
	if desc {
		return -c
	}
	return c
}

// having evaluates HAVING on a row with Match, as if the row were an
// element with one property item per column, keyed by the column's name.
func having(st dsl.Statement, q dsl.Query, exprs []dsl.Column, row []dsl.Value) bool {
	var items []any
	add := func(name string, v dsl.Value) {
		if v.Kind() != dsl.KindInvalid {
			items = append(items, map[string]any{"key": name, "value": raw(v)})
		}
	}
	for i, c := range st.Columns() {
		add(c.Label(st.Select), row[i])
	}
	for _, g := range st.Groups() {
		add(g.Label(st.Select), row[slices.Index(exprs, g)])
	}
	return Match(Element{"properties": []any{map[string]any{"items": items}}}, q)
}

func raw(v dsl.Value) any {
	switch v.Kind() {
	case dsl.KindNumber:
		return json.Number(v.Text())
	case dsl.KindBool:
		return v.Text() == "true"
	}
	return v.Text()
}

// Statement returns a random statement with a SELECT list over the
// generator's keys: projections ordered and limited, or groups with
// aggregates, HAVING and ORDER BY, with or without a WHERE.
func (g *Gen) Statement(req dsl.Request, targets int) dsl.Statement {
	if g.rng.IntN(4) > 0 {
		req = req.Where(g.Query(0))
	}
	key := func() dsl.Key { return dsl.Key(g.keys[g.rng.IntN(len(g.keys))]) }
	low := func() dsl.Key {
		// Keys with few values make groups worth having.
		for range 20 {
			k := key()
			if n := len(g.values[string(k)]); n > 0 && n < 40 {
				return k
			}
		}
		return key()
	}
	var st dsl.Statement
	if g.rng.IntN(3) == 0 {
		cols := []dsl.Selectable{dsl.ID()}
		for range g.rng.IntN(3) {
			// A column's name must be unique: the key elementId is
			// named as the ID column is.
			k := key()
			if k != "elementId" && !slices.Contains(cols, dsl.Selectable(k)) {
				cols = append(cols, k)
			}
		}
		if targets > 1 && g.rng.IntN(2) == 0 {
			cols = append(cols, dsl.TargetID())
		}
		g.rng.Shuffle(len(cols), func(i, j int) { cols[i], cols[j] = cols[j], cols[i] })
		st = req.Select(cols...)
		if g.rng.IntN(4) == 0 {
			st = req.Select(cols[1:]...)
			if len(cols) == 1 {
				st = req.Select(low())
			}
			st = st.Distinct()
		}
		for _, c := range st.Columns() {
			if g.rng.IntN(2) == 0 {
				st = st.OrderBy(dsl.Order{Column: c, Desc: g.rng.IntN(2) == 0})
			}
		}
		if !st.IsDistinct() && g.rng.IntN(2) == 0 {
			st = st.OrderBy(dsl.Order{Column: dsl.Col(key()), Desc: g.rng.IntN(2) == 0})
		}
	} else {
		var groups []dsl.Selectable
		for range g.rng.IntN(3) {
			k := low()
			if !slices.Contains(groups, dsl.Selectable(k)) {
				groups = append(groups, k)
			}
		}
		if targets > 1 && g.rng.IntN(2) == 0 {
			groups = append(groups, dsl.TargetID())
		}
		cols := slices.Clone(groups)
		aggs := []func() dsl.Column{
			dsl.Count,
			func() dsl.Column { return dsl.CountOf(key()) },
			func() dsl.Column { return dsl.CountDistinct(low()) },
			func() dsl.Column { return dsl.Sum(key()) },
			func() dsl.Column { return dsl.Avg(key()) },
			func() dsl.Column { return dsl.Min(key()) },
			func() dsl.Column { return dsl.Max(key()) },
		}
		for range 1 + g.rng.IntN(3) {
			c := aggs[g.rng.IntN(len(aggs))]()
			if !slices.Contains(cols, dsl.Selectable(c)) {
				cols = append(cols, c)
			}
		}
		st = req.Select(cols...).GroupBy(groups...)
		all := st.Columns()
		if g.rng.IntN(3) == 0 {
			c := all[g.rng.IntN(len(all))]
			label := dsl.Key(c.Label(dsl.SelectElements))
			if c.Func == dsl.FuncCount {
				st = st.Having(dsl.Gt(label, g.rng.IntN(20)))
			} else {
				st = st.Having(dsl.Not(dsl.Match(label, g.value(string(c.Key)))))
			}
		}
		for range g.rng.IntN(3) {
			st = st.OrderBy(dsl.Order{Column: all[g.rng.IntN(len(all))], Desc: g.rng.IntN(2) == 0})
		}
	}
	if g.rng.IntN(2) == 0 {
		st = st.Limit(1 + g.rng.IntN(30))
	}
	if g.rng.IntN(3) == 0 {
		st = st.Offset(g.rng.IntN(10))
	}
	return st
}
