package shell

import (
	"strings"
	"unicode"
)

// tokenKind is the kind of a token of possibly unfinished query text.
type tokenKind uint8

const (
	tokWord     tokenKind = iota + 1 // identifier or keyword, dotted parts included
	tokBacktick                      // `quoted key`
	tokString                        // 'text' or "text"
	tokNumber
	tokOp // = != <> < <= > >= == ( ) , ;
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

// lex splits text into tokens without ever failing: completion and
// statement splitting look at text that is still being typed, so an
// unterminated string is a token that runs to the end, and a character the
// language does not know is a token of its own. Comments are dropped.
func lex(src []rune) []token {
	var toks []token
	i := 0
	peek := func(j int) rune {
		if j < len(src) {
			return src[j]
		}
		return -1
	}
	for i < len(src) {
		r := src[i]
		start := i
		switch {
		case unicode.IsSpace(r):
			i++
			continue
		case r == '-' && peek(i+1) == '-':
			for i < len(src) && src[i] != '\n' {
				i++
			}
			continue
		case r == '/' && peek(i+1) == '*':
			i += 2
			for i < len(src) && !(src[i] == '*' && peek(i+1) == '/') {
				i++
			}
			i = min(i+2, len(src))
			continue
		case r == '\'' || r == '"':
			i++
			closed := false
			for i < len(src) {
				c := src[i]
				i++
				if c == '\\' {
					i = min(i+1, len(src))
				} else if c == r {
					closed = true
					break
				}
			}
			toks = append(toks, token{tokString, start, i, string(src[start:i]), closed})
			continue
		case r == '`':
			i++
			closed := false
			for i < len(src) {
				if src[i] == '`' {
					if peek(i+1) == '`' {
						i += 2
						continue
					}
					i++
					closed = true
					break
				}
				i++
			}
			toks = append(toks, token{tokBacktick, start, i, string(src[start:i]), closed})
			continue
		case r >= '0' && r <= '9' || (r == '-' || r == '+' || r == '.') && isDigit(peek(i+1)):
			i++
			for i < len(src) && (isDigit(src[i]) || strings.ContainsRune(".eE", src[i]) ||
				(src[i] == '-' || src[i] == '+') && (src[i-1] == 'e' || src[i-1] == 'E')) {
				i++
			}
			toks = append(toks, token{tokNumber, start, i, string(src[start:i]), true})
			continue
		case r == '_' || unicode.IsLetter(r):
			for i < len(src) && (src[i] == '_' || src[i] == '.' || unicode.IsLetter(src[i]) || unicode.IsDigit(src[i])) {
				i++
			}
			toks = append(toks, token{tokWord, start, i, string(src[start:i]), true})
			continue
		case strings.ContainsRune("<>!=", r) && peek(i+1) == '=', r == '<' && peek(i+1) == '>':
			i += 2
		case strings.ContainsRune("=<>(),;", r):
			i++
		default:
			i++
			toks = append(toks, token{tokOther, start, i, string(r), true})
			continue
		}
		toks = append(toks, token{tokOp, start, i, string(src[start:i]), true})
	}
	return toks
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

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
