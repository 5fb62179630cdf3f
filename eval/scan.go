package eval

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/bfquery/bfquery/dsl"
)

// scanner reads JSON tokens from a stream through a sliding window. Bytes
// before the current token (or before pin, when a caller needs to come back
// to a place) are dropped on refill, so memory stays proportional to the
// largest token or pinned record, not to the input. Token slices it returns
// are valid until the next call that may refill.
type scanner struct {
	r    io.Reader
	name string
	buf  []byte
	pos  int
	pin  int   // -1, or the buffer index that refills must keep
	base int64 // input offset of buf[0]
	eof  bool
	rerr error

	// lines and cols account for dropped bytes so that errors can give a
	// line and a column: lines is the number of newlines before buf[0], and
	// cols the characters between the last of them and buf[0].
	lines int
	cols  int

	esc  []byte // scratch for unescaped strings
	kbuf []byte // the last member name read by key

	window *scratch[byte] // where buf lives, if not on the Go heap
}

const (
	chunkSize = 1 << 20
	maxDepth  = 1000
)

func newScanner(r io.Reader, name string) *scanner {
	return &scanner{r: r, name: name, buf: make([]byte, 0, chunkSize), pin: -1}
}

// newScratchScanner is newScanner with its buffer in window, which the
// caller frees: a record pinned whole grows it to the record's size.
func newScratchScanner(r io.Reader, name string, window *scratch[byte]) *scanner {
	window.reserve(chunkSize)
	return &scanner{r: r, name: name, buf: window.s[:0], pin: -1, window: window}
}

// fill reads more input, keeping buf[min(pos, pin):]. It reports whether
// any bytes were added.
func (s *scanner) fill() bool {
	if s.eof {
		return false
	}
	keep := s.pos
	if s.pin >= 0 && s.pin < keep {
		keep = s.pin
	}
	if keep > 0 {
		dropped := s.buf[:keep]
		if nl := bytes.LastIndexByte(dropped, '\n'); nl >= 0 {
			s.lines += bytes.Count(dropped, []byte{'\n'})
			s.cols = utf8.RuneCount(dropped[nl+1:])
		} else {
			s.cols += utf8.RuneCount(dropped)
		}
		n := copy(s.buf, s.buf[keep:])
		s.buf = s.buf[:n]
		s.base += int64(keep)
		s.pos -= keep
		if s.pin >= 0 {
			s.pin -= keep
		}
	}
	if len(s.buf) == cap(s.buf) {
		if s.window != nil {
			s.window.s = s.buf
			s.window.reserve(cap(s.buf))
			s.buf = s.window.s
		} else {
			nb := make([]byte, len(s.buf), 2*cap(s.buf))
			copy(nb, s.buf)
			s.buf = nb
		}
	}
	for {
		n, err := s.r.Read(s.buf[len(s.buf):cap(s.buf)])
		s.buf = s.buf[:len(s.buf)+n]
		if err != nil {
			s.eof = true
			if !errors.Is(err, io.EOF) {
				s.rerr = err
			}
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
}

// offset is the input offset of buffer index i.
func (s *scanner) offset(i int) int64 { return s.base + int64(i) }

// errAt returns an error at input offset off, which must not have been
// dropped from the buffer yet (pinned records guarantee that).
func (s *scanner) errAt(off int64, format string, args ...any) error {
	var cause error
	if s.rerr != nil {
		// The input could not be read past the end of the buffer: report
		// that, where it happened, rather than a syntax error it caused.
		off, format, args, cause = s.offset(len(s.buf)), "%v", []any{s.rerr}, s.rerr
	}
	p := int(off - s.base)
	p = max(0, min(p, len(s.buf)))
	before := s.buf[:p]
	pos := dsl.Position{Filename: s.name, Offset: int(off), Line: s.lines + 1}
	if nl := bytes.LastIndexByte(before, '\n'); nl >= 0 {
		pos.Line += bytes.Count(before, []byte{'\n'})
		pos.Column = utf8.RuneCount(before[nl+1:]) + 1
	} else {
		pos.Column = s.cols + utf8.RuneCount(before) + 1
	}
	return &dsl.Error{Pos: pos, Msg: fmt.Sprintf(format, args...), Err: cause}
}

// errHere is errAt the current position.
func (s *scanner) errHere(format string, args ...any) error {
	return s.errAt(s.offset(s.pos), format, args...)
}

// peek skips white space and returns the next byte, or 0 at the end of
// the input.
func (s *scanner) peek() byte {
	for {
		for s.pos < len(s.buf) {
			switch c := s.buf[s.pos]; c {
			case ' ', '\t', '\n', '\r':
				s.pos++
			default:
				return c
			}
		}
		if !s.fill() {
			return 0
		}
	}
}

// atEnd skips white space and reports whether the input has ended. A NUL
// byte, for which peek also returns 0, is not an end.
func (s *scanner) atEnd() bool { return s.peek() == 0 && s.pos >= len(s.buf) }

// readErr is the error that stopped reading the input early (a corrupt
// or truncated gzip stream), positioned where it stopped, or nil.
func (s *scanner) readErr() error {
	if s.rerr == nil {
		return nil
	}
	return s.errAt(s.offset(len(s.buf)), "%v", s.rerr)
}

// openList opens the array of a record's properties or a group's items,
// named what, of elems: null is an empty list (more is false), anything
// but an array an error. The loader and the record reader read them alike.
func (s *scanner) openList(what, elems string) (more bool, err error) {
	switch s.peek() {
	case 'n':
		_, _, err := s.scalar()
		return false, err
	case '[':
		return s.open('[')
	}
	return false, s.errHere("%s must be an array of %s", what, elems)
}

// unexpected describes the token at the current position for an error.
func (s *scanner) unexpected(want string) error {
	if s.atEnd() {
		return s.errHere("unexpected end of input, expected %s", want)
	}
	r, _ := utf8.DecodeRune(s.buf[s.pos:])
	return s.errHere("unexpected %q, expected %s", r, want)
}

// expect consumes byte c after white space.
func (s *scanner) expect(c byte, want string) error {
	if s.peek() != c {
		return s.unexpected(want)
	}
	s.pos++
	return nil
}

// str reads a string at the current position (after white space). The
// result is valid until the next refill.
func (s *scanner) str() ([]byte, error) {
	if s.peek() != '"' {
		return nil, s.unexpected("a string")
	}
	i := s.pos + 1
	for {
		j := bytes.IndexByte(s.buf[i:], '"')
		if j < 0 {
			off := i - s.pos
			if !s.fill() {
				return nil, s.errHere("string not terminated before the end of the input")
			}
			i = s.pos + off
			continue
		}
		end := i + j
		n := 0
		for k := end - 1; k > s.pos && s.buf[k] == '\\'; k-- {
			n++
		}
		if n%2 == 1 {
			i = end + 1
			continue
		}
		raw := s.buf[s.pos+1 : end]
		start := s.pos
		s.pos = end + 1
		if bytes.IndexByte(raw, '\\') < 0 {
			return raw, nil
		}
		return s.unescape(raw, start)
	}
}

func (s *scanner) unescape(raw []byte, start int) ([]byte, error) {
	out := s.esc[:0]
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		bad := func() error {
			return s.errAt(s.offset(start+1+i), "invalid escape in a string")
		}
		i++
		if i >= len(raw) {
			return nil, bad()
		}
		switch raw[i] {
		case '"', '\\', '/':
			out = append(out, raw[i])
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := hex4(raw[i+1:])
			if !ok {
				return nil, bad()
			}
			i += 4
			if utf16.IsSurrogate(r) {
				if r2, ok := hex4(raw[min(i+3, len(raw)):]); ok && i+2 < len(raw) && raw[i+1] == '\\' && raw[i+2] == 'u' {
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						r = d
						i += 6
					}
				}
			}
			out = utf8.AppendRune(out, r)
		default:
			return nil, bad()
		}
	}
	s.esc = out
	return out, nil
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	v, err := strconv.ParseUint(string(b[:4]), 16, 16)
	return rune(v), err == nil
}

// scalar reads a number, true, false or null at the current position.
func (s *scanner) scalar() (dsl.Kind, []byte, error) {
	c := s.peek()
	switch {
	case c == 't' || c == 'f' || c == 'n':
		lit := "null"
		kind := dsl.KindInvalid
		switch c {
		case 't':
			lit, kind = "true", dsl.KindBool
		case 'f':
			lit, kind = "false", dsl.KindBool
		}
		for len(s.buf)-s.pos < len(lit) && s.fill() {
		}
		if !bytes.HasPrefix(s.buf[s.pos:], []byte(lit)) {
			return 0, nil, s.unexpected("a JSON value")
		}
		b := s.buf[s.pos : s.pos+len(lit)]
		s.pos += len(lit)
		return kind, b, nil
	case c == '-' || c >= '0' && c <= '9':
		i := s.pos
		for {
			for i < len(s.buf) && isNumByte(s.buf[i]) {
				i++
			}
			if i < len(s.buf) {
				break
			}
			off := i - s.pos
			if !s.fill() {
				break
			}
			i = s.pos + off
		}
		b := s.buf[s.pos:i]
		if !dsl.IsNumber(string(b)) {
			return 0, nil, s.errHere("invalid number %q", b)
		}
		s.pos = i
		return dsl.KindNumber, b, nil
	}
	return 0, nil, s.unexpected("a JSON value")
}

func isNumByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}

// skip reads and discards one value of any type.
func (s *scanner) skip(depth int) error {
	if depth > maxDepth {
		return s.errHere("nesting deeper than %d levels", maxDepth)
	}
	switch c := s.peek(); c {
	case '"':
		_, err := s.str()
		return err
	case '{', '[':
		closer := byte('}')
		if c == '[' {
			closer = ']'
		}
		more, err := s.open(c)
		for more && err == nil {
			if c == '{' {
				if _, err = s.key(); err != nil {
					return err
				}
			}
			if err = s.skip(depth + 1); err != nil {
				return err
			}
			more, err = s.next(closer)
		}
		return err
	}
	_, _, err := s.scalar()
	return err
}

// open consumes '{' or '[' and reports whether members follow.
func (s *scanner) open(c byte) (bool, error) {
	want := "an object"
	closer := byte('}')
	if c == '[' {
		want, closer = "an array", ']'
	}
	if err := s.expect(c, want); err != nil {
		return false, err
	}
	if s.peek() == closer {
		s.pos++
		return false, nil
	}
	return true, nil
}

// key reads an object member's name and the colon after it. The name is
// copied, since reading the colon may refill the buffer; it stays valid
// until the next call to key.
func (s *scanner) key() ([]byte, error) {
	k, err := s.str()
	if err != nil {
		return nil, err
	}
	s.kbuf = append(s.kbuf[:0], k...)
	if s.peek() != ':' {
		return nil, s.unexpected("':'")
	}
	s.pos++
	return s.kbuf, nil
}

// next consumes the ',' between members or the closing byte, reporting
// whether another member follows.
func (s *scanner) next(closer byte) (bool, error) {
	switch s.peek() {
	case ',':
		s.pos++
		return true, nil
	case closer:
		s.pos++
		return false, nil
	}
	return false, s.unexpected(fmt.Sprintf("',' or '%c'", closer))
}
