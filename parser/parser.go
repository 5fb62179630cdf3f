package parser

import (
	"github.com/bfquery/bfquery/dsl"
)

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
	st, f := parseTokens(tokens)
	if f != nil {
		return nil, syntaxError(src, tokens, f)
	}
	return st, nil
}
