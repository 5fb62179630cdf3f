package runner

import (
	"errors"
	"strings"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/parser"
)

// CompileOn compiles src with compile; a statement without a target (a
// SELECT without FROM, or FROM rooms without OF and a target) runs on the
// target that target returns, asked only then. An error of target is
// placed where FROM, or OF, was expected, with prefix; errors of the
// statement point into src as written.
func CompileOn(src string, compile func(string) (dsl.Statement, error), target func() (Target, error), prefix string) (dsl.Statement, error) {
	at, ok := missingFrom(src)
	ins := " FROM "
	if !ok {
		if at, ok = missingTarget(src); !ok {
			return compile(src)
		}
		ins = " OF "
	}
	t, err := target()
	if err != nil {
		// The caret goes under the word after the SELECT list (WHERE…),
		// where FROM was expected, or after FROM rooms, where OF was.
		at += len(src[at:]) - len(strings.TrimLeft(src[at:], " \t\r\n"))
		return dsl.Statement{}, &dsl.Error{Pos: dsl.PositionAt(src, at), Msg: prefix + err.Error(), Source: dsl.SourceLine(src, at)}
	}
	id := t.ID
	if !isDigits(id) {
		id = dsl.QuoteString(id)
	}
	ins += string(t.Type) + " " + id
	st, err := compile(src[:at] + ins + src[at:])
	var de *dsl.Error
	if errors.As(err, &de) && de.Pos.IsValid() {
		off := de.Pos.Offset
		switch {
		case off >= at+len(ins):
			off -= len(ins)
		case off > at:
			off = at
		}
		return st, &dsl.Error{Pos: dsl.PositionAt(src, off), Path: de.Path, Msg: de.Msg, Source: dsl.SourceLine(src, off)}
	}
	return st, err
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// is reports whether t is the keyword or operator s.
func is(t parser.Token, s string) bool {
	return (t.Kind == parser.TokenKeyword || t.Kind == parser.TokenIdent || t.Kind == parser.TokenOperator) && strings.EqualFold(t.Text, s)
}

// missingFrom reports whether src is a SELECT without FROM (SELECT x
// WHERE …, SELECT floor, COUNT(*) GROUP BY floor, SELECT roomId…), and
// the byte offset where FROM goes: after the SELECT list, before the first
// clause that may follow FROM.
func missingFrom(src string) (int, bool) {
	toks := parser.Tokens(src)
	i := 0
	if i < len(toks) && is(toks[i], "EXPLAIN") {
		i++
	}
	if i >= len(toks) || !is(toks[i], "SELECT") {
		return 0, false
	}
	depth := 0
	for j := i + 1; j < len(toks); j++ {
		t := toks[j]
		switch {
		case is(t, "("):
			depth++
		case is(t, ")"):
			depth--
		case depth != 0:
		case is(t, "FROM"):
			return 0, false
		case is(t, "WHERE"), is(t, "GROUP"), is(t, "HAVING"), is(t, "ORDER"), is(t, "LIMIT"), is(t, "OFFSET"):
			if j == i+1 || is(toks[j-1], "DISTINCT") {
				return 0, false // nothing selected: the parser says so
			}
			return toks[j-1].End, true
		}
	}
	if last := len(toks) - 1; last > i && depth == 0 && !is(toks[last], "DISTINCT") && !is(toks[last], ",") {
		return toks[last].End, true
	}
	return 0, false
}

// missingTarget reports whether src reads FROM rooms (or areas, elements)
// without OF and a target, and the byte offset where they go.
func missingTarget(src string) (int, bool) {
	toks := parser.Tokens(src)
	for i, t := range toks {
		if !is(t, "FROM") {
			continue
		}
		if i+1 < len(toks) && isRecordsWord(toks[i+1]) && (i+2 == len(toks) || !is(toks[i+2], "OF")) {
			return toks[i+1].End, true
		}
		return 0, false
	}
	return 0, false
}

// isRecordsWord reports whether t reads elements, rooms or areas, singular
// too, as FROM … OF does.
func isRecordsWord(t parser.Token) bool {
	if t.Kind != parser.TokenIdent && t.Kind != parser.TokenKeyword {
		return false
	}
	_, ok := parser.RecordsOf(t.Text)
	return ok
}
