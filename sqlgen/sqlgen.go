package sqlgen

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/export"
)

// Dialect is the SQL engine a query is written for.
type Dialect string

// The dialects Compile writes.
const (
	DuckDB Dialect = "duckdb"
	Spark  Dialect = "spark"
	Trino  Dialect = "trino"
)

// Dialects lists the dialects, for flags and messages.
var Dialects = []Dialect{DuckDB, Spark, Trino}

// ParseDialect reads a dialect's name.
func ParseDialect(s string) (Dialect, error) {
	for _, d := range Dialects {
		if string(d) == s {
			return d, nil
		}
	}
	return "", fmt.Errorf("unknown dialect %q: must be duckdb, spark or trino", s)
}

// Options says how Compile writes a query.
type Options struct {
	Dialect Dialect // DuckDB when empty
	// Elements and Properties name the two tables ("elements" and
	// "properties" when empty), possibly qualified: hive.bim.properties.
	Elements, Properties string
}

// tableName is compiled on first use: every bfquery process initialises
// this package, and few of them write SQL.
var tableName = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$`)
})

// Compile writes st as one SQL query over the elements and properties
// tables of an export. Its rows are (target_id, id), for each target of the
// request in its order, and in a target in cache order: the IDs the local
// engine answers. See the package documentation for the translation.
func Compile(st dsl.Statement, opt Options) (string, error) {
	if opt.Dialect == "" {
		opt.Dialect = DuckDB
	}
	if _, err := ParseDialect(string(opt.Dialect)); err != nil {
		return "", err
	}
	for _, t := range []*string{&opt.Elements, &opt.Properties} {
		if *t == "" {
			if t == &opt.Elements {
				*t = export.ElementsTable
			} else {
				*t = export.PropertiesTable
			}
		}
		if !tableName().MatchString(*t) {
			return "", fmt.Errorf("table name %q: must be identifiers separated by dots", *t)
		}
	}
	if st.Explain {
		return "", fmt.Errorf("EXPLAIN has no SQL form: sql prints the query itself")
	}
	if !st.Plain() {
		if err := st.Check(); err != nil {
			return "", err
		}
		c := &compiler{opt: opt, kind: export.KindName(st.Select)}
		return c.statement(st)
	}
	if err := st.Request.Check(); err != nil {
		return "", err
	}
	ids := st.Request.TargetIDs()
	c := &compiler{opt: opt, kind: export.KindName(st.Select)}
	if len(ids) == 1 {
		c.target = c.str(ids[0])
		where, err := c.query(st.Request.Query(), "    ")
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("SELECT target_id, id\nFROM %s\nWHERE target_id = %s AND target_type = %s AND kind = %s\n  AND %s\nORDER BY seq;\n",
			opt.Elements, c.target, c.str(string(st.Request.TargetType())), c.str(c.kind), where), nil
	}
	// Several targets are one scan of each table, not one per target:
	// clauses are correlated semi-joins on the record's target and ID.
	lits := make([]string, len(ids))
	var order strings.Builder
	for i, id := range ids {
		lits[i] = c.str(id)
		fmt.Fprintf(&order, " WHEN %s THEN %d", lits[i], i+1)
	}
	c.targets = "(" + strings.Join(lits, ", ") + ")"
	where, err := c.query(st.Request.Query(), "    ")
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("SELECT target_id, id\nFROM %s AS e\nWHERE target_id IN %s AND target_type = %s AND kind = %s\n  AND %s\nORDER BY CASE target_id%s END, seq;\n",
		opt.Elements, c.targets, c.str(string(st.Request.TargetType())), c.str(c.kind), where, order.String()), nil
}

// ErrUntranslatable is the cause of the errors of queries that a dialect
// cannot say with the engine's exact semantics: such a query is refused
// rather than answered differently.
var ErrUntranslatable = errors.New("sqlgen: no exact translation")

type compiler struct {
	opt     Options
	kind    string
	target  string // the target ID as a literal, for a statement on one target
	targets string // or the list of their literals, for several
}

// query writes the condition on a record (a row of elements) that q
// matches; indent is that of the lines after the first.
func (c *compiler) query(q dsl.Query, indent string) (string, error) {
	join := func(qs []dsl.Query, op string) (string, error) { return joinQueries(qs, op, indent, c.query) }
	switch q := q.(type) {
	case dsl.AndQuery:
		return join(q.Queries, "AND")
	case dsl.ObjectQuery:
		return join(q.Queries, "AND")
	case dsl.OrQuery:
		return join(q.Queries, "OR")
	case dsl.NotQuery:
		s, err := c.query(q.Query, indent+"  ")
		return "NOT " + s, err
	}
	key, _ := dsl.KeyOf(q)
	cond, err := c.leaf(q, candidateCell)
	if err != nil {
		return "", err
	}
	return c.candidate(key, cond), nil
}

// cell is one value in SQL: the expressions of its kind (string, number,
// boolean, NULL for none), its text and its number (for numbers and
// numeric strings). A computed number (SUM, AVG) has no text: the
// engine's is Go's formatting, which SQL does not write.
type cell struct {
	kind, text, num string
	computed        bool
}

// candidateCell is a properties row: one candidate.
var candidateCell = cell{kind: "value_kind", text: "value_text", num: "value_num"}

// leaf writes the condition that clause q (not AND, OR or NOT) holds for
// the value v: a candidate in WHERE, a column of a group in HAVING.
func (c *compiler) leaf(q dsl.Query, v cell) (string, error) {
	switch q := q.(type) {
	case dsl.MatchQuery:
		return c.equal(q.Value, v)
	case dsl.InQuery:
		conds := make([]string, len(q.Values))
		for i, val := range q.Values {
			s, err := c.equal(val, v)
			if err != nil {
				return "", err
			}
			conds[i] = s
		}
		cond := conds[0]
		if len(conds) > 1 {
			cond = "(" + strings.Join(conds, " OR ") + ")"
		}
		return cond, nil
	case dsl.ExistsQuery:
		return v.kind + " IS NOT NULL", nil
	case dsl.ContainQuery:
		if q.Value.Text() == "" {
			return v.kind + " IS NOT NULL", nil
		}
	case dsl.RangeQuery:
		var conds []string
		for _, b := range []struct {
			bound   dsl.Bound
			op, inc string
		}{{q.Lower, ">", ">="}, {q.Upper, "<", "<="}} {
			if b.bound.IsZero() {
				continue
			}
			f, _ := b.bound.Value.Float()
			op := b.op
			if b.bound.Inclusive {
				op = b.inc
			}
			conds = append(conds, v.num+" "+op+" "+c.float(f))
		}
		return strings.Join(conds, " AND "), nil
	}
	// The rest test the text.
	if v.computed {
		return "", fmt.Errorf("%w: %s tests the text of a computed number, which SQL does not write as the engine does", ErrUntranslatable, clauseName(q))
	}
	switch q := q.(type) {
	case dsl.ContainQuery:
		lit, err := c.checked(q.Value.Text())
		if err != nil {
			return "", err
		}
		if c.opt.Dialect == Spark {
			return "instr(" + v.text + ", " + lit + ") > 0", nil
		}
		return "strpos(" + v.text + ", " + lit + ") > 0", nil
	case dsl.LikeQuery:
		lit, err := c.checked(likePattern(q.Pattern))
		if err != nil {
			return "", err
		}
		return v.text + " LIKE " + lit + " ESCAPE " + c.str(`\`), nil
	case dsl.ILikeQuery:
		// Unicode's simple case folding (the Kelvin sign is k, ß is not
		// ss) is what no SQL engine's ILIKE or lower() promises.
		return "", fmt.Errorf("%w: ILIKE folds case as Unicode's simple case folding does, which no SQL dialect promises; use LIKE", ErrUntranslatable)
	case dsl.RegexpQuery:
		// DuckDB's regular expressions are RE2's, as Go's are; Spark's and
		// Trino's are Java's, another syntax.
		if c.opt.Dialect != DuckDB {
			return "", fmt.Errorf("%w: REGEXP is RE2's syntax, which %s does not read", ErrUntranslatable, c.opt.Dialect)
		}
		lit, err := c.checked(q.Pattern)
		if err != nil {
			return "", err
		}
		return "regexp_matches(" + v.text + ", " + lit + ")", nil
	}
	return "", fmt.Errorf("sqlgen: no translation of %T", q)
}

// clauseName names a clause that tests text, for messages.
func clauseName(q dsl.Query) string {
	switch q.(type) {
	case dsl.ContainQuery:
		return "CONTAINS"
	case dsl.LikeQuery:
		return "LIKE"
	case dsl.ILikeQuery:
		return "ILIKE"
	}
	return "REGEXP"
}

// candidate writes "the record has a candidate of key for which cond
// holds": a semi-join on the properties of the target's records (the
// targets' records, correlated on target and ID, for several).
func (c *compiler) candidate(key dsl.Key, cond string) string {
	if c.targets != "" {
		return fmt.Sprintf("EXISTS (SELECT 1 FROM %s AS p WHERE p.target_id IN %s AND p.target_id = e.target_id AND p.kind = e.kind AND p.id = e.id AND p.key = %s AND %s)",
			c.opt.Properties, c.targets, c.str(string(key)), cond)
	}
	return fmt.Sprintf("id IN (SELECT id FROM %s WHERE target_id = %s AND kind = %s AND key = %s AND %s)",
		c.opt.Properties, c.target, c.str(c.kind), c.str(string(key)), cond)
}

// equal writes match's equality of the value c with v.
func (c *compiler) equal(v dsl.Value, x cell) (string, error) {
	switch v.Kind() {
	case dsl.KindNumber:
		f, _ := v.Float()
		return x.num + " = " + c.float(f), nil
	case dsl.KindBool:
		return "(" + x.kind + " IN ('boolean', 'string') AND " + x.text + " = " + c.str(v.Text()) + ")", nil
	}
	lit, err := c.checked(v.Text())
	if err != nil {
		return "", err
	}
	kinds := x.kind + " = 'string'"
	if v.Text() == "true" || v.Text() == "false" {
		kinds = x.kind + " IN ('string', 'boolean')"
	}
	s := "(" + kinds + " AND " + x.text + " = " + lit + ")"
	if dsl.IsNumber(v.Text()) {
		f, _ := dsl.Number(v.Text()).Float()
		s = "(" + s + " OR (" + x.kind + " = 'number' AND " + x.num + " = " + c.float(f) + "))"
	}
	return s, nil
}

// float writes a float64 so that every dialect reads the same double:
// scientific notation is a DOUBLE literal in all of them (a plain 0.1
// would be a DECIMAL in some).
func (c *compiler) float(f float64) string {
	switch {
	case math.IsInf(f, 1) && c.opt.Dialect == Trino:
		return "infinity()"
	case math.IsInf(f, -1) && c.opt.Dialect == Trino:
		return "-infinity()"
	case math.IsInf(f, 1):
		return "CAST('Infinity' AS DOUBLE)"
	case math.IsInf(f, -1):
		return "CAST('-Infinity' AS DOUBLE)"
	}
	return strconv.FormatFloat(f+0, 'E', -1, 64)
}

// checked is str for text that comes from the query, which SQL text may
// not be able to hold.
func (c *compiler) checked(s string) (string, error) {
	if strings.IndexByte(s, 0) >= 0 {
		return "", fmt.Errorf("%q: a NUL character cannot be written in SQL text", s)
	}
	if !utf8.ValidString(s) {
		return "", fmt.Errorf("%q: SQL engines need valid UTF-8 text", s)
	}
	return c.str(s), nil
}

// str writes a string literal. Standard SQL doubles quotes and keeps
// backslashes; Spark reads backslash escapes in literals, and takes two
// adjacent literals as one, so its quotes and backslashes are escaped.
func (c *compiler) str(s string) string {
	if c.opt.Dialect != Spark {
		return "'" + strings.ReplaceAll(s, "'", "''") + "'"
	}
	var b strings.Builder
	b.WriteByte('\'')
	for _, r := range s {
		switch {
		case r == '\'' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// likePattern writes the language's LIKE pattern as SQL's, with
// backslash as the escape: the same wildcards, every literal %, _ or
// backslash escaped, and a trailing lone backslash (a literal one in the
// language) escaped too.
func likePattern(p string) string {
	var b strings.Builder
	escaped := false
	lit := func(r rune) {
		if r == '%' || r == '_' || r == '\\' {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	for _, r := range p {
		switch {
		case escaped:
			lit(r)
			escaped = false
		case r == '\\':
			escaped = true
		default:
			b.WriteRune(r)
		}
	}
	if escaped {
		lit('\\')
	}
	return b.String()
}

// joinQueries compiles qs with each, one level deeper than indent, and
// joins them with op (AND, OR) in parentheses, one per line.
func joinQueries(qs []dsl.Query, op, indent string, each func(q dsl.Query, indent string) (string, error)) (string, error) {
	parts := make([]string, len(qs))
	for i, sub := range qs {
		s, err := each(sub, indent+"  ")
		if err != nil {
			return "", err
		}
		parts[i] = s
	}
	if len(parts) == 1 {
		return parts[0], nil
	}
	return "(" + strings.Join(parts, "\n"+indent+op+" ") + ")", nil
}
