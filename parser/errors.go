package parser

import (
	"fmt"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/bfquery/bfquery/dsl"
)

// errorAt builds the project's positioned error for byte offset off of src.
func errorAt(src string, off int, msg string) *dsl.Error {
	return &dsl.Error{Pos: dsl.PositionAt(src, off), Msg: msg, Source: dsl.SourceLine(src, off)}
}

// checkNesting rejects input nested deeper than dsl.MaxDepth before the
// recursive parser sees it.
func checkNesting(src string, tokens []lexer.Token) error {
	depth, nots := 0, 0
	for _, t := range tokens {
		switch {
		case t.Type == keywordType && strings.EqualFold(t.Value, "NOT"):
			nots++
		case t.Value == "(" && t.Type == operatorType:
			depth++
			nots = 0
		case t.Value == ")" && t.Type == operatorType:
			depth--
			nots = 0
		default:
			nots = 0
		}
		if depth+nots > dsl.MaxDepth {
			return errorAt(src, t.Pos.Offset, fmt.Sprintf("expression nests deeper than %d levels", dsl.MaxDepth))
		}
	}
	return nil
}

// syntaxError says what the parser expected where it failed, after which
// token, and what it found instead.
func syntaxError(src string, tokens []lexer.Token, f *syntaxFail) error {
	i := f.at
	off := tokens[i].Pos.Offset
	found := describeToken(tokens[i])
	prev := i - 1
	if prev < 0 {
		return errorAt(src, off, "expected SELECT, found "+found)
	}
	what := expected(f.want, tokens, i, prev)
	if f.want == wantOf && prev > 0 && strings.EqualFold(tokens[prev-1].Value, "FROM") {
		if _, ok := RecordsOf(tokens[prev].Value); !ok {
			// FROM files 1: the word is a misspelt target kind, not
			// the records of rooms OF.
			p := tokens[prev]
			return errorAt(src, p.Pos.Offset, fmt.Sprintf("expected %s after %q, found %s", expected(wantTarget, tokens, prev, prev-1), tokens[prev-1].Value, describeToken(p)))
		}
	}
	if tokens[i].EOF() {
		// Input that ends with a newline (or a comment) would put the
		// caret on an empty line: put it after the last token instead.
		p := tokens[prev]
		if end := p.Pos.Offset + len(p.Value); strings.HasPrefix(src[p.Pos.Offset:], p.Value) && strings.Contains(src[end:off], "\n") {
			off = end
		}
	}
	return errorAt(src, off, fmt.Sprintf("expected %s after %q, found %s", what, tokens[prev].Value, found))
}

// expected words what the parser wanted at token i, from the tokens
// before it: prev is the one just before.
func expected(w want, tokens []lexer.Token, i, prev int) string {
	switch w {
	case wantSelect:
		return "SELECT"
	case wantColumn:
		return "a column (elementId, roomId, areaId, a key, COUNT(*)…)"
	case wantName:
		return "a name"
	case wantOperand:
		return "a key or an aggregate"
	case wantKey:
		return "a key"
	case wantBy:
		return "BY"
	case wantFrom:
		return "FROM"
	case wantTarget:
		if strings.EqualFold(tokens[prev].Value, "OF") {
			return "file or integration"
		}
		return "file or integration (or rooms OF, areas OF)"
	case wantOf:
		return "OF"
	case wantTargetID:
		return "a target id (a number or a quoted string)"
	case wantCondition:
		return "a condition"
	case wantValue:
		if tokens[prev].Type == keywordType && (strings.EqualFold(tokens[prev].Value, "LIMIT") || strings.EqualFold(tokens[prev].Value, "OFFSET")) {
			return "a number"
		}
		return "a value"
	case wantOpenParen:
		return `"("`
	case wantNull:
		return "NULL"
	case wantAnd:
		return "AND"
	case wantCloseParen:
		if inList(tokens, i) {
			return `"," or ")"`
		}
		return `AND, OR or ")"`
	case wantOperator:
		if strings.EqualFold(tokens[prev].Value, "NOT") {
			return "IN, LIKE, CONTAINS or BETWEEN"
		}
		return "an operator (=, !=, <, <=, >, >=, IN, LIKE, CONTAINS, BETWEEN, IS)"
	}
	if tokens[prev].Value == ";" {
		return "end of input"
	}
	return clauseBefore(tokens, i)
}

// clauseBefore names, for an error after a complete clause, what the
// statement may go on with: the clauses that may follow the last one.
func clauseBefore(tokens []lexer.Token, i int) string {
	rest := []string{"WHERE", "GROUP BY", "HAVING", "ORDER BY", "LIMIT"}
	list := func(first string, from int) string {
		r := append([]string{first}, rest[from:]...)
		return strings.Join(r[:len(r)-1], ", ") + ", " + r[len(r)-1] + " or end of input"
	}
	for j := i - 1; j >= 0; j-- {
		t := tokens[j]
		if t.Type != keywordType {
			continue
		}
		switch strings.ToUpper(t.Value) {
		case "FROM":
			return list(`","`, 0)
		case "WHERE":
			return list("AND, OR", 1)
		case "GROUP":
			return list(`","`, 2)
		case "HAVING":
			return list("AND, OR", 3)
		case "ORDER":
			return list(`",", ASC, DESC`, 4)
		case "LIMIT":
			return "OFFSET or end of input"
		case "OFFSET", "SELECT":
			return "end of input"
		}
	}
	return "end of input"
}

// inList reports whether token i sits inside the parentheses of IN (…).
func inList(tokens []lexer.Token, i int) bool {
	depth := 0
	for j := i - 1; j >= 0; j-- {
		t := tokens[j]
		if t.Type != operatorType {
			continue
		}
		switch t.Value {
		case ")":
			depth++
		case "(":
			if depth == 0 {
				p := j - 1
				return p >= 0 && strings.EqualFold(tokens[p].Value, "IN")
			}
			depth--
		}
	}
	return false
}

func describeToken(t lexer.Token) string {
	if t.EOF() {
		return "end of input"
	}
	return fmt.Sprintf("%q", t.Value)
}
