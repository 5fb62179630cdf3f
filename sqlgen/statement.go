package sqlgen

import (
	"fmt"
	"slices"
	"strings"

	"github.com/bfquery/bfquery/dsl"
)

// jsonNumber is JSON's number grammar, which makes a text numeric for the
// engine (dsl.IsNumber), as a regular expression that RE2 and Java read
// alike.
const jsonNumber = `^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`

// statement writes a statement with a SELECT list as a chain of common
// table expressions, each one step of the engine's evaluation (see the
// package documentation):
//
//	r   the records the query matches, with o, their order
//	f   the first candidate of each key the statement names, per record
//	j   the records with their keys' values (vN_k, vN_x, vN_n)
//	w   with, per MIN and MAX, the rank of each record's value in its group
//	g   the groups and their aggregates, as SQL computes them
//	s   a cell per column (cN_k, cN_x, cN_n), from j or from g
//	d   SELECT DISTINCT's rows, each with the order of its first one
//
// then selects the columns, filtered by HAVING, ordered by ORDER BY and
// then by o, and limited.
func (c *compiler) statement(st dsl.Statement) (string, error) {
	ids := st.Request.TargetIDs()
	lits := make([]string, len(ids))
	for i, id := range ids {
		lits[i] = c.str(id)
	}
	targetFilter := "target_id = " + lits[0]
	order := "seq"
	if len(ids) == 1 {
		c.target = lits[0]
	} else {
		c.targets = "(" + strings.Join(lits, ", ") + ")"
		targetFilter = "target_id IN " + c.targets
		var b strings.Builder
		b.WriteString("CASE target_id")
		for i, l := range lits {
			fmt.Fprintf(&b, " WHEN %s THEN %d", l, i+1)
		}
		// Records number below 2³² in a target: o is the target's
		// place, then the record's.
		order = b.String() + " END * 4294967296 + seq"
	}

	// exprs are the SELECT list, then the columns that ORDER BY and GROUP
	// BY need besides, as the engine has them.
	exprs := st.Columns()
	visible := len(exprs)
	add := func(col dsl.Column) int {
		if i := slices.Index(exprs, col); i >= 0 {
			return i
		}
		exprs = append(exprs, col)
		return len(exprs) - 1
	}
	var orderAt []int
	for _, o := range st.Orders() {
		i := st.Resolve(o.Column)
		if i < 0 {
			i = add(o.Column)
		}
		orderAt = append(orderAt, i)
	}
	groups := st.Groups()
	groupAt := make([]int, len(groups))
	for i, g := range groups {
		groupAt[i] = add(g)
	}
	for _, e := range exprs {
		if e.Func == dsl.NoFunc && !e.ID && !e.Target {
			if _, err := c.checked(string(e.Key)); err != nil {
				return "", err
			}
		}
	}

	var ctes []string
	cte := func(name, body string) { ctes = append(ctes, name+" AS (\n"+body+"\n)") }

	// r: the records.
	where := ""
	if q := st.Request.Query(); q != nil {
		w, err := c.query(q, "    ")
		if err != nil {
			return "", err
		}
		where = "\n    AND " + w
	}
	cte("r", fmt.Sprintf("  SELECT target_id, id, %s AS o\n  FROM %s AS e\n  WHERE %s AND target_type = %s AND kind = %s%s",
		order, c.opt.Elements, targetFilter, c.str(string(st.Request.TargetType())), c.str(c.kind), where))

	// f: the first candidate of each key, its row of least pos.
	var keys []dsl.Key
	keyAt := map[dsl.Key]int{}
	for _, e := range exprs {
		if e.Key != "" {
			if _, ok := keyAt[e.Key]; !ok {
				keys = append(keys, e.Key)
				keyAt[e.Key] = len(keys)
			}
		}
	}
	if len(keys) > 0 {
		// One scan for every key: DuckDB 2.0.0 answered wrongly with a
		// table expression of this shape per key, joined to r.
		lits := make([]string, len(keys))
		for i, k := range keys {
			lits[i] = c.str(string(k))
		}
		cte("f", fmt.Sprintf("  SELECT target_id, id, key, value_kind, value_text, value_num\n"+
			"  FROM (SELECT target_id, id, key, value_kind, value_text, value_num, row_number() OVER (PARTITION BY target_id, id, key ORDER BY pos) AS rn\n"+
			"        FROM %s\n        WHERE %s AND kind = %s AND key IN (%s) AND value_kind IS NOT NULL) AS p\n  WHERE rn = 1",
			c.opt.Properties, targetFilter, c.str(c.kind), strings.Join(lits, ", ")))
	}

	// j: each record with its values.
	var jb strings.Builder
	jb.WriteString("  SELECT r.o, r.target_id, r.id")
	for i := range keys {
		fmt.Fprintf(&jb, ", f%[1]d.value_kind AS v%[1]d_k, f%[1]d.value_text AS v%[1]d_x, f%[1]d.value_num AS v%[1]d_n", i+1)
	}
	jb.WriteString("\n  FROM r")
	for i := range keys {
		fmt.Fprintf(&jb, "\n  LEFT JOIN f AS f%[1]d ON f%[1]d.target_id = r.target_id AND f%[1]d.id = r.id AND f%[1]d.key = %[2]s", i+1, c.str(string(keys[i])))
	}
	cte("j", jb.String())

	keyCell := func(k dsl.Key) cell {
		n := keyAt[k]
		return cell{kind: fmt.Sprintf("v%d_k", n), text: fmt.Sprintf("v%d_x", n), num: fmt.Sprintf("v%d_n", n)}
	}
	targetCell := cell{kind: "'string'", text: "target_id", num: c.targetNumbers(ids)}
	// cells are the values of exprs where s reads them.
	cells := make([]cell, len(exprs))
	from := "j"
	if !st.Aggregating() {
		for i, e := range exprs {
			switch {
			case e.ID:
				cells[i] = cell{kind: "'string'", text: "id", num: c.idNumber()}
			case e.Target:
				cells[i] = targetCell
			default:
				cells[i] = keyCell(e.Key)
			}
		}
	} else {
		var err error
		cells, err = c.aggregate(st, exprs, groupAt, keyCell, targetCell, cte)
		if err != nil {
			return "", err
		}
		from = "g"
	}

	// s: a cell per column.
	var sb strings.Builder
	sb.WriteString("  SELECT o")
	for i, x := range cells {
		fmt.Fprintf(&sb, ",\n    %[2]s AS c%[1]d_k, %[3]s AS c%[1]d_x, %[4]s AS c%[1]d_n", i, x.kind, x.text, x.num)
	}
	sb.WriteString("\n  FROM " + from)
	cte("s", sb.String())
	sCell := func(i int) cell {
		return cell{kind: fmt.Sprintf("c%d_k", i), text: fmt.Sprintf("c%d_x", i), num: fmt.Sprintf("c%d_n", i), computed: cells[i].computed}
	}

	having := ""
	if h := st.HavingQuery(); h != nil {
		cond, err := c.having(st, h, exprs, sCell, "  ")
		if err != nil {
			return "", err
		}
		having = "\nWHERE " + cond
	}
	from = "s"
	if st.IsDistinct() {
		var cols []string
		for i := range visible {
			cols = append(cols, fmt.Sprintf("c%[1]d_k, c%[1]d_x, c%[1]d_n", i))
		}
		list := strings.Join(cols, ", ")
		cte("d", fmt.Sprintf("  SELECT min(o) AS o, %s\n  FROM s%s\n  GROUP BY %s", list, strings.ReplaceAll(having, "\n", "\n  "), list))
		from, having = "d", ""
	}

	var out strings.Builder
	out.WriteString("WITH " + strings.Join(ctes, ",\n") + "\nSELECT ")
	for i, e := range exprs[:visible] {
		if i > 0 {
			out.WriteString(", ")
		}
		label, err := c.ident(e.Label(st.Select))
		if err != nil {
			return "", err
		}
		v := fmt.Sprintf("c%d_x", i)
		if e.Func == dsl.FuncCount || e.Func == dsl.FuncSum || e.Func == dsl.FuncAvg {
			v = fmt.Sprintf("c%d_n", i)
		}
		out.WriteString(v + " AS " + label)
	}
	out.WriteString("\nFROM " + from + having + "\nORDER BY ")
	orders := st.Orders()
	for o, i := range orderAt {
		x := sCell(i)
		dir, num, text := " ASC", 0, 1
		if orders[o].Desc {
			dir, num, text = " DESC", 1, 0
		}
		// Numeric values before text ascending, after it descending,
		// NULL last in either direction; the number of a text is NULL
		// and the text of a number too, so that each class is ordered by
		// its own.
		fmt.Fprintf(&out, "CASE WHEN %[1]s IS NULL THEN 2 WHEN %[2]s IS NOT NULL THEN %[5]d ELSE %[6]d END, %[2]s%[4]s, CASE WHEN %[2]s IS NULL THEN %[3]s END%[4]s, ",
			x.kind, x.num, x.text, dir, num, text)
	}
	out.WriteString("o")
	limit, offset := st.LimitOffset()
	switch {
	case c.opt.Dialect == Trino && offset > 0:
		fmt.Fprintf(&out, "\nOFFSET %d", offset)
		if limit > 0 {
			fmt.Fprintf(&out, " LIMIT %d", limit)
		}
	case limit > 0:
		fmt.Fprintf(&out, "\nLIMIT %d", limit)
		if offset > 0 {
			fmt.Fprintf(&out, " OFFSET %d", offset)
		}
	case offset > 0:
		fmt.Fprintf(&out, "\nOFFSET %d", offset)
	}
	out.WriteString(";\n")
	return out.String(), nil
}

// aggregate writes w and g, the groups of j with their aggregates, and
// returns the cells of exprs in g.
func (c *compiler) aggregate(st dsl.Statement, exprs []dsl.Column, groupAt []int, keyCell func(dsl.Key) cell, targetCell cell, cte func(name, body string)) ([]cell, error) {
	// The columns that make a group.
	var groupCols []string
	for _, i := range groupAt {
		if exprs[i].Target {
			groupCols = append(groupCols, "target_id")
		} else {
			x := keyCell(exprs[i].Key)
			groupCols = append(groupCols, x.kind, x.text, x.num)
		}
	}
	// w: per MIN or MAX, the rank of each record's value among the
	// group's: numeric values first, by number, then text by code point,
	// the first record of equal ones first.
	var wb strings.Builder
	for i, e := range exprs {
		if e.Func != dsl.FuncMin && e.Func != dsl.FuncMax {
			continue
		}
		x := keyCell(e.Key)
		dir := ""
		if e.Func == dsl.FuncMax {
			dir = " DESC"
		}
		part := append(slices.Clone(groupCols), x.kind+" IS NULL")
		fmt.Fprintf(&wb, ",\n    row_number() OVER (PARTITION BY %s ORDER BY CASE WHEN %s IS NULL THEN 1 ELSE 0 END, %[2]s%[4]s, CASE WHEN %[2]s IS NULL THEN %[3]s END%[4]s, o) AS w%[5]d",
			strings.Join(part, ", "), x.num, x.text, dir, i)
	}
	from := "j"
	if wb.Len() > 0 {
		cte("w", "  SELECT *"+wb.String()+"\n  FROM j")
		from = "w"
	}

	// g: the groups, and the cells of exprs in them.
	cells := make([]cell, len(exprs))
	var gb strings.Builder
	gb.WriteString("  SELECT min(o) AS o")
	for _, col := range groupCols {
		if col != "target_id" {
			gb.WriteString(", " + col)
		}
	}
	if slices.Contains(groupCols, "target_id") {
		gb.WriteString(", target_id")
	}
	zero := c.float(0)
	for i, e := range exprs {
		switch {
		case e.Target:
			cells[i] = targetCell
			continue
		case e.Func == dsl.NoFunc:
			cells[i] = keyCell(e.Key)
			continue
		}
		a := fmt.Sprintf("a%d", i)
		var x cell
		if e.Key != "" {
			x = keyCell(e.Key)
		}
		switch e.Func {
		case dsl.FuncCount:
			switch {
			case e.Key == "":
				fmt.Fprintf(&gb, ",\n    count(*) AS %s", a)
			case e.Distinct:
				// Values are the same when their kind and text are: 30
				// and 30.0 are two.
				fmt.Fprintf(&gb, ",\n    count(DISTINCT %s || ':' || %s) AS %s", x.kind, x.text, a)
			default:
				fmt.Fprintf(&gb, ",\n    count(%s) AS %s", x.kind, a)
			}
			cells[i] = cell{kind: "'number'", text: "CAST(" + a + " AS VARCHAR)", num: a}
			if c.opt.Dialect == Spark {
				cells[i].text = "CAST(" + a + " AS STRING)"
			}
		case dsl.FuncSum, dsl.FuncAvg:
			fmt.Fprintf(&gb, ",\n    %s AS %s", c.orderedSum(x.num, zero), a)
			v := a
			if e.Func == dsl.FuncAvg {
				fmt.Fprintf(&gb, ", count(%s) AS %s_n", x.num, a)
				v = a + " / " + a + "_n"
			}
			// ±Inf and NaN (a sum beyond float64) are NULL, as the
			// engine writes no such number: x - x = 0 holds for the
			// others alone.
			num := fmt.Sprintf("CASE WHEN %[1]s - %[1]s = 0 THEN %[1]s END", v)
			cells[i] = cell{kind: fmt.Sprintf("CASE WHEN %[1]s - %[1]s = 0 THEN 'number' END", v), text: "NULL", num: num, computed: true}
		default:
			for _, f := range []struct{ col, suffix string }{{x.kind, "k"}, {x.text, "x"}, {x.num, "n"}} {
				fmt.Fprintf(&gb, ",\n    max(CASE WHEN w%d = 1 AND %s IS NOT NULL THEN %s END) AS %s_%s", i, x.kind, f.col, a, f.suffix)
			}
			cells[i] = cell{kind: a + "_k", text: a + "_x", num: a + "_n"}
		}
	}
	gb.WriteString("\n  FROM " + from)
	if len(groupCols) > 0 {
		gb.WriteString("\n  GROUP BY " + strings.Join(groupCols, ", "))
	}
	cte("g", gb.String())
	return cells, nil
}

// orderedSum writes the sum of the non-NULL values of num, added one
// after the other in the records' order from zero, as the engine adds
// them: float addition depends on its order, and SQL's sum does not say
// its order. NULL when there are none.
func (c *compiler) orderedSum(num, zero string) string {
	switch c.opt.Dialect {
	case Trino:
		return fmt.Sprintf("reduce(array_agg(%[1]s ORDER BY o) FILTER (WHERE %[1]s IS NOT NULL), %[2]s, (s, x) -> s + x, s -> s)", num, zero)
	case Spark:
		return fmt.Sprintf("CASE WHEN count(%[1]s) > 0 THEN aggregate(array_sort(collect_list(named_struct('o', o, 'n', %[1]s)) FILTER (WHERE %[1]s IS NOT NULL)), %[2]s, (s, x) -> s + x.n) END", num, zero)
	}
	return fmt.Sprintf("list_reduce(list(%[1]s ORDER BY o) FILTER (WHERE %[1]s IS NOT NULL), lambda s, x: s + x, %[2]s)", num, zero)
}

// idNumber writes the number of a record's ID where it is numeric, as
// the engine orders IDs: by number when they follow JSON's number
// grammar.
func (c *compiler) idNumber() string {
	switch c.opt.Dialect {
	case Spark:
		return "CASE WHEN id RLIKE " + c.str(jsonNumber) + " THEN CAST(id AS DOUBLE) END"
	case Trino:
		return "CASE WHEN regexp_like(id, " + c.str(jsonNumber) + ") THEN CAST(id AS DOUBLE) END"
	}
	return "CASE WHEN regexp_full_match(id, " + c.str(jsonNumber) + ") THEN CAST(id AS DOUBLE) END"
}

// targetNumbers writes the number of target_id where it is numeric,
// from the targets' IDs.
func (c *compiler) targetNumbers(ids []string) string {
	var b strings.Builder
	for _, id := range ids {
		if dsl.IsNumber(id) {
			f, _ := dsl.Number(id).Float()
			fmt.Fprintf(&b, " WHEN %s THEN %s", c.str(id), c.float(f))
		}
	}
	if b.Len() == 0 {
		return "CAST(NULL AS DOUBLE)"
	}
	return "CASE target_id" + b.String() + " END"
}

// having writes HAVING's condition on a row of s: each key names a
// column, whose cell is the one value its clauses test. A clause on a
// NULL is false, and every clause is made two-valued, so that NOT and
// OR are the engine's.
func (c *compiler) having(st dsl.Statement, q dsl.Query, exprs []dsl.Column, cellOf func(int) cell, indent string) (string, error) {
	join := func(qs []dsl.Query, op string) (string, error) {
		return joinQueries(qs, op, indent, func(q dsl.Query, indent string) (string, error) {
			return c.having(st, q, exprs, cellOf, indent)
		})
	}
	switch q := q.(type) {
	case dsl.AndQuery:
		return join(q.Queries, "AND")
	case dsl.ObjectQuery:
		return join(q.Queries, "AND")
	case dsl.OrQuery:
		return join(q.Queries, "OR")
	case dsl.NotQuery:
		s, err := c.having(st, q.Query, exprs, cellOf, indent+"  ")
		return "NOT " + s, err
	}
	key, _ := dsl.KeyOf(q)
	i, ok := st.ResolveName(string(key))
	if !ok {
		return "", fmt.Errorf("HAVING tests %s, which is neither a column of the SELECT list nor grouped", key)
	}
	if i < 0 {
		i = slices.Index(exprs, st.Groups()[-1-i])
	}
	cond, err := c.leaf(q, cellOf(i))
	if err != nil {
		return "", err
	}
	return "COALESCE(" + cond + ", FALSE)", nil
}

// ident writes a column's name as a quoted identifier.
func (c *compiler) ident(name string) (string, error) {
	if _, err := c.checked(name); err != nil {
		return "", err
	}
	if c.opt.Dialect == Spark {
		return "`" + strings.ReplaceAll(name, "`", "``") + "`", nil
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`, nil
}
