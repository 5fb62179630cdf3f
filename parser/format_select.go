package parser

import (
	"slices"
	"strconv"
	"strings"

	"github.com/bfquery/bfquery/dsl"
)

// writeColumns writes a SELECT list: [DISTINCT] and each column with its
// alias.
func writeColumns(b *strings.Builder, st dsl.Statement) {
	cols := st.Columns()
	if st.IsDistinct() {
		b.WriteString("DISTINCT ")
	}
	for i, c := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		writeColumn(b, st.Select, c.Unaliased())
		if c.Alias != "" {
			b.WriteString(" AS ")
			writeKey(b, dsl.Key(c.Alias))
		}
	}
}

// fromRecords reports whether FROM must say which records a statement
// reads: rooms or areas without their ID column in the SELECT list.
func fromRecords(st dsl.Statement) bool {
	return st.Select != dsl.SelectElements && !st.Plain() && !slices.ContainsFunc(st.Columns(), func(c dsl.Column) bool { return c.ID })
}

// writeColumn writes a column as an expression (no alias). A key spelled
// like elementId, roomId, areaId or targetId goes in backticks, so that
// it reads back as the key.
func writeColumn(b *strings.Builder, sel dsl.Select, c dsl.Column) {
	switch {
	case c.ID:
		b.WriteString(sel.String())
	case c.Target:
		b.WriteString("targetId")
	case c.Func == dsl.NoFunc:
		s := string(c.Key)
		if _, err := dsl.ParseSelect(s); err == nil || strings.EqualFold(s, "targetId") {
			b.WriteString("`" + strings.ReplaceAll(s, "`", "``") + "`")
			return
		}
		writeKey(b, c.Key)
	default:
		b.WriteString(c.Func.String())
		b.WriteByte('(')
		switch {
		case c.Key == "":
			b.WriteByte('*')
		case c.Distinct:
			b.WriteString("DISTINCT ")
			writeKey(b, c.Key)
		default:
			writeKey(b, c.Key)
		}
		b.WriteByte(')')
	}
}

// writeRef writes a reference to a column of the SELECT list: its alias
// when it has one, otherwise the expression.
func writeRef(b *strings.Builder, sel dsl.Select, c dsl.Column) {
	if c.Alias != "" {
		writeKey(b, dsl.Key(c.Alias))
		return
	}
	writeColumn(b, sel, c)
}

// writeClauses writes GROUP BY, HAVING, ORDER BY, LIMIT and OFFSET.
func writeClauses(b *strings.Builder, st dsl.Statement) {
	if gs := st.Groups(); len(gs) > 0 {
		b.WriteString(" GROUP BY ")
		for i, g := range gs {
			if i > 0 {
				b.WriteString(", ")
			}
			if g.Target {
				b.WriteString("targetId")
			} else {
				// In GROUP BY a bare name is always a key.
				writeKey(b, g.Key)
			}
		}
	}
	if h := st.HavingQuery(); h != nil {
		b.WriteString(" HAVING ")
		writeQuery(b, renameKeys(h, func(k dsl.Key) dsl.Key { return dsl.Key(havingRef(st, string(k))) }), false)
	}
	if os := st.Orders(); len(os) > 0 {
		b.WriteString(" ORDER BY ")
		for i, o := range os {
			if i > 0 {
				b.WriteString(", ")
			}
			writeRef(b, st.Select, o.Column)
			if o.Desc {
				b.WriteString(" DESC")
			}
		}
	}
	limit, offset := st.LimitOffset()
	if limit > 0 {
		b.WriteString(" LIMIT " + strconv.Itoa(limit))
	}
	if offset > 0 {
		if limit == 0 {
			// OFFSET goes with LIMIT in the language; no limit is the
			// largest one.
			b.WriteString(" LIMIT " + strconv.Itoa(maxLimit))
		}
		b.WriteString(" OFFSET " + strconv.Itoa(offset))
	}
}

// maxLimit is what "no limit" is written as when an OFFSET needs a LIMIT.
const maxLimit = 1<<31 - 1

// havingRef is the text a HAVING condition names a result column by. It
// is returned inside a key that writeKey would quote, so it is marked
// raw with a leading NUL that writeKey strips.
func havingRef(st dsl.Statement, label string) string {
	var b strings.Builder
	if i, ok := st.ResolveName(label); ok {
		if i >= 0 {
			writeRef(&b, st.Select, st.Columns()[i])
		} else {
			g := st.Groups()[-1-i]
			if g.Target {
				b.WriteString("targetId")
			} else {
				writeKey(&b, g.Key)
			}
		}
	} else {
		writeKey(&b, dsl.Key(label))
	}
	return rawKey + b.String()
}

// rawKey marks a key that writeKey writes as it is: text already written
// for HAVING. Query text is UTF-8, where the byte 0xff never occurs, so
// no key read from text starts with it.
const rawKey = "\xff"

// renameKeys returns q with each leaf's key replaced by f's.
func renameKeys(q dsl.Query, f func(dsl.Key) dsl.Key) dsl.Query {
	all := func(qs []dsl.Query) []dsl.Query {
		out := make([]dsl.Query, len(qs))
		for i, c := range qs {
			out[i] = renameKeys(c, f)
		}
		return out
	}
	switch q := q.(type) {
	case dsl.MatchQuery:
		q.Key = f(q.Key)
		return q
	case dsl.ContainQuery:
		q.Key = f(q.Key)
		return q
	case dsl.InQuery:
		q.Key = f(q.Key)
		return q
	case dsl.RangeQuery:
		q.Key = f(q.Key)
		return q
	case dsl.LikeQuery:
		q.Key = f(q.Key)
		return q
	case dsl.ILikeQuery:
		q.Key = f(q.Key)
		return q
	case dsl.RegexpQuery:
		q.Key = f(q.Key)
		return q
	case dsl.ExistsQuery:
		q.Key = f(q.Key)
		return q
	case dsl.NotQuery:
		return dsl.NotQuery{Query: renameKeys(q.Query, f)}
	case dsl.AndQuery:
		return dsl.AndQuery{Queries: all(q.Queries)}
	case dsl.ObjectQuery:
		return dsl.ObjectQuery{Queries: all(q.Queries)}
	case dsl.OrQuery:
		return dsl.OrQuery{Queries: all(q.Queries)}
	}
	return q
}
