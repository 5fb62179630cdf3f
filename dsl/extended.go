package dsl

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// The queries in this file have no clause in BIMFACE's DSL. The local
// engine evaluates them directly; against BIMFACE they are answered by a
// plan of several DSL requests and set operations. MarshalJSON rejects
// them, naming where they are, and Documented tells them apart.

// NotQuery matches the records of the target that Query does not match,
// as Elasticsearch's must_not: a record without the key matches
// NOT (key = v).
type NotQuery struct {
	Query Query
}

// RangeQuery matches records with a single numeric candidate value of Key
// (a number, or a string in JSON's number grammar) within both bounds. A
// zero Bound leaves that end open. With two bounds both are inclusive:
// that is BETWEEN.
type RangeQuery struct {
	Key          Key
	Lower, Upper Bound
}

// Bound is one end of a range: a number, included or not. The zero Bound
// is no bound.
type Bound struct {
	Value     Value
	Inclusive bool
}

// IsZero reports whether b is no bound.
func (b Bound) IsZero() bool { return b.Value == Value{} }

// LikeQuery matches records with a candidate value of Key whose text
// matches Pattern in whole, case-sensitively: % is any run of characters,
// _ is one character, and a backslash makes the next character literal.
// '%text%' is exactly ContainQuery.
type LikeQuery struct {
	Key     Key
	Pattern string
}

// ExistsQuery matches records that have at least one candidate value of
// Key: IS NOT NULL. IS NULL is its NOT.
type ExistsQuery struct {
	Key Key
}

func (NotQuery) isQuery()    {}
func (RangeQuery) isQuery()  {}
func (LikeQuery) isQuery()   {}
func (ExistsQuery) isQuery() {}

func (q NotQuery) MarshalJSON() ([]byte, error)    { return MarshalQuery(q) }
func (q RangeQuery) MarshalJSON() ([]byte, error)  { return MarshalQuery(q) }
func (q LikeQuery) MarshalJSON() ([]byte, error)   { return MarshalQuery(q) }
func (q ExistsQuery) MarshalJSON() ([]byte, error) { return MarshalQuery(q) }

// Not is the query that q does not match.
func Not(q Query) NotQuery { return NotQuery{Query: q} }

// Ne is key != v, that is NOT (key = v).
func Ne(key Key, v any) NotQuery { return Not(Match(key, v)) }

// NotIn is key NOT IN (vs...).
func NotIn(key Key, vs ...any) NotQuery { return Not(In(key, vs...)) }

// Lt is key < n.
func Lt(key Key, n any) RangeQuery { return RangeQuery{Key: key, Upper: Bound{ValueOf(n), false}} }

// Le is key <= n.
func Le(key Key, n any) RangeQuery { return RangeQuery{Key: key, Upper: Bound{ValueOf(n), true}} }

// Gt is key > n.
func Gt(key Key, n any) RangeQuery { return RangeQuery{Key: key, Lower: Bound{ValueOf(n), false}} }

// Ge is key >= n.
func Ge(key Key, n any) RangeQuery { return RangeQuery{Key: key, Lower: Bound{ValueOf(n), true}} }

// Between is key BETWEEN lo AND hi: one candidate c with lo <= c <= hi.
func Between(key Key, lo, hi any) RangeQuery {
	return RangeQuery{Key: key, Lower: Bound{ValueOf(lo), true}, Upper: Bound{ValueOf(hi), true}}
}

// Like is key LIKE pattern.
func Like(key Key, pattern string) LikeQuery { return LikeQuery{Key: key, Pattern: pattern} }

// Exists is key IS NOT NULL.
func Exists(key Key) ExistsQuery { return ExistsQuery{Key: key} }

// IsNull is key IS NULL, that is NOT (key IS NOT NULL).
func IsNull(key Key) NotQuery { return Not(Exists(key)) }

// Documented reports whether q uses only the clauses BIMFACE's DSL has
// (match, contain, in, boolAnd, boolOr), so that it can be sent as one
// request.
func Documented(q Query) bool {
	ok := true
	Walk(q, func(q Query) {
		switch q.(type) {
		case MatchQuery, ContainQuery, InQuery, AndQuery, OrQuery, ObjectQuery:
		default:
			ok = false
		}
	})
	return ok
}

// Operator returns what a query node is called: its DSL clause (match,
// contain, in, boolAnd, boolOr) or, for the others, its operator in the
// query language (NOT, <, <=, >, >=, BETWEEN, LIKE, IS NOT NULL).
func Operator(q Query) string {
	switch q := q.(type) {
	case MatchQuery:
		return "match"
	case ContainQuery:
		return "contain"
	case InQuery:
		return "in"
	case AndQuery, ObjectQuery:
		return "boolAnd"
	case OrQuery:
		return "boolOr"
	case NotQuery:
		return "NOT"
	case LikeQuery:
		return "LIKE"
	case ILikeQuery:
		return "ILIKE"
	case RegexpQuery:
		return "REGEXP"
	case ExistsQuery:
		return "IS NOT NULL"
	case RangeQuery:
		return q.operator()
	}
	return fmt.Sprintf("%T", q)
}

// Describe writes one node of a query as the query language would, for
// messages and plans: key = 'v', key CONTAINS 'v', key IN (…), key < 2,
// key BETWEEN 1 AND 2, key LIKE 'C%', key IS NOT NULL; a boolean node or
// NOT is its operator alone (its members are not written).
func Describe(q Query) string {
	switch q := q.(type) {
	case MatchQuery:
		return fmt.Sprintf("%s = %s", q.Key, q.Value)
	case ContainQuery:
		return fmt.Sprintf("%s CONTAINS %s", q.Key, q.Value)
	case InQuery:
		vs := make([]string, len(q.Values))
		for i, v := range q.Values {
			vs[i] = v.String()
		}
		return fmt.Sprintf("%s IN (%s)", q.Key, strings.Join(vs, ", "))
	case RangeQuery:
		switch op := q.operator(); op {
		case "BETWEEN":
			return fmt.Sprintf("%s BETWEEN %s AND %s", q.Key, q.Lower.Value, q.Upper.Value)
		case "<", "<=":
			return fmt.Sprintf("%s %s %s", q.Key, op, q.Upper.Value)
		default:
			return fmt.Sprintf("%s %s %s", q.Key, op, q.Lower.Value)
		}
	case LikeQuery:
		return fmt.Sprintf("%s LIKE %s", q.Key, QuoteString(q.Pattern))
	case ILikeQuery:
		return fmt.Sprintf("%s ILIKE %s", q.Key, QuoteString(q.Pattern))
	case RegexpQuery:
		return fmt.Sprintf("%s REGEXP %s", q.Key, QuoteString(q.Pattern))
	case ExistsQuery:
		return fmt.Sprintf("%s IS NOT NULL", q.Key)
	}
	return Operator(q)
}

// operator is the comparison a range is written with.
func (q RangeQuery) operator() string {
	switch {
	case !q.Lower.IsZero() && !q.Upper.IsZero():
		return "BETWEEN"
	case !q.Upper.IsZero() && q.Upper.Inclusive:
		return "<="
	case !q.Upper.IsZero():
		return "<"
	case q.Lower.Inclusive:
		return ">="
	}
	return ">"
}

// check describes what is wrong with a range, and at which bound, or
// returns "".
func (q RangeQuery) check() (msg, at string) {
	switch {
	case q.Lower.IsZero() && q.Upper.IsZero():
		return "a range needs at least one bound", ""
	case !q.Lower.IsZero() && !q.Upper.IsZero() && !(q.Lower.Inclusive && q.Upper.Inclusive):
		return "a range with two bounds includes both (BETWEEN)", ""
	}
	for _, b := range []struct {
		name string
		b    Bound
	}{{"lower", q.Lower}, {"upper", q.Upper}} {
		if b.b.IsZero() {
			continue
		}
		if msg := b.b.Value.check(); msg != "" {
			return msg, b.name
		}
		if b.b.Value.kind != KindNumber {
			return fmt.Sprintf("%s compares numbers, not %s", q.operator(), b.b.Value.kind), b.name
		}
	}
	return "", ""
}

// CheckQuery reports the first problem in any query, extended clauses
// included, as an *Error with the JSON path where it sits (the path its
// documented parts would have in a request).
func CheckQuery(q Query) error {
	_, err := ExtendedJSON(q)
	return err
}

// ExtendedJSON writes any query as JSON: the documented clauses as
// BIMFACE has them, and the others in the style of Elasticsearch's query
// DSL ({"not":…}, {"range":{"k":{"gt":2}}}, {"like":{"k":"C18%"}},
// {"exists":{"field":"k"}}). It is for display and tests: BIMFACE accepts
// none of the extensions.
func ExtendedJSON(q Query) ([]byte, error) {
	e := encoder{path: []string{"query"}, extended: true}
	if err := e.query(q); err != nil {
		return nil, err
	}
	return e.buf, nil
}

// extended writes the clauses that BIMFACE's DSL lacks, in the style of
// Elasticsearch's query DSL, when the encoder allows them (for checking
// and for display), and rejects them otherwise.
func (e *encoder) extendedQuery(q Query) error {
	if !e.extended {
		return e.fail(Operator(q) + " has no clause in BIMFACE's query DSL, which has only match, contain, in, boolAnd and boolOr")
	}
	switch q := q.(type) {
	case NotQuery:
		e.buf = append(e.buf, `{"not":`...)
		e.push("not")
		err := e.query(q.Query)
		e.pop()
		e.buf = append(e.buf, '}')
		return err
	case RangeQuery:
		if q.Key == "" {
			return e.fail("key must not be empty", "range", "")
		}
		if msg, at := q.check(); msg != "" {
			if at == "" {
				return e.fail(msg, "range", string(q.Key))
			}
			return e.fail(msg, "range", string(q.Key), at)
		}
		e.buf = append(e.buf, `{"range":{`...)
		e.buf = appendString(e.buf, string(q.Key))
		e.buf = append(e.buf, ":{"...)
		sep := ""
		for _, b := range []struct {
			b          Bound
			incl, excl string
		}{{q.Lower, "gte", "gt"}, {q.Upper, "lte", "lt"}} {
			if b.b.IsZero() {
				continue
			}
			op := b.excl
			if b.b.Inclusive {
				op = b.incl
			}
			e.buf = append(e.buf, sep+`"`+op+`":`...)
			e.buf = appendValue(e.buf, b.b.Value)
			sep = ","
		}
		e.buf = append(e.buf, "}}}"...)
	case LikeQuery:
		return e.pattern("like", q.Key, q.Pattern)
	case ILikeQuery:
		return e.pattern("ilike", q.Key, q.Pattern)
	case RegexpQuery:
		if msg := CheckRegexp(q.Pattern); msg != "" {
			return e.fail(msg, "regexp", string(q.Key))
		}
		return e.pattern("regexp", q.Key, q.Pattern)
	case ExistsQuery:
		if q.Key == "" {
			return e.fail("key must not be empty", "exists", "")
		}
		e.buf = append(e.buf, `{"exists":{"field":`...)
		e.buf = appendString(e.buf, string(q.Key))
		e.buf = append(e.buf, "}}"...)
	}
	return nil
}

// pattern writes {"like":{"k":"p"}} and its like for ilike and regexp.
func (e *encoder) pattern(clause string, key Key, pattern string) error {
	if key == "" {
		return e.fail("key must not be empty", clause, "")
	}
	e.buf = append(e.buf, `{"`+clause+`":{`...)
	e.buf = appendString(e.buf, string(key))
	e.buf = append(e.buf, ':')
	e.buf = appendString(e.buf, pattern)
	e.buf = append(e.buf, "}}"...)
	return nil
}

// ContainText reports whether a LIKE pattern is '%text%' (or only %s),
// which means exactly contain text, and returns text with its escapes
// (\% \_ \\) resolved.
func ContainText(pattern string) (string, bool) {
	units := likeUnits(pattern)
	if len(units) == 0 {
		return "", false // '' matches only the empty text
	}
	lo, hi := 0, len(units)
	for lo < hi && units[lo].wild == '%' {
		lo++
	}
	if lo == hi {
		return "", true
	}
	for hi > lo && units[hi-1].wild == '%' {
		hi--
	}
	if lo == 0 || hi == len(units) {
		return "", false
	}
	var b strings.Builder
	for _, u := range units[lo:hi] {
		if u.wild != 0 {
			return "", false
		}
		b.WriteRune(u.r)
	}
	return b.String(), true
}

// likeUnit is one character of a LIKE pattern: a literal rune, or a
// wildcard (% or _) when wild is set.
type likeUnit struct {
	r    rune
	wild rune
}

// likeUnits splits a LIKE pattern into literal characters and wildcards,
// resolving backslash escapes.
func likeUnits(p string) []likeUnit {
	units := make([]likeUnit, 0, len(p))
	escaped := false
	for _, r := range p {
		switch {
		case escaped:
			units = append(units, likeUnit{r: r})
			escaped = false
		case r == '\\':
			escaped = true
		case r == '%' || r == '_':
			units = append(units, likeUnit{wild: r})
		default:
			units = append(units, likeUnit{r: r})
		}
	}
	if escaped {
		units = append(units, likeUnit{r: '\\'})
	}
	return units
}

// LikePattern is a compiled LIKE pattern.
type LikePattern struct {
	units []likeUnit
}

// CompileLike compiles a LIKE pattern: % is any run of characters, _ is
// one character, and a backslash makes the next character literal.
func CompileLike(pattern string) LikePattern { return LikePattern{units: likeUnits(pattern)} }

// Match reports whether text matches the whole pattern, case-sensitively.
func (p LikePattern) Match(text string) bool {
	return p.match(text, func(a, b rune) bool { return a == b })
}

func (p LikePattern) match(text string, eq func(a, b rune) bool) bool {
	// Greedy matching with one backtrack point, the last %: linear in
	// practice, and never exponential.
	u := p.units
	ui, ti := 0, 0
	star, starText := -1, 0
	for ti < len(text) {
		r, n := utf8.DecodeRuneInString(text[ti:])
		switch {
		case ui < len(u) && u[ui].wild == '%':
			star, starText = ui, ti
			ui++
		case ui < len(u) && (u[ui].wild == '_' || u[ui].wild == 0 && eq(u[ui].r, r)):
			ui++
			ti += n
		case star >= 0:
			ui = star + 1
			_, n0 := utf8.DecodeRuneInString(text[starText:])
			starText += n0
			ti = starText
		default:
			return false
		}
	}
	for ui < len(u) && u[ui].wild == '%' {
		ui++
	}
	return ui == len(u)
}
