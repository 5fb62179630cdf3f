package parser

import (
	"strings"

	"github.com/bfquery/bfquery/dsl"
)

// Format writes a statement as query text that compiles back to an
// equivalent statement (dsl.Equivalent). A query object that mixes
// several clauses is written as the AND it means. The request must be
// valid (dsl.Request.Check); Format returns the error otherwise.
func Format(st dsl.Statement) (string, error) {
	r := st.Request
	if err := st.Check(); err != nil {
		return "", err
	}
	var b strings.Builder
	if st.Explain {
		b.WriteString("EXPLAIN ")
	}
	b.WriteString("SELECT ")
	if st.Plain() {
		b.WriteString(st.Select.String())
	} else {
		writeColumns(&b, st)
	}
	b.WriteString(" FROM ")
	if fromRecords(st) {
		b.WriteString(recordsName(st.Select) + " OF ")
	}
	b.WriteString(string(r.TargetType()))
	for i, id := range r.TargetIDs() {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte(' ')
		if isDigitString(id) {
			b.WriteString(id)
		} else {
			b.WriteString(dsl.QuoteString(id))
		}
	}
	if r.Query() != nil {
		b.WriteString(" WHERE ")
		writeQuery(&b, r.Query(), false)
	}
	if !st.Plain() {
		writeClauses(&b, st)
	}
	return b.String(), nil
}

// FormatQuery writes a query as the condition of a WHERE clause.
func FormatQuery(q dsl.Query) string {
	var b strings.Builder
	writeQuery(&b, q, false)
	return b.String()
}

func writeQuery(b *strings.Builder, q dsl.Query, nested bool) {
	switch q := q.(type) {
	case dsl.MatchQuery:
		writeKey(b, q.Key)
		b.WriteString(" = ")
		b.WriteString(q.Value.String())
	case dsl.ContainQuery:
		writeKey(b, q.Key)
		b.WriteString(" CONTAINS ")
		b.WriteString(q.Value.String())
	case dsl.InQuery:
		writeKey(b, q.Key)
		b.WriteString(" IN ")
		writeValues(b, q.Values)
	case dsl.AndQuery:
		writeList(b, q.Queries, " AND ", nested)
	case dsl.ObjectQuery:
		writeList(b, q.Queries, " AND ", nested)
	case dsl.OrQuery:
		writeList(b, q.Queries, " OR ", nested)
	case dsl.RangeQuery:
		writeKey(b, q.Key)
		writeRange(b, q)
	case dsl.LikeQuery:
		writeKey(b, q.Key)
		b.WriteString(" LIKE ")
		b.WriteString(dsl.QuoteString(q.Pattern))
	case dsl.ILikeQuery:
		writeKey(b, q.Key)
		b.WriteString(" ILIKE ")
		b.WriteString(dsl.QuoteString(q.Pattern))
	case dsl.RegexpQuery:
		writeKey(b, q.Key)
		b.WriteString(" REGEXP ")
		b.WriteString(dsl.QuoteString(q.Pattern))
	case dsl.ExistsQuery:
		writeKey(b, q.Key)
		b.WriteString(" IS NOT NULL")
	case dsl.NotQuery:
		writeNot(b, q.Query)
	}
}

func writeValues(b *strings.Builder, vs []dsl.Value) {
	b.WriteByte('(')
	for i, v := range vs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(v.String())
	}
	b.WriteByte(')')
}

func writeRange(b *strings.Builder, q dsl.RangeQuery) {
	switch op := dsl.Operator(q); op {
	case "BETWEEN":
		b.WriteString(" BETWEEN ")
		b.WriteString(q.Lower.Value.String())
		b.WriteString(" AND ")
		b.WriteString(q.Upper.Value.String())
	case "<", "<=":
		b.WriteString(" " + op + " ")
		b.WriteString(q.Upper.Value.String())
	default:
		b.WriteString(" " + op + " ")
		b.WriteString(q.Lower.Value.String())
	}
}

// writeNot writes NOT q in the language's own forms where there is one
// (!=, NOT IN, NOT LIKE, NOT CONTAINS, NOT BETWEEN, IS NULL), and as NOT
// before the term otherwise. NOT binds tighter than AND, so a NOT term
// never needs parentheses of its own.
func writeNot(b *strings.Builder, q dsl.Query) {
	switch q := q.(type) {
	case dsl.MatchQuery:
		writeKey(b, q.Key)
		b.WriteString(" != ")
		b.WriteString(q.Value.String())
	case dsl.ContainQuery:
		writeKey(b, q.Key)
		b.WriteString(" NOT CONTAINS ")
		b.WriteString(q.Value.String())
	case dsl.InQuery:
		writeKey(b, q.Key)
		b.WriteString(" NOT IN ")
		writeValues(b, q.Values)
	case dsl.LikeQuery:
		writeKey(b, q.Key)
		b.WriteString(" NOT LIKE ")
		b.WriteString(dsl.QuoteString(q.Pattern))
	case dsl.ILikeQuery:
		writeKey(b, q.Key)
		b.WriteString(" NOT ILIKE ")
		b.WriteString(dsl.QuoteString(q.Pattern))
	case dsl.RegexpQuery:
		writeKey(b, q.Key)
		b.WriteString(" NOT REGEXP ")
		b.WriteString(dsl.QuoteString(q.Pattern))
	case dsl.ExistsQuery:
		writeKey(b, q.Key)
		b.WriteString(" IS NULL")
	case dsl.RangeQuery:
		if dsl.Operator(q) == "BETWEEN" {
			writeKey(b, q.Key)
			b.WriteString(" NOT")
			writeRange(b, q)
			return
		}
		b.WriteString("NOT ")
		writeQuery(b, q, true)
	default:
		b.WriteString("NOT ")
		writeQuery(b, q, true)
	}
}

// writeList joins the members of a boolAnd or boolOr. Nested lists keep
// their parentheses even where precedence would not need them, so that the
// text compiles back to the same shape.
func writeList(b *strings.Builder, qs []dsl.Query, sep string, nested bool) {
	if nested && len(qs) > 1 {
		b.WriteByte('(')
	}
	// A lone member stands where the list stood, so it inherits its
	// nesting; members of a longer list are always nested.
	inner := nested || len(qs) > 1
	for i, q := range qs {
		if i > 0 {
			b.WriteString(sep)
		}
		writeQuery(b, q, inner)
	}
	if nested && len(qs) > 1 {
		b.WriteByte(')')
	}
}

// writeKey writes a property key bare when the lexer reads it back as one
// identifier, and in backticks otherwise.
func writeKey(b *strings.Builder, k dsl.Key) {
	s := string(k)
	if raw, ok := strings.CutPrefix(s, rawKey); ok {
		b.WriteString(raw)
		return
	}
	if isPlainKey(s) && !IsKeyword(s) {
		b.WriteString(s)
		return
	}
	b.WriteByte('`')
	b.WriteString(strings.ReplaceAll(s, "`", "``"))
	b.WriteByte('`')
}

func isDigitString(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
