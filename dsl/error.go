package dsl

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mattn/go-runewidth"
)

// Position is a place in a text input. Line and Column count from 1, and
// Column counts characters, not bytes, so that it points right in Chinese
// text. Offset is the byte offset from the start of the input.
type Position struct {
	Filename string
	Offset   int
	Line     int
	Column   int
}

// IsValid reports whether the position is known.
func (p Position) IsValid() bool { return p.Line > 0 }

func (p Position) String() string {
	s := strconv.Itoa(p.Line)
	if p.Column > 0 {
		s += ":" + strconv.Itoa(p.Column)
	}
	if p.Filename != "" {
		s = p.Filename + ":" + s
	}
	return s
}

// PositionAt returns the position of byte offset off in src.
func PositionAt(src string, off int) Position {
	off = max(0, min(off, len(src)))
	before := src[:off]
	line := strings.Count(before, "\n") + 1
	col := strings.LastIndexByte(before, '\n') + 1
	return Position{Offset: off, Line: line, Column: utf8Count(before[col:]) + 1}
}

func utf8Count(s string) int {
	n := 0
	for range s {
		n++
	}
	return n
}

// Error is the one error type of bfquery's inputs. It says where the
// problem is: a Path into a DSL JSON document
// ("query.boolOr[1].match.price"), or a Pos in a text (query text, a cache
// file), or both. When Source holds the line of text that Pos points into,
// Error renders it with a caret under the offending character.
type Error struct {
	Pos    Position
	Path   string
	Msg    string
	Source string
	// Err is the error that caused this one, if any, such as the I/O
	// error that cut a file short; Msg already says it.
	Err error
}

// Unwrap returns the cause, so that errors.Is and errors.As see an I/O
// error under a load failure.
func (e *Error) Unwrap() error { return e.Err }

func (e *Error) Error() string {
	var b strings.Builder
	if e.Pos.IsValid() {
		b.WriteString(e.Pos.String())
		b.WriteString(": ")
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.Source != "" && e.Pos.IsValid() {
		line, col := window(e.Source, e.Pos.Column)
		b.WriteString("\n  ")
		b.WriteString(line)
		b.WriteString("\n  ")
		b.WriteString(caretPad(line, col))
		b.WriteByte('^')
	}
	return b.String()
}

// sourceReach is how many characters of a long source line an error shows
// on each side of the one it points at.
const sourceReach = 60

// window cuts a long line to sourceReach characters on each side of
// column col, marking the cuts with "...", and returns the column in the
// cut line.
func window(line string, col int) (string, int) {
	rs := []rune(line)
	if len(rs) <= 2*sourceReach+20 {
		return line, col
	}
	start := max(0, col-1-sourceReach)
	end := min(len(rs), col-1+sourceReach)
	out := string(rs[start:end])
	if start > 0 {
		out = "..." + out
		col = col - start + 3
	}
	if end < len(rs) {
		out += "..."
	}
	return out, col
}

// caretPad is the white space that puts a caret under character col of
// line in a terminal: tabs are kept, and wide (CJK) characters take two
// columns.
func caretPad(line string, col int) string {
	var b strings.Builder
	i := 1
	for _, r := range line {
		if i >= col {
			break
		}
		if r == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteString(strings.Repeat(" ", runewidth.RuneWidth(r)))
		}
		i++
	}
	for ; i < col; i++ {
		b.WriteByte(' ')
	}
	return b.String()
}

// SourceLine returns the line of src that holds byte offset off, without
// its line break.
func SourceLine(src string, off int) string {
	off = max(0, min(off, len(src)))
	start := strings.LastIndexByte(src[:off], '\n') + 1
	end := strings.IndexByte(src[off:], '\n')
	if end < 0 {
		end = len(src)
	} else {
		end += off
	}
	// Bytes that are not UTF-8 are shown as U+FFFD, not sent raw to a
	// terminal.
	return strings.ToValidUTF8(strings.TrimSuffix(src[start:end], "\r"), "\uFFFD")
}

// errorf builds an Error at a JSON path.
func pathError(path, msg string) *Error { return &Error{Path: path, Msg: msg} }

// InvalidUTF8 returns the byte offset of the first byte of s that is not
// UTF-8, or -1 if there is none.
func InvalidUTF8(s string) int {
	if utf8.ValidString(s) {
		return -1 // the fast path for the usual case
	}
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return -1
}
