package dsl

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Select returns a statement on the request with a SELECT list: the IDs
// (ID), keys' values, aggregates (Count, Sum…), the target (TargetID).
// It selects elements; Of selects rooms or areas instead. With no columns
// it is the plain statement that selects the IDs.
func (r Request) Select(cols ...Selectable) Statement {
	st := Statement{Select: SelectElements, Request: r}
	for _, c := range cols {
		st.columns = append(st.columns, c.column())
	}
	return st
}

// Of returns the statement selecting what sel selects: elements, rooms or
// areas.
func (st Statement) Of(sel Select) Statement {
	st.Select = sel
	return st
}

// Where returns the statement with q added to its request's query (an
// AND with what was there).
func (st Statement) Where(q Query) Statement {
	st.Request = st.Request.Where(q)
	return st
}

// Distinct returns the statement with repeated rows dropped: SELECT
// DISTINCT.
func (st Statement) Distinct() Statement {
	st.distinct = true
	return st
}

// GroupBy returns the statement grouped by the values of keys (or the
// target, TargetID): one row per combination that occurs, records without
// a key forming their own group.
func (st Statement) GroupBy(keys ...Selectable) Statement {
	g := slices.Clone(st.groupBy)
	for _, k := range keys {
		g = append(g, k.column())
	}
	st.groupBy = g
	return st
}

// Having returns the statement keeping only the groups q matches. q's
// keys name columns of the result: their alias, or their Label
// (COUNT(*), SUM(体积), a grouped key).
func (st Statement) Having(q Query) Statement {
	switch cur := st.having.(type) {
	case nil:
		st.having = q
	case AndQuery:
		st.having = AndQuery{Queries: append(slices.Clone(cur.Queries), q)}
	default:
		st.having = AndQuery{Queries: []Query{cur, q}}
	}
	return st
}

// OrderBy returns the statement ordered by os, after any order it had.
func (st Statement) OrderBy(os ...Order) Statement {
	st.orderBy = append(slices.Clone(st.orderBy), os...)
	return st
}

// Limit returns the statement answering at most n rows; 0 is no limit.
func (st Statement) Limit(n int) Statement {
	st.limit = n
	return st
}

// Offset returns the statement skipping its first n rows.
func (st Statement) Offset(n int) Statement {
	st.offset = n
	return st
}

// WithColumns returns the statement with its SELECT list replaced.
func (st Statement) WithColumns(cols ...Column) Statement {
	st.columns = slices.Clone(cols)
	return st
}

// Plain reports whether the statement only selects IDs, with no SELECT
// list, grouping, order or limit: what BIMFACE's query endpoints answer,
// and what every statement was before SELECT lists.
func (st Statement) Plain() bool {
	return len(st.columns) == 0 && !st.distinct && len(st.groupBy) == 0 && st.having == nil &&
		len(st.orderBy) == 0 && st.limit == 0 && st.offset == 0
}

// Columns returns a copy of the SELECT list (nil for a plain statement).
func (st Statement) Columns() []Column { return slices.Clone(st.columns) }

// IsDistinct reports SELECT DISTINCT.
func (st Statement) IsDistinct() bool { return st.distinct }

// Groups returns a copy of the GROUP BY columns.
func (st Statement) Groups() []Column { return slices.Clone(st.groupBy) }

// HavingQuery returns the HAVING condition, nil for none.
func (st Statement) HavingQuery() Query { return st.having }

// Orders returns a copy of the ORDER BY items.
func (st Statement) Orders() []Order { return slices.Clone(st.orderBy) }

// LimitOffset returns LIMIT (0 for none) and OFFSET.
func (st Statement) LimitOffset() (limit, offset int) { return st.limit, st.offset }

// Aggregating reports whether the statement's rows are groups: it has
// GROUP BY, HAVING or an aggregate in its SELECT list.
func (st Statement) Aggregating() bool {
	return len(st.groupBy) > 0 || st.having != nil || slices.ContainsFunc(st.columns, func(c Column) bool { return c.Func != NoFunc })
}

// Resolve finds the SELECT list's column that c stands for: the same
// column (alias included), or, when c has no alias, the same column
// under any alias, or the column whose alias is c's key. It returns -1
// when there is none.
func (st Statement) Resolve(c Column) int {
	if i := slices.Index(st.columns, c); i >= 0 {
		return i
	}
	if c.Alias != "" {
		return -1
	}
	for i, s := range st.columns {
		if s.Unaliased() == c {
			return i
		}
	}
	if c.Func == NoFunc && !c.ID && !c.Target {
		for i, s := range st.columns {
			if s.Alias != "" && s.Alias == string(c.Key) {
				return i
			}
		}
	}
	return -1
}

// ResolveName finds the column of the result a HAVING key names: the
// SELECT list's column of that Label, or a GROUP BY column of that key
// (-1 - its position in GROUP BY, so that the answer is negative), or
// ok false.
func (st Statement) ResolveName(name string) (i int, ok bool) {
	for i, c := range st.columns {
		if c.Label(st.Select) == name {
			return i, true
		}
	}
	for i, g := range st.groupBy {
		if g.Label(st.Select) == name {
			return -1 - i, true
		}
	}
	return 0, false
}

// Check reports the first problem that stops st from being answered, as
// an *Error whose Path names the part (select[1], groupBy[0], having,
// orderBy[2], limit), or one of Request.Check's. A statement with a
// SELECT list may have no query: it reads every record of its targets.
func (st Statement) Check() error {
	if st.Request.Query() == nil && !st.Plain() {
		if err := checkTargets(st.Request); err != nil {
			return err
		}
	} else if err := st.Request.Check(); err != nil {
		return err
	}
	if st.Plain() {
		return nil
	}
	if int(st.Select) >= len(selectNames) {
		return pathError("select", fmt.Sprintf("unknown selection %v", st.Select))
	}
	if len(st.columns) == 0 {
		return pathError("select", "the statement needs a SELECT list for its GROUP BY, HAVING, ORDER BY, LIMIT or DISTINCT")
	}
	at := func(part string, i int) string { return part + "[" + strconv.Itoa(i) + "]" }
	agg := st.Aggregating()
	names := map[string]bool{}
	for i, c := range st.columns {
		if msg := c.check(); msg != "" {
			return pathError(at("select", i), msg)
		}
		if agg && c.Func == NoFunc {
			switch {
			case c.ID:
				return pathError(at("select", i), fmt.Sprintf("%s cannot go beside aggregates: a row is a group of records; COUNT(*) counts them", st.Select))
			case !slices.Contains(st.groupBy, c.Unaliased()):
				return pathError(at("select", i), fmt.Sprintf("%s is neither in GROUP BY nor in an aggregate, so a group has no one value of it", c.Unaliased().Label(st.Select)))
			}
		}
		name := c.Label(st.Select)
		if names[name] {
			return pathError(at("select", i), fmt.Sprintf("a second column named %s: name one with AS", name))
		}
		names[name] = true
	}
	for i, g := range st.groupBy {
		switch {
		case g.Func != NoFunc:
			return pathError(at("groupBy", i), fmt.Sprintf("GROUP BY takes keys and targetId, not %s", g.Label(st.Select)))
		case g.ID:
			return pathError(at("groupBy", i), fmt.Sprintf("GROUP BY %s makes a group of each record: select %s without GROUP BY", st.Select, st.Select))
		case g.Alias != "":
			return pathError(at("groupBy", i), "GROUP BY takes no alias")
		}
		if msg := g.check(); msg != "" {
			return pathError(at("groupBy", i), msg)
		}
		if slices.Contains(st.groupBy[:i], g) {
			return pathError(at("groupBy", i), fmt.Sprintf("%s is grouped twice", g.Label(st.Select)))
		}
	}
	if st.having != nil {
		if err := CheckQuery(st.having); err != nil {
			if e, ok := err.(*Error); ok {
				e.Path = "having" + strings.TrimPrefix(e.Path, "query")
			}
			return err
		}
		var bad string
		Walk(st.having, func(q Query) {
			if k, ok := KeyOf(q); ok && bad == "" {
				if _, ok := st.ResolveName(string(k)); !ok {
					bad = string(k)
				}
			}
		})
		if bad != "" {
			return pathError("having", fmt.Sprintf("HAVING tests %s, which is neither a column of the SELECT list nor grouped", bad))
		}
	}
	for i, o := range st.orderBy {
		c := o.Column
		if msg := c.check(); msg != "" {
			return pathError(at("orderBy", i), msg)
		}
		if st.Resolve(c) >= 0 {
			continue
		}
		switch {
		case c.Alias != "":
			return pathError(at("orderBy", i), fmt.Sprintf("no column of the SELECT list is named %s", c.Alias))
		case st.distinct:
			return pathError(at("orderBy", i), fmt.Sprintf("with SELECT DISTINCT, ORDER BY takes columns of the SELECT list, and %s is not one", c.Label(st.Select)))
		case agg && c.Func == NoFunc && !slices.Contains(st.groupBy, c):
			return pathError(at("orderBy", i), fmt.Sprintf("ORDER BY %s: a group has no one value of it; order by a grouped key or an aggregate", c.Label(st.Select)))
		case !agg && c.Func != NoFunc:
			return pathError(at("orderBy", i), fmt.Sprintf("ORDER BY %s needs GROUP BY or aggregates in the SELECT list", c.Label(st.Select)))
		}
	}
	switch {
	case st.limit < 0:
		return pathError("limit", "must not be negative")
	case st.offset < 0:
		return pathError("offset", "must not be negative")
	}
	return nil
}
