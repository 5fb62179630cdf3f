package parser

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"
)

// keywords are reserved words, matched in any case. A property key spelled
// like one is written in backticks: `from`.
var keywords = map[string]bool{
	"EXPLAIN": true, "SELECT": true, "FROM": true, "WHERE": true, "FILE": true, "INTEGRATION": true,
	"AND": true, "OR": true, "NOT": true, "IN": true, "LIKE": true, "CONTAINS": true,
	"BETWEEN": true, "IS": true, "NULL": true, "TRUE": true, "FALSE": true,
	"ILIKE": true, "REGEXP": true, "DISTINCT": true, "AS": true, "GROUP": true, "BY": true,
	"HAVING": true, "ORDER": true, "ASC": true, "DESC": true, "LIMIT": true, "OFFSET": true,
	"OF": true,
}

// IsKeyword reports whether word is reserved in the query language.
// Keywords are ASCII words in any case: a word with other letters (ſelect,
// ın) is an identifier, however Unicode folds its case.
func IsKeyword(word string) bool {
	if len(word) > 11 {
		return false
	}
	var up [11]byte
	for i := 0; i < len(word); i++ {
		c := word[i]
		switch {
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		case c >= 0x80:
			return false
		}
		up[i] = c
	}
	return keywords[string(up[:len(word)])]
}

// The token types of the query language.
const (
	keywordType lexer.TokenType = iota + 1
	identType
	backtickType
	stringType
	numberType
	operatorType
)

// scanError is a lexical error at a byte offset.
type scanError struct {
	off int
	msg string
}

func (e *scanError) Error() string { return e.msg }

// scan splits src into tokens, dropping white space and comments, and
// ends the list with an EOF token.
func scan(src string) ([]lexer.Token, *scanError) {
	s := scanner{src: src, pos: lexer.Position{Line: 1, Column: 1}}
	tokens := make([]lexer.Token, 0, len(src)/4+1)
	for {
		if err := s.skipSpace(); err != nil {
			return nil, err
		}
		start := s.pos
		if s.pos.Offset == len(src) {
			return append(tokens, lexer.Token{Type: lexer.EOF, Pos: start}), nil
		}
		typ, err := s.token()
		if err != nil {
			return nil, err
		}
		value := src[start.Offset:s.pos.Offset]
		if typ == identType && IsKeyword(value) {
			typ = keywordType
		}
		tokens = append(tokens, lexer.Token{Type: typ, Value: value, Pos: start})
	}
}

type scanner struct {
	src string
	pos lexer.Position
}

func (s *scanner) peek(ahead int) rune {
	off := s.pos.Offset
	for ; ahead > 0 && off < len(s.src); ahead-- {
		_, n := utf8.DecodeRuneInString(s.src[off:])
		off += n
	}
	if off >= len(s.src) {
		return -1
	}
	if c := s.src[off]; c < utf8.RuneSelf {
		return rune(c)
	}
	r, _ := utf8.DecodeRuneInString(s.src[off:])
	return r
}

func (s *scanner) next() rune {
	if s.pos.Offset >= len(s.src) {
		return -1
	}
	r, n := rune(s.src[s.pos.Offset]), 1
	if r >= utf8.RuneSelf {
		r, n = utf8.DecodeRuneInString(s.src[s.pos.Offset:])
	}
	s.pos.Offset += n
	if r == '\n' {
		s.pos.Line++
		s.pos.Column = 1
	} else {
		s.pos.Column++
	}
	return r
}

func (s *scanner) skipSpace() *scanError {
	for {
		switch r := s.peek(0); {
		case r == ' ' || r == '\t' || r == '\n' || r == '\r' || r > 0x7f && unicode.IsSpace(r):
			s.next()
		case r == '-' && s.peek(1) == '-':
			for r := s.peek(0); r != '\n' && r != -1; r = s.peek(0) {
				s.next()
			}
		case r == '/' && s.peek(1) == '*':
			start := s.pos.Offset
			end := strings.Index(s.src[start+2:], "*/")
			if end < 0 {
				return &scanError{start, "unterminated comment: no closing */"}
			}
			for s.pos.Offset < start+2+end+2 {
				s.next()
			}
		default:
			return nil
		}
	}
}

func (s *scanner) token() (lexer.TokenType, *scanError) {
	start := s.pos.Offset
	switch r := s.peek(0); {
	case r == '\'' || r == '"':
		s.next()
		for {
			switch s.next() {
			case r:
				return stringType, nil
			case '\\':
				s.next()
			case -1:
				return 0, &scanError{start, "unterminated string: no closing " + string(r)}
			}
		}
	case r == '`':
		s.next()
		for {
			switch s.next() {
			case '`':
				if s.peek(0) != '`' {
					return backtickType, nil
				}
				s.next()
			case -1:
				return 0, &scanError{start, "unterminated quoted name: no closing `"}
			}
		}
	case isDigit(r) || r == '.' && isDigit(s.peek(1)) || (r == '-' || r == '+') && (isDigit(s.peek(1)) || s.peek(1) == '.' && isDigit(s.peek(2))):
		s.number()
		return numberType, nil
	case isIdentStart(r):
		s.ident()
		return identType, nil
	case r == '<' && (s.peek(1) == '>' || s.peek(1) == '='), (r == '!' || r == '>' || r == '=') && s.peek(1) == '=':
		s.next()
		s.next()
		return operatorType, nil
	case strings.ContainsRune("=<>(),;*~", r):
		s.next()
		return operatorType, nil
	default:
		return 0, &scanError{start, fmt.Sprintf("unexpected character %q", r)}
	}
}

// number scans [-+]?(digits[.digits*]|.digits)([eE][-+]?digits)?; the
// compiler then holds the literal to JSON's stricter grammar.
func (s *scanner) number() {
	if r := s.peek(0); r == '-' || r == '+' {
		s.next()
	}
	for isDigit(s.peek(0)) {
		s.next()
	}
	if s.peek(0) == '.' {
		s.next()
		for isDigit(s.peek(0)) {
			s.next()
		}
	}
	if r := s.peek(0); r == 'e' || r == 'E' {
		sign := s.peek(1) == '-' || s.peek(1) == '+'
		if d := s.peek(1); isDigit(d) || sign && isDigit(s.peek(2)) {
			s.next()
			if sign {
				s.next()
			}
			for isDigit(s.peek(0)) {
				s.next()
			}
		}
	}
}

// ident scans a Unicode identifier, with dotted parts: boundingBox.min.x.
func (s *scanner) ident() {
	for {
		for r := s.peek(0); isIdentPart(r); r = s.peek(0) {
			s.next()
		}
		if s.peek(0) != '.' || !isIdentPart(s.peek(1)) {
			return
		}
		s.next()
	}
}

// An identifier starts with a letter or _ and goes on with letters,
// decimal digits and _; after a dot, a part may start with a digit.
func isIdentStart(r rune) bool { return r == '_' || unicode.IsLetter(r) }
func isIdentPart(r rune) bool  { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// isPlainKey reports whether the lexer reads k whole as one identifier.
func isPlainKey(k string) bool {
	start := true // at the start of the key or of a dotted part
	for i, r := range k {
		switch {
		case r == '.' && !start && i < len(k)-1:
			start = true
		case i == 0 && !isIdentStart(r), !isIdentPart(r):
			return false
		default:
			start = false
		}
	}
	return k != "" && !start
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }
