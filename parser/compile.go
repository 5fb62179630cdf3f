package parser

import (
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/bfquery/bfquery/dsl"
)

// Compile parses a query text in the whole language and compiles it to a
// statement. Its query may use what BIMFACE's DSL has no clause for (NOT,
// !=, <, BETWEEN, LIKE patterns, IS NULL): the local engine evaluates
// those, and a plan answers them on BIMFACE. Every error, syntax or
// semantic, is a *dsl.Error pointing at the offending character.
func Compile(src string) (dsl.Statement, error) {
	return compile(src, false)
}

// CompileDSL is Compile for text that must become one DSL request: it
// rejects, with a positioned error, anything but match, contain, in,
// boolAnd and boolOr (and EXPLAIN).
func CompileDSL(src string) (dsl.Statement, error) {
	return compile(src, true)
}

func compile(src string, strict bool) (dsl.Statement, error) {
	st, err := Parse(src)
	if err != nil {
		return dsl.Statement{}, err
	}
	c := compiler{src: src, strict: strict}
	return c.statement(st)
}

// MustCompile is Compile that panics on error, for tests and examples.
func MustCompile(src string) dsl.Statement {
	st, err := Compile(src)
	if err != nil {
		panic(err)
	}
	return st
}

type compiler struct {
	src string
	// strict rejects what one DSL request cannot carry.
	strict bool
	// having, while HAVING compiles, is the statement whose columns its
	// names resolve to.
	having *dsl.Statement
}

func (c compiler) errorf(pos lexer.Position, format string, args ...any) error {
	return errorAt(c.src, pos.Offset, fmt.Sprintf(format, args...))
}

// extended returns q, or in strict mode the error for what the five-clause
// DSL cannot say.
func (c compiler) extended(pos lexer.Position, what string, q dsl.Query) (dsl.Query, error) {
	if c.strict {
		return nil, c.errorf(pos, "%s has no clause in BIMFACE's query DSL (match, contain, in, boolAnd, boolOr); %s", what, PlanHint)
	}
	return q, nil
}

func (c compiler) targetID(id *TargetID) (string, error) {
	if id.Number != nil {
		for _, r := range *id.Number {
			if r < '0' || r > '9' {
				return "", c.errorf(id.Pos, "target id must be an integer or a quoted string, not %s", *id.Number)
			}
		}
		return *id.Number, nil
	}
	s, err := c.unquote(id.Pos, *id.String)
	if err == nil && s == "" {
		err = c.errorf(id.Pos, "target id must not be empty")
	}
	return s, err
}

func (c compiler) or(e *OrExpr) (dsl.Query, error) {
	qs, err := compileAll(c, e.Terms, compiler.and)
	if err != nil || len(qs) == 1 {
		return first(qs), err
	}
	return c.deep(e.Pos, dsl.OrQuery{Queries: qs})
}

func (c compiler) and(e *AndExpr) (dsl.Query, error) {
	qs, err := compileAll(c, e.Terms, compiler.unary)
	if err != nil || len(qs) == 1 {
		return first(qs), err
	}
	return c.deep(e.Pos, dsl.AndQuery{Queries: qs})
}

// deep returns q, or an error at pos if its JSON would nest deeper than
// dsl.Unmarshal reads back: the limit is crossed at the expression that
// starts there.
func (c compiler) deep(pos lexer.Position, q dsl.Query) (dsl.Query, error) {
	if dsl.Depth(q) > dsl.MaxDepth {
		return nil, c.errorf(pos, "expression nests deeper than %d levels", dsl.MaxDepth)
	}
	return q, nil
}

func compileAll[T any](c compiler, terms []T, f func(compiler, T) (dsl.Query, error)) ([]dsl.Query, error) {
	qs := make([]dsl.Query, 0, len(terms))
	for _, t := range terms {
		q, err := f(c, t)
		if err != nil {
			return nil, err
		}
		qs = append(qs, q)
	}
	return qs, nil
}

func first(qs []dsl.Query) dsl.Query {
	if len(qs) == 0 {
		return nil
	}
	return qs[0]
}

func (c compiler) unary(e *Unary) (dsl.Query, error) {
	var q dsl.Query
	var err error
	if e.Group != nil {
		q, err = c.or(e.Group)
	} else {
		q, err = c.predicate(e.Predicate)
	}
	if err != nil || len(e.Nots) == 0 {
		return q, err
	}
	for range e.Nots {
		q = dsl.NotQuery{Query: q}
	}
	if q, err = c.deep(e.Pos, q); err != nil {
		return nil, err
	}
	return c.extended(e.Pos, "NOT", q)
}

func (c compiler) predicate(p *Predicate) (dsl.Query, error) {
	var key dsl.Key
	var err error
	if c.having != nil {
		key, err = c.havingName(p)
	} else {
		key, err = c.field(p)
	}
	if err != nil {
		return nil, err
	}
	cond := p.Cond
	var q dsl.Query
	what := c.operatorWord(cond)
	switch {
	case cond.Op == "=" || cond.Op == "==":
		v, err := c.value(cond.Value)
		return dsl.MatchQuery{Key: key, Value: v}, err
	case cond.Op == "!=" || cond.Op == "<>":
		v, err := c.value(cond.Value)
		if err != nil {
			return nil, err
		}
		return c.extended(cond.Pos, fmt.Sprintf("%q", cond.Op), dsl.NotQuery{Query: dsl.MatchQuery{Key: key, Value: v}})
	case cond.Op == "~":
		if q, err = c.regexp(key, cond.Value); err != nil {
			return nil, err
		}
		return c.extended(cond.Pos, "~", q)
	case cond.Op != "":
		n, err := c.number(cond.Op, cond.Value)
		if err != nil {
			return nil, err
		}
		r := dsl.RangeQuery{Key: key}
		switch cond.Op {
		case "<", "<=":
			r.Upper = dsl.Bound{Value: n, Inclusive: cond.Op == "<="}
		default:
			r.Lower = dsl.Bound{Value: n, Inclusive: cond.Op == ">="}
		}
		return c.extended(cond.Pos, fmt.Sprintf("%q", cond.Op), r)
	case cond.Is != nil && cond.Is.Not:
		return c.extended(cond.Pos, "IS NOT NULL", dsl.ExistsQuery{Key: key})
	case cond.Is != nil:
		return c.extended(cond.Pos, "IS NULL", dsl.NotQuery{Query: dsl.ExistsQuery{Key: key}})
	case cond.Between != nil:
		lo, err := c.number("BETWEEN", cond.Between.Low)
		if err != nil {
			return nil, err
		}
		hi, err := c.number("BETWEEN", cond.Between.High)
		if err != nil {
			return nil, err
		}
		q = dsl.RangeQuery{Key: key, Lower: dsl.Bound{Value: lo, Inclusive: true}, Upper: dsl.Bound{Value: hi, Inclusive: true}}
	case cond.In != nil:
		vals := make([]dsl.Value, len(cond.In))
		for i, v := range cond.In {
			if vals[i], err = c.value(v); err != nil {
				return nil, err
			}
		}
		q = dsl.InQuery{Key: key, Values: vals}
	case cond.Contains != nil:
		v, err := c.value(cond.Contains)
		if err != nil {
			return nil, err
		}
		q = dsl.ContainQuery{Key: key, Value: v}
	case cond.ILike != nil:
		p, err := c.pattern("ILIKE", cond.ILike)
		if err != nil {
			return nil, err
		}
		q = dsl.ILikeQuery{Key: key, Pattern: p}
	case cond.Regexp != nil:
		if q, err = c.regexp(key, cond.Regexp); err != nil {
			return nil, err
		}
	default:
		if q, err = c.like(key, cond.Like); err != nil {
			return nil, err
		}
	}
	if cond.Negated {
		return c.extended(cond.Pos, "NOT "+what, dsl.NotQuery{Query: q})
	}
	if !dsl.Documented(q) {
		return c.extended(cond.Pos, what, q)
	}
	return q, nil
}

// number compiles the right side of a comparison, which must be a number.
func (c compiler) number(op string, v *Value) (dsl.Value, error) {
	val, err := c.value(v)
	if err != nil {
		return val, err
	}
	if val.Kind() != dsl.KindNumber {
		return val, c.errorf(v.Pos, "%s compares numbers, and %s is a %s", op, val, val.Kind())
	}
	return val, nil
}

// like compiles LIKE: '%text%' is contain; other patterns are LIKE
// queries, which the DSL has no clause for.
func (c compiler) like(key dsl.Key, pat *Value) (dsl.Query, error) {
	s, err := c.pattern("LIKE", pat)
	if err != nil {
		return nil, err
	}
	if text, ok := dsl.ContainText(s); ok {
		return dsl.ContainQuery{Key: key, Value: dsl.String(text)}, nil
	}
	if c.strict {
		return nil, c.errorf(pat.Pos, "LIKE pattern %s has no clause in BIMFACE's query DSL, whose contain is LIKE '%%text%%'; %s", dsl.QuoteString(s), PlanHint)
	}
	return dsl.LikeQuery{Key: key, Pattern: s}, nil
}

// pattern reads the string pattern of LIKE, ILIKE or REGEXP.
func (c compiler) pattern(op string, pat *Value) (string, error) {
	if r := pat.Raw[0]; r != '\'' && r != '"' {
		return "", c.errorf(pat.Pos, "%s needs a string pattern", op)
	}
	return c.unquote(pat.Pos, pat.Raw)
}

// regexp compiles REGEXP and ~, checking the expression where it is
// written.
func (c compiler) regexp(key dsl.Key, pat *Value) (dsl.Query, error) {
	s, err := c.pattern("REGEXP", pat)
	if err != nil {
		return nil, err
	}
	if msg := dsl.CheckRegexp(s); msg != "" {
		return nil, c.errorf(pat.Pos, "%s", msg)
	}
	return dsl.RegexpQuery{Key: key, Pattern: s}, nil
}

func (c compiler) field(f *Predicate) (dsl.Key, error) {
	if f.Call != nil {
		return "", c.errorf(f.Pos, "%s(…) is an aggregate: conditions on aggregates go in HAVING, after GROUP BY", *f.Ident)
	}
	if f.Ident != nil {
		return dsl.Key(*f.Ident), nil
	}
	return c.backtick(f.Pos, *f.Backtick)
}

// backtick reads a name in backticks.
func (c compiler) backtick(pos lexer.Position, raw string) (dsl.Key, error) {
	name := strings.ReplaceAll(raw[1:len(raw)-1], "``", "`")
	if name == "" {
		return "", c.errorf(pos, "empty property name")
	}
	return dsl.Key(name), nil
}

func (c compiler) value(v *Value) (dsl.Value, error) {
	switch raw := v.Raw; raw[0] {
	case '\'', '"':
		s, err := c.unquote(v.Pos, raw)
		return dsl.String(s), err
	case 't', 'T', 'f', 'F':
		return dsl.Bool(strings.EqualFold(raw, "true")), nil
	case 'n', 'N':
		return dsl.Value{}, c.errorf(v.Pos, "NULL is not a value: a missing property is tested with IS NULL")
	case '+':
		return dsl.Value{}, c.errorf(v.Pos, "invalid number %s: numbers have no leading \"+\"", raw)
	default:
		if !dsl.IsNumber(raw) {
			return dsl.Value{}, c.errorf(v.Pos, "invalid number %s: write numbers as JSON does (no leading zeros, digits on both sides of \".\")", raw)
		}
		return dsl.Number(raw), nil
	}
}

// unquote resolves a string literal's quotes and backslash escapes. \% and
// \_ stay as written, so that LIKE sees them as escaped wildcards.
func (c compiler) unquote(pos lexer.Position, lit string) (string, error) {
	quote := lit[0]
	body := lit[1 : len(lit)-1]
	if !strings.ContainsRune(body, '\\') {
		return body, nil
	}
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		ch := body[i]
		if ch != '\\' {
			b.WriteByte(ch)
			continue
		}
		at := pos
		at.Offset += 1 + i
		i++
		switch esc := body[i]; esc {
		case '\\', '\'', '"', '/':
			b.WriteByte(esc)
		case '%', '_':
			b.WriteByte('\\')
			b.WriteByte(esc)
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'u':
			r, n := hexRune(body[i+1:])
			if n < 4 {
				return "", c.errorf(at, `invalid escape in string: \u needs four hex digits`)
			}
			i += n
			if utf16.IsSurrogate(r) {
				// Only a pair of \u escapes makes a character here.
				r2, n2 := rune(0), 0
				if strings.HasPrefix(body[i+1:], `\u`) {
					r2, n2 = hexRune(body[i+3:])
				}
				if n2 < 4 || utf16.DecodeRune(r, r2) == utf8.RuneError {
					return "", c.errorf(at, `invalid escape in string: \u%04X is half of a surrogate pair`, r)
				}
				r = utf16.DecodeRune(r, r2)
				i += 2 + n2
			}
			b.WriteRune(r)
		default:
			r, _ := utf8.DecodeRuneInString(body[i:])
			return "", c.errorf(at, "unknown escape \\%c in string (quoted with %c)", r, quote)
		}
	}
	return b.String(), nil
}

func hexRune(s string) (rune, int) {
	var r rune
	for i := 0; i < 4; i++ {
		if i >= len(s) {
			return 0, i
		}
		var d byte
		switch ch := s[i]; {
		case ch >= '0' && ch <= '9':
			d = ch - '0'
		case ch >= 'a' && ch <= 'f':
			d = ch - 'a' + 10
		case ch >= 'A' && ch <= 'F':
			d = ch - 'A' + 10
		default:
			return 0, i
		}
		r = r<<4 | rune(d)
	}
	return r, 4
}

// operatorWord names a condition's operator as written.
func (c compiler) operatorWord(cond *Condition) string {
	switch {
	case cond.Op != "":
		return cond.Op
	case cond.Is != nil && cond.Is.Not:
		return "IS NOT NULL"
	case cond.Is != nil:
		return "IS NULL"
	case cond.In != nil:
		return "IN"
	case cond.Like != nil:
		return "LIKE"
	case cond.ILike != nil:
		return "ILIKE"
	case cond.Regexp != nil:
		return "REGEXP"
	case cond.Contains != nil:
		return "CONTAINS"
	}
	return "BETWEEN"
}
