package parser

import (
	"errors"
	"fmt"
	"strings"

	"github.com/alecthomas/participle/v2"
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

// syntaxError turns participle's error into a message that says what was
// expected after which token, and what was found instead.
func syntaxError(src string, tokens []lexer.Token, err error) error {
	var pe participle.Error
	if !errors.As(err, &pe) {
		return errorAt(src, 0, err.Error())
	}
	off := pe.Position().Offset
	var expect string
	var ute *participle.UnexpectedTokenError
	if errors.As(err, &ute) {
		expect = ute.Expect
		if expect == "" {
			// Message carries the lazily rendered expectation.
			if _, rest, ok := strings.Cut(ute.Message(), "(expected "); ok {
				expect = strings.TrimSuffix(rest, ")")
			}
		}
	} else {
		return errorAt(src, off, pe.Message())
	}
	i := tokenAt(tokens, off)
	found := describeToken(tokens[i])
	prev := previous(tokens, i)
	if prev < 0 {
		return errorAt(src, off, "expected SELECT, found "+found)
	}
	what := expected(expect, tokens, i, prev)
	if what == "OF" && prev > 0 && strings.EqualFold(tokens[prev-1].Value, "FROM") {
		if _, ok := RecordsOf(tokens[prev].Value); !ok {
			// FROM files 1: the word is a misspelt target kind, not
			// the records of rooms OF.
			p := tokens[prev]
			return errorAt(src, p.Pos.Offset, fmt.Sprintf("expected %s after %q, found %s", expected("Target", tokens, prev, prev-1), tokens[prev-1].Value, describeToken(p)))
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

// expected names what the grammar wanted, from participle's EBNF of the
// node that failed and the tokens before the failure.
func expected(ebnf string, tokens []lexer.Token, i, prev int) string {
	head := ebnf
	if j := strings.IndexAny(head, " "); j > 0 {
		head = head[:j]
	}
	switch head {
	case `"SELECT"`:
		return "SELECT"
	case "SelectItem":
		return "a column (elementId, roomId, areaId, a key, COUNT(*)…)"
	case "Name":
		return "a name"
	case "Operand", "OrderItem":
		return "a key or an aggregate"
	case "(<ident>":
		return "a key"
	case `"BY"`:
		return "BY"
	case `"FROM"`:
		return "FROM"
	case "Target", "Records":
		return "file or integration (or rooms OF, areas OF)"
	case `("FILE"`:
		if prev >= 0 && strings.EqualFold(tokens[prev].Value, "OF") {
			return "file or integration"
		}
		return "file or integration (or rooms OF, areas OF)"
	case `"OF"`:
		return "OF"
	case "TargetID":
		return "a target id (a number or a quoted string)"
	case `"WHERE"`:
		return `"," or WHERE`
	case "OrExpr", "AndExpr", "Unary", "Predicate":
		return "a condition"
	case "Value", "Range":
		if prev >= 0 && tokens[prev].Type == keywordType && (strings.EqualFold(tokens[prev].Value, "LIMIT") || strings.EqualFold(tokens[prev].Value, "OFFSET")) {
			return "a number"
		}
		return "a value"
	case `"("`:
		return `"("`
	case `"NULL"`:
		return "NULL"
	case `"AND"`:
		return "AND"
	case `")"`:
		if inList(tokens, i) {
			return `"," or ")"`
		}
		return `AND, OR or ")"`
	}
	if strings.Contains(ebnf, "Predicate") {
		return "a condition"
	}
	if strings.Contains(ebnf, `"IN"`) {
		if prev >= 0 && strings.EqualFold(tokens[prev].Value, "NOT") {
			return "IN, LIKE, CONTAINS or BETWEEN"
		}
		return "an operator (=, !=, <, <=, >, >=, IN, LIKE, CONTAINS, BETWEEN, IS)"
	}
	if prev >= 0 && tokens[prev].Value == ";" {
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
				p := previous(tokens, j)
				return p >= 0 && strings.EqualFold(tokens[p].Value, "IN")
			}
			depth--
		}
	}
	return false
}

func tokenAt(tokens []lexer.Token, off int) int {
	for i, t := range tokens {
		if t.Pos.Offset >= off {
			return i
		}
	}
	return len(tokens) - 1
}

func previous(tokens []lexer.Token, i int) int {
	return i - 1
}

func describeToken(t lexer.Token) string {
	if t.EOF() {
		return "end of input"
	}
	return fmt.Sprintf("%q", t.Value)
}
