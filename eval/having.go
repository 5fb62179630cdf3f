package eval

import (
	"slices"
	"strings"

	"github.com/bfquery/bfquery/dsl"
)

// having reports whether a group's row passes HAVING. Each key of the
// condition names a column of the row, whose value is the one candidate
// the clauses test, by the same rules as for records; NULL is none.
func (t *tabulator) having(q dsl.Query, row []dsl.Value) bool {
	cell := func(k dsl.Key) (dsl.Value, bool) {
		i, _ := t.st.ResolveName(string(k))
		if i < 0 {
			i = slices.Index(t.exprs, t.st.Groups()[-1-i])
		}
		v := row[i]
		return v, v.Kind() != dsl.KindInvalid
	}
	return matchValue(q, cell)
}

// matchValue evaluates q where each key has at most one candidate, given
// by cell: the package documentation's semantics for one value.
func matchValue(q dsl.Query, cell func(dsl.Key) (dsl.Value, bool)) bool {
	all := func(qs []dsl.Query) bool {
		for _, c := range qs {
			if !matchValue(c, cell) {
				return false
			}
		}
		return true
	}
	switch q := q.(type) {
	case dsl.AndQuery:
		return all(q.Queries)
	case dsl.ObjectQuery:
		return all(q.Queries)
	case dsl.OrQuery:
		return slices.ContainsFunc(q.Queries, func(c dsl.Query) bool { return matchValue(c, cell) })
	case dsl.NotQuery:
		return !matchValue(q.Query, cell)
	}
	key, _ := dsl.KeyOf(q)
	c, ok := cell(key)
	if !ok {
		return false
	}
	switch q := q.(type) {
	case dsl.MatchQuery:
		return ValueEqual(c, q.Value)
	case dsl.InQuery:
		return slices.ContainsFunc(q.Values, func(v dsl.Value) bool { return ValueEqual(c, v) })
	case dsl.ContainQuery:
		return strings.Contains(c.Text(), q.Value.Text())
	case dsl.ExistsQuery:
		return true
	case dsl.RangeQuery:
		if c.Kind() == dsl.KindBool {
			return false
		}
		f, ok := parseNumber([]byte(c.Text()))
		if !ok {
			return false
		}
		if !q.Lower.IsZero() {
			lo, _ := q.Lower.Value.Float()
			if f < lo || f == lo && !q.Lower.Inclusive {
				return false
			}
		}
		if !q.Upper.IsZero() {
			hi, _ := q.Upper.Value.Float()
			if f > hi || f == hi && !q.Upper.Inclusive {
				return false
			}
		}
		return true
	}
	if _, test, ok := dsl.TextTest(q); ok {
		return test(c.Text())
	}
	return false
}

// ValueEqual is match's equality of a candidate c and a query value v:
// strings byte for byte, numbers (and numeric strings against numbers)
// as float64, a boolean with the same boolean or its text.
func ValueEqual(c, v dsl.Value) bool {
	num := func(x dsl.Value) (float64, bool) { return parseNumber([]byte(x.Text())) }
	switch v.Kind() {
	case dsl.KindString:
		switch c.Kind() {
		case dsl.KindString, dsl.KindBool:
			return c.Text() == v.Text()
		case dsl.KindNumber:
			a, ok1 := num(c)
			b, ok2 := num(v)
			return ok1 && ok2 && a == b
		}
	case dsl.KindNumber:
		if c.Kind() == dsl.KindBool {
			return false
		}
		a, ok1 := num(c)
		b, ok2 := num(v)
		return ok1 && ok2 && a == b
	case dsl.KindBool:
		return (c.Kind() == dsl.KindBool || c.Kind() == dsl.KindString) && c.Text() == v.Text()
	}
	return false
}
