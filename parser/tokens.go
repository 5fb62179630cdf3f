package parser

import (
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"
)

// TokenKind is the kind of a Token.
type TokenKind uint8

// The kinds of tokens.
const (
	TokenKeyword  TokenKind = iota + 1 // a reserved word (IsKeyword)
	TokenIdent                         // an identifier, dotted parts included
	TokenBacktick                      // a `quoted key`
	TokenString                        // 'text' or "text"
	TokenNumber                        // a number literal
	TokenOperator                      // = != <> < <= > >= ( ) , ; * ~
	TokenOther                         // a character the language does not know
)

// Token is one token of query text as Tokens finds it: its kind, its
// text as written, and its byte offsets in the text.
type Token struct {
	Kind       TokenKind
	Text       string
	Start, End int
	// Closed is false for a string or quoted key that the text ends
	// inside of.
	Closed bool
}

// Tokens splits query text that may still be being typed into tokens, by
// the lexer the parser reads with, without ever failing: a string or
// quoted key that the text ends inside of runs to the end (not Closed), a
// character the language does not know is a token of TokenOther, and a
// comment the text ends inside of ends the tokens. Comments and space
// are dropped. The shell splits statements and completes with it, so
// that what it sees is what the parser will read.
func Tokens(src string) []Token {
	s := scanner{src: src, pos: lexer.Position{Line: 1, Column: 1}}
	var out []Token
	for {
		if err := s.skipSpace(); err != nil {
			return out // an unterminated comment runs to the end
		}
		start := s.pos.Offset
		if start == len(src) {
			return out
		}
		typ, err := s.token()
		t := Token{Start: start, Closed: true}
		switch {
		case err != nil && (src[start] == '\'' || src[start] == '"'):
			t.Kind, t.Closed, s.pos.Offset = TokenString, false, len(src)
		case err != nil && src[start] == '`':
			t.Kind, t.Closed, s.pos.Offset = TokenBacktick, false, len(src)
		case err != nil:
			_, n := utf8.DecodeRuneInString(src[start:])
			t.Kind, s.pos.Offset = TokenOther, start+n
		default:
			t.Kind = tokenKinds[typ]
		}
		t.End = s.pos.Offset
		t.Text = src[start:t.End]
		if t.Kind == TokenIdent && IsKeyword(t.Text) {
			t.Kind = TokenKeyword
		}
		out = append(out, t)
	}
}

var tokenKinds = map[lexer.TokenType]TokenKind{
	identType:    TokenIdent,
	backtickType: TokenBacktick,
	stringType:   TokenString,
	numberType:   TokenNumber,
	operatorType: TokenOperator,
}
