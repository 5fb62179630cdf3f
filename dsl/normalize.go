package dsl

import (
	"cmp"
	"math"
	"slices"
	"strconv"
)

// Normalize returns a request with the same meaning in canonical form:
// target IDs sorted without duplicates, and the query normalized by
// NormalizeQuery. Two requests mean the same when their normal forms are
// equal; Equivalent and Diff compare them so.
func Normalize(r Request) Request {
	ids := slices.Clone(r.targetIDs)
	slices.Sort(ids)
	r.targetIDs = slices.Compact(ids)
	if r.query != nil {
		r.query = NormalizeQuery(r.query)
	}
	return r
}

// NormalizeQuery returns q in canonical form:
//   - an ObjectQuery becomes the AND of its clauses, and a boolAnd inside a
//     boolAnd (or a boolOr inside a boolOr) is flattened into it;
//   - inside a boolOr, match and in clauses on the same key merge into one
//     in; an in with a single value becomes a match;
//   - number literals in match and in take their shortest form (30.0
//     becomes 30: they match the same elements), while contain keeps its
//     literal, whose text is what it compares;
//   - children and in values are sorted, and duplicates dropped;
//   - a boolAnd or boolOr of a single query becomes that query;
//   - NOT NOT q becomes q, and LIKE '%text%' becomes contain.
//
// Invalid parts (empty lists, invalid values) are kept as they are, so that
// validating the result reports them.
func NormalizeQuery(q Query) Query {
	n, _ := normalize(q)
	return n
}

// normalize returns the normal form of q and its sort key, a compact
// rendering of that form.
func normalize(q Query) (Query, string) {
	switch q := q.(type) {
	case MatchQuery:
		q.Value = canonicalNumber(q.Value)
		return q, leafKey("match", q.Key, q.Value)
	case ContainQuery:
		return q, leafKey("contain", q.Key, q.Value)
	case InQuery:
		vals := make([]Value, len(q.Values))
		for i, v := range q.Values {
			vals[i] = canonicalNumber(v)
		}
		return normalIn(q.Key, vals)
	case AndQuery:
		return normalBool(q.Queries, false)
	case ObjectQuery:
		return normalBool(q.Queries, false)
	case OrQuery:
		return normalBool(q.Queries, true)
	case NotQuery:
		n, k := normalize(q.Query)
		if inner, ok := n.(NotQuery); ok {
			return normalize(inner.Query)
		}
		return NotQuery{Query: n}, "not(" + k + ")"
	case RangeQuery:
		q.Lower.Value = canonicalNumber(q.Lower.Value)
		q.Upper.Value = canonicalNumber(q.Upper.Value)
		return q, "range:" + strconv.Quote(string(q.Key)) + ":" + boundKey(q.Lower) + ":" + boundKey(q.Upper)
	case LikeQuery:
		if text, ok := ContainText(q.Pattern); ok {
			return normalize(ContainQuery{Key: q.Key, Value: String(text)})
		}
		return q, "like:" + strconv.Quote(string(q.Key)) + ":" + strconv.Quote(q.Pattern)
	case ILikeQuery:
		return q, "ilike:" + strconv.Quote(string(q.Key)) + ":" + strconv.Quote(q.Pattern)
	case RegexpQuery:
		return q, "regexp:" + strconv.Quote(string(q.Key)) + ":" + strconv.Quote(q.Pattern)
	case ExistsQuery:
		return q, "exists:" + strconv.Quote(string(q.Key))
	}
	return q, ""
}

func boundKey(b Bound) string {
	if b.IsZero() {
		return "-"
	}
	return strconv.FormatBool(b.Inclusive) + strconv.Quote(b.Value.text)
}

func normalIn(key Key, vals []Value) (Query, string) {
	slices.SortFunc(vals, compareValues)
	vals = slices.Compact(vals)
	if len(vals) == 1 {
		return MatchQuery{Key: key, Value: vals[0]}, leafKey("match", key, vals[0])
	}
	k := "in:" + strconv.Quote(string(key)) + ":"
	for _, v := range vals {
		k += v.kind.String() + ":" + strconv.Quote(v.text) + ","
	}
	return InQuery{Key: key, Values: vals}, k
}

type keyed struct {
	q   Query
	key string
}

func normalBool(children []Query, or bool) (Query, string) {
	var flat []keyed
	var add func(qs []Query)
	add = func(qs []Query) {
		for _, c := range qs {
			n, k := normalize(c)
			switch n := n.(type) {
			case AndQuery:
				if !or && len(n.Queries) > 0 {
					add(n.Queries)
					continue
				}
			case OrQuery:
				if or && len(n.Queries) > 0 {
					add(n.Queries)
					continue
				}
			}
			flat = append(flat, keyed{n, k})
		}
	}
	add(children)
	if or {
		flat = mergeIns(flat)
	}
	slices.SortFunc(flat, func(a, b keyed) int { return cmp.Compare(a.key, b.key) })
	flat = slices.CompactFunc(flat, func(a, b keyed) bool { return a.key == b.key })
	if len(flat) == 1 {
		return flat[0].q, flat[0].key
	}
	qs := make([]Query, len(flat))
	k := "and("
	if or {
		k = "or("
	}
	for i, c := range flat {
		qs[i] = c.q
		k += c.key + ";"
	}
	k += ")"
	if or {
		return OrQuery{Queries: qs}, k
	}
	return AndQuery{Queries: qs}, k
}

// mergeIns merges the match and in clauses of a boolOr that share a key.
func mergeIns(qs []keyed) []keyed {
	var order []Key
	vals := map[Key][]Value{}
	var rest []keyed
	for _, c := range qs {
		var key Key
		var vs []Value
		switch q := c.q.(type) {
		case MatchQuery:
			key, vs = q.Key, []Value{q.Value}
		case InQuery:
			key, vs = q.Key, q.Values
		default:
			rest = append(rest, c)
			continue
		}
		if _, ok := vals[key]; !ok {
			order = append(order, key)
		}
		vals[key] = append(vals[key], vs...)
	}
	for _, key := range order {
		q, k := normalIn(key, vals[key])
		rest = append(rest, keyed{q, k})
	}
	return rest
}

func leafKey(clause string, key Key, v Value) string {
	return clause + ":" + strconv.Quote(string(key)) + ":" + v.kind.String() + ":" + strconv.Quote(v.text)
}

func compareValues(a, b Value) int {
	if c := cmp.Compare(a.kind, b.kind); c != 0 {
		return c
	}
	if a.kind == KindNumber {
		fa, okA := a.Float()
		fb, okB := b.Float()
		if okA && okB && fa != fb {
			return cmp.Compare(fa, fb)
		}
	}
	return cmp.Compare(a.text, b.text)
}

// canonicalNumber writes a number in the shortest form that reads back as
// the same float64, which is how match compares numbers: -0 is 0. A
// literal too large for a float64 (1e999) keeps its text, since no
// shorter JSON number says the same.
func canonicalNumber(v Value) Value {
	if f, ok := v.Float(); ok && !math.IsInf(f, 0) {
		if f == 0 {
			f = 0 // not -0
		}
		return Float(f)
	}
	return v
}
