package parser

import (
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/bfquery/bfquery/dsl"
)

// Compile parses a query text and compiles it to a DSL statement. Every
// error, syntax or semantic, is a *dsl.Error pointing at the offending
// character.
func Compile(src string) (dsl.Statement, error) {
	st, err := Parse(src)
	if err != nil {
		return dsl.Statement{}, err
	}
	c := compiler{src: src}
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

type compiler struct{ src string }

func (c compiler) errorf(pos lexer.Position, format string, args ...any) error {
	return errorAt(c.src, pos.Offset, fmt.Sprintf(format, args...))
}

// unsupported is the error for what the five-clause DSL cannot say.
func (c compiler) unsupported(pos lexer.Position, what string) error {
	return c.errorf(pos, "%s cannot be expressed in BIMFACE's query DSL, which has only match, contain, in, boolAnd and boolOr", what)
}

func (c compiler) statement(st *SelectStatement) (dsl.Statement, error) {
	sel, err := dsl.ParseSelect(st.Select.Text)
	if err != nil {
		return dsl.Statement{}, c.errorf(st.Select.Pos, "unknown selection %q: must be elementId, roomId or areaId", st.Select.Text)
	}
	ids := make([]string, 0, len(st.From.IDs))
	for _, id := range st.From.IDs {
		s, err := c.targetID(id)
		if err != nil {
			return dsl.Statement{}, err
		}
		ids = append(ids, s)
	}
	tt := dsl.TargetFile
	if strings.EqualFold(st.From.Kind, "integration") {
		tt = dsl.TargetIntegration
	}
	q, err := c.or(st.Where)
	if err != nil {
		return dsl.Statement{}, err
	}
	return dsl.Statement{Select: sel, Request: dsl.NewRequest(tt, ids...).Where(q)}, nil
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
	return dsl.OrQuery{Queries: qs}, nil
}

func (c compiler) and(e *AndExpr) (dsl.Query, error) {
	qs, err := compileAll(c, e.Terms, compiler.unary)
	if err != nil || len(qs) == 1 {
		return first(qs), err
	}
	return dsl.AndQuery{Queries: qs}, nil
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
	if len(e.Nots) > 0 {
		return nil, c.unsupported(e.Pos, "NOT")
	}
	if e.Group != nil {
		return c.or(e.Group)
	}
	return c.predicate(e.Predicate)
}

func (c compiler) predicate(p *Predicate) (dsl.Query, error) {
	key, err := c.field(p)
	if err != nil {
		return nil, err
	}
	cond := p.Cond
	not := ""
	if cond.Negated {
		not = "NOT "
	}
	switch {
	case cond.Op == "=" || cond.Op == "==":
		v, err := c.value(cond.Value)
		return dsl.MatchQuery{Key: key, Value: v}, err
	case cond.Op != "":
		return nil, c.unsupported(cond.Pos, fmt.Sprintf("%q", cond.Op))
	case cond.Is != nil && cond.Is.Not:
		return nil, c.unsupported(cond.Pos, "IS NOT NULL")
	case cond.Is != nil:
		return nil, c.unsupported(cond.Pos, "IS NULL")
	case cond.Negated:
		return nil, c.unsupported(cond.Pos, not+c.operatorWord(cond))
	case cond.Between != nil:
		return nil, c.unsupported(cond.Pos, "BETWEEN")
	case cond.In != nil:
		vals := make([]dsl.Value, len(cond.In))
		for i, v := range cond.In {
			if vals[i], err = c.value(v); err != nil {
				return nil, err
			}
		}
		return dsl.InQuery{Key: key, Values: vals}, nil
	case cond.Contains != nil:
		v, err := c.value(cond.Contains)
		return dsl.ContainQuery{Key: key, Value: v}, err
	default:
		return c.like(key, cond.Like)
	}
}

func (c compiler) operatorWord(cond *Condition) string {
	switch {
	case cond.In != nil:
		return "IN"
	case cond.Like != nil:
		return "LIKE"
	case cond.Contains != nil:
		return "CONTAINS"
	}
	return "BETWEEN"
}

// like compiles LIKE '%text%', which is contain; other patterns need more
// than the DSL has.
func (c compiler) like(key dsl.Key, pat *Value) (dsl.Query, error) {
	if r := pat.Raw[0]; r != '\'' && r != '"' {
		return nil, c.errorf(pat.Pos, "LIKE needs a string pattern")
	}
	s, err := c.unquote(pat.Pos, pat.Raw)
	if err != nil {
		return nil, err
	}
	text, ok := containPattern(s)
	if !ok {
		return nil, c.unsupported(pat.Pos, "LIKE pattern "+dsl.QuoteString(s)+" (only '%text%', which is contain,)")
	}
	return dsl.ContainQuery{Key: key, Value: dsl.String(text)}, nil
}

// containPattern reports whether a LIKE pattern is '%text%' (or only %s)
// and returns text with its escapes (\% \_ \\) resolved.
func containPattern(p string) (string, bool) {
	type unit struct {
		ch      rune
		escaped bool
	}
	var us []unit
	for i := 0; i < len(p); {
		r, n := utf8.DecodeRuneInString(p[i:])
		if r == '\\' && i+n < len(p) {
			r2, n2 := utf8.DecodeRuneInString(p[i+n:])
			us = append(us, unit{r2, true})
			i += n + n2
			continue
		}
		us = append(us, unit{r, false})
		i += n
	}
	wild := func(u unit) bool { return !u.escaped && u.ch == '%' }
	lo, hi := 0, len(us)
	for lo < hi && wild(us[lo]) {
		lo++
	}
	if lo == hi {
		return "", true
	}
	for hi > lo && wild(us[hi-1]) {
		hi--
	}
	if lo == 0 || hi == len(us) {
		return "", false
	}
	var b strings.Builder
	for _, u := range us[lo:hi] {
		if !u.escaped && (u.ch == '%' || u.ch == '_') {
			return "", false
		}
		b.WriteRune(u.ch)
	}
	return b.String(), true
}

func (c compiler) field(f *Predicate) (dsl.Key, error) {
	if f.Ident != nil {
		return dsl.Key(*f.Ident), nil
	}
	raw := *f.Backtick
	name := strings.ReplaceAll(raw[1:len(raw)-1], "``", "`")
	if name == "" {
		return "", c.errorf(f.Pos, "empty property name")
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
			if utf16.IsSurrogate(r) && strings.HasPrefix(body[i+1:], `\u`) {
				if r2, n2 := hexRune(body[i+3:]); n2 == 4 && utf16.DecodeRune(r, r2) != utf8.RuneError {
					r = utf16.DecodeRune(r, r2)
					i += 2 + n2
				}
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
