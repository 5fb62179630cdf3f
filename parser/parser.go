package parser

import (
	"sync"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/bfquery/bfquery/dsl"
)

// grammar is built on the first parse, not at package initialisation:
// participle builds it by reflection over the whole syntax tree, a tenth
// of the CPU time of a one-shot process, which commands that parse no
// query (index, pull, serve, fmt) should not pay.
var grammar = sync.OnceValue(func() *participle.Parser[SelectStatement] {
	return participle.MustBuild[SelectStatement](
		participle.Lexer(queryLexer{}),
		participle.CaseInsensitive("Keyword"),
		// No lookahead: the grammar is LL(1), and committing to a branch as
		// soon as it consumes a token makes errors point at the real problem.
		participle.UseLookahead(0),
	)
})

// Parse reads a query text into its syntax tree. A syntax error is a
// *dsl.Error with the line and column (in characters) of the offending
// token, rendered with the source line and a caret.
func Parse(src string) (*SelectStatement, error) {
	if i := dsl.InvalidUTF8(src); i >= 0 {
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
	st, err := grammar().ParseFromLexer(peek)
	if err != nil {
		return nil, syntaxError(src, tokens, err)
	}
	return st, nil
}
