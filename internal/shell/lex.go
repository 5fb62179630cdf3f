package shell

import (
	"strings"
	"unicode/utf8"

	"github.com/bfquery/bfquery/parser"
)

// tokenKind is the kind of a token of possibly unfinished query text.
type tokenKind uint8

const (
	tokWord     tokenKind = iota + 1 // identifier or keyword, dotted parts included
	tokBacktick                      // `quoted key`
	tokString                        // 'text' or "text"
	tokNumber
	tokOp // = != <> < <= > >= ( ) , ; * ~
	tokOther
)

// token is one token of the text being typed. Start and End are rune
// offsets; Closed is false for a string or quoted key that the text ends
// inside of.
type token struct {
	Kind       tokenKind
	Start, End int
	Text       string
	Closed     bool
}

// lex splits text into tokens without ever failing, by the parser's
// lexer (parser.Tokens), so that what the shell splits and completes is
// what the parser reads: completion and statement splitting look at text
// that is still being typed, so an unterminated string is a token that
// runs to the end, and a character the language does not know is a token
// of its own. Comments are dropped. Offsets are in runes.
func lex(src []rune) []token {
	text := string(src)
	ptoks := parser.Tokens(text)
	toks := make([]token, 0, len(ptoks))
	// Byte offsets to rune offsets, walking the text once.
	b, r := 0, 0
	runeAt := func(off int) int {
		for b < off {
			_, n := utf8.DecodeRuneInString(text[b:])
			b += n
			r++
		}
		return r
	}
	for _, t := range ptoks {
		start := runeAt(t.Start)
		end := runeAt(t.End)
		toks = append(toks, token{tokenKinds[t.Kind], start, end, t.Text, t.Closed})
	}
	return toks
}

var tokenKinds = map[parser.TokenKind]tokenKind{
	parser.TokenKeyword:  tokWord,
	parser.TokenIdent:    tokWord,
	parser.TokenBacktick: tokBacktick,
	parser.TokenString:   tokString,
	parser.TokenNumber:   tokNumber,
	parser.TokenOperator: tokOp,
	parser.TokenOther:    tokOther,
}

// is reports whether t is the keyword or operator s, in any case.
func (t token) is(s string) bool {
	return (t.Kind == tokWord || t.Kind == tokOp) && strings.EqualFold(t.Text, s)
}

// key returns the property key a word or quoted key token names.
func (t token) key() string {
	if t.Kind == tokBacktick {
		s := strings.TrimPrefix(t.Text, "`")
		if t.Closed {
			s = strings.TrimSuffix(s, "`")
		}
		return strings.ReplaceAll(s, "``", "`")
	}
	return t.Text
}
