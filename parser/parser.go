package parser

import (
	"unicode/utf8"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

var grammar = participle.MustBuild[SelectStatement](
	participle.Lexer(queryLexer{}),
	participle.CaseInsensitive("Keyword"),
	// No lookahead: the grammar is LL(1), and committing to a branch as
	// soon as it consumes a token makes errors point at the real problem.
	participle.UseLookahead(0),
)

// Parse reads a query text into its syntax tree. A syntax error is a
// *dsl.Error with the line and column (in characters) of the offending
// token, rendered with the source line and a caret.
func Parse(src string) (*SelectStatement, error) {
	if !utf8.ValidString(src) {
		i := 0
		for i < len(src) {
			r, n := utf8.DecodeRuneInString(src[i:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			i += n
		}
		return nil, errorAt(src, i, "text is not valid UTF-8")
	}
	tokens, serr := scan(src)
	if serr != nil {
		return nil, errorAt(src, serr.off, serr.msg)
	}
	if err := checkNesting(src, tokens); err != nil {
		return nil, err
	}
	peek, err := lexer.Upgrade(&tokenList{tokens: tokens})
	if err != nil {
		return nil, errorAt(src, 0, err.Error())
	}
	st, err := grammar.ParseFromLexer(peek)
	if err != nil {
		return nil, syntaxError(src, tokens, err)
	}
	return st, nil
}
