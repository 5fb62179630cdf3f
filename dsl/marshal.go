package dsl

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MarshalJSON writes the request in the documented shape, keys in the
// order targetType, targetIds, query. The same request always gives the
// same bytes. It fails with an *Error naming the JSON path of the first
// problem.
func (r Request) MarshalJSON() ([]byte, error) {
	e := encoder{buf: make([]byte, 0, 256)}
	if err := e.request(r); err != nil {
		return nil, err
	}
	return e.buf, nil
}

// MarshalQuery writes one query object.
func MarshalQuery(q Query) ([]byte, error) {
	e := encoder{path: []string{"query"}}
	if err := e.query(q); err != nil {
		return nil, err
	}
	return e.buf, nil
}

func (q MatchQuery) MarshalJSON() ([]byte, error)   { return MarshalQuery(q) }
func (q ContainQuery) MarshalJSON() ([]byte, error) { return MarshalQuery(q) }
func (q InQuery) MarshalJSON() ([]byte, error)      { return MarshalQuery(q) }
func (q AndQuery) MarshalJSON() ([]byte, error)     { return MarshalQuery(q) }
func (q OrQuery) MarshalJSON() ([]byte, error)      { return MarshalQuery(q) }
func (q ObjectQuery) MarshalJSON() ([]byte, error)  { return MarshalQuery(q) }

// MarshalJSON writes the value as a JSON string, number or boolean.
func (v Value) MarshalJSON() ([]byte, error) {
	if msg := v.check(); msg != "" {
		return nil, pathError("", msg)
	}
	return appendValue(nil, v), nil
}

// encoder writes JSON and keeps the path of what it is writing, as
// segments, so that the path string is only built for an error.
type encoder struct {
	buf  []byte
	path []string
	// extended allows the clauses BIMFACE's DSL lacks (see CheckQuery).
	extended bool
}

func (e *encoder) push(seg string) { e.path = append(e.path, seg) }
func (e *encoder) pop()            { e.path = e.path[:len(e.path)-1] }

func (e *encoder) fail(msg string, extra ...string) error {
	return pathError(joinPath(append(e.path[:len(e.path):len(e.path)], extra...)), msg)
}

func (e *encoder) request(r Request) error {
	if err := checkTargets(r); err != nil {
		return err
	}
	if r.query == nil {
		return pathError("query", "missing")
	}
	e.buf = append(e.buf, `{"targetType":`...)
	e.buf = appendString(e.buf, string(r.targetType))
	e.buf = append(e.buf, `,"targetIds":[`...)
	for i, id := range r.targetIDs {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		e.buf = appendString(e.buf, id)
	}
	e.buf = append(e.buf, `],"query":`...)
	e.push("query")
	err := e.query(r.query)
	e.pop()
	e.buf = append(e.buf, '}')
	return err
}

// checkTargets reports the first problem with a request's target.
func checkTargets(r Request) error {
	switch r.targetType {
	case TargetFile, TargetIntegration:
	case "":
		return pathError("targetType", `missing; must be "file" or "integration"`)
	default:
		return pathError("targetType", fmt.Sprintf(`unknown target type %q; must be "file" or "integration"`, string(r.targetType)))
	}
	if len(r.targetIDs) == 0 {
		return pathError("targetIds", "must hold at least one id")
	}
	for i, id := range r.targetIDs {
		if id == "" {
			return pathError("targetIds["+strconv.Itoa(i)+"]", "id must not be empty")
		}
	}
	return nil
}

// query writes q as one JSON object.
func (e *encoder) query(q Query) error {
	switch q := q.(type) {
	case MatchQuery:
		return e.terms("match", []Query{q})
	case ContainQuery:
		return e.terms("contain", []Query{q})
	case InQuery:
		return e.terms("in", []Query{q})
	case AndQuery:
		return e.list("boolAnd", q.Queries)
	case OrQuery:
		return e.list("boolOr", q.Queries)
	case ObjectQuery:
		return e.object(q)
	case NotQuery, RangeQuery, LikeQuery, ILikeQuery, RegexpQuery, ExistsQuery:
		return e.extendedQuery(q)
	case nil:
		return e.fail("missing query")
	}
	return e.fail(fmt.Sprintf("unsupported query type %T", q))
}

// terms writes {"match":{k:v,…}} and its like for leaf clauses.
func (e *encoder) terms(clause string, qs []Query) error {
	e.buf = append(e.buf, '{')
	e.buf = appendString(e.buf, clause)
	e.buf = append(e.buf, ':')
	e.push(clause)
	err := e.termBody(qs)
	e.pop()
	e.buf = append(e.buf, '}')
	return err
}

func (e *encoder) termBody(qs []Query) error {
	e.buf = append(e.buf, '{')
	for i, q := range qs {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		if err := e.term(q); err != nil {
			return err
		}
	}
	e.buf = append(e.buf, '}')
	return nil
}

func (e *encoder) term(q Query) error {
	var key Key
	switch q := q.(type) {
	case MatchQuery:
		key = q.Key
	case ContainQuery:
		key = q.Key
	case InQuery:
		key = q.Key
	}
	if key == "" {
		return e.fail("key must not be empty", "")
	}
	e.buf = appendString(e.buf, string(key))
	e.buf = append(e.buf, ':')
	switch q := q.(type) {
	case MatchQuery:
		return e.value(q.Value, string(key))
	case ContainQuery:
		return e.value(q.Value, string(key))
	case InQuery:
		if len(q.Values) == 0 {
			return e.fail("must list at least one value", string(key))
		}
		e.buf = append(e.buf, '[')
		for i, v := range q.Values {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			if err := e.value(v, string(key), "["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
		e.buf = append(e.buf, ']')
	}
	return nil
}

func (e *encoder) value(v Value, at ...string) error {
	if msg := v.check(); msg != "" {
		return e.fail(msg, at...)
	}
	e.buf = appendValue(e.buf, v)
	return nil
}

// list writes {"boolAnd":[…]} or {"boolOr":[…]}.
func (e *encoder) list(clause string, qs []Query) error {
	e.buf = append(e.buf, '{')
	e.buf = appendString(e.buf, clause)
	e.buf = append(e.buf, ':')
	e.push(clause)
	err := e.listBody(qs)
	e.pop()
	e.buf = append(e.buf, '}')
	return err
}

func (e *encoder) listBody(qs []Query) error {
	if len(qs) == 0 {
		return e.fail("must hold at least one query")
	}
	e.buf = append(e.buf, '[')
	for i, q := range qs {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		e.push("[" + strconv.Itoa(i) + "]")
		err := e.query(q)
		e.pop()
		if err != nil {
			return err
		}
	}
	e.buf = append(e.buf, ']')
	return nil
}

// slot is one key of a JSON query object being laid out.
type slot struct {
	name string
	qs   []Query
	keys map[Key]bool // for leaf clauses: keys already placed
}

// layout distributes an ObjectQuery's clauses over the slots of one JSON
// object, in order of first use.
func layout(q ObjectQuery) []*slot {
	var slots []*slot
	get := func(name string) *slot {
		for _, s := range slots {
			if s.name == name {
				return s
			}
		}
		s := &slot{name: name, keys: map[Key]bool{}}
		slots = append(slots, s)
		return s
	}
	overflow := func(c Query) {
		s := get("boolAnd")
		s.qs = append(s.qs, c)
	}
	for _, c := range q.Queries {
		switch c := c.(type) {
		case MatchQuery, ContainQuery, InQuery:
			name, key := leafSlot(c)
			if s := findSlot(slots, name); s != nil && s.keys[key] {
				overflow(c)
				continue
			}
			s := get(name)
			s.keys[key] = true
			s.qs = append(s.qs, c)
		case AndQuery:
			if len(c.Queries) == 0 {
				overflow(c) // reported where it lands
				continue
			}
			s := get("boolAnd")
			s.qs = append(s.qs, c.Queries...)
		case OrQuery:
			if s := findSlot(slots, "boolOr"); s != nil {
				overflow(c)
				continue
			}
			s := get("boolOr")
			s.qs = c.Queries
		default:
			overflow(c)
		}
	}
	return slots
}

func findSlot(slots []*slot, name string) *slot {
	for _, s := range slots {
		if s.name == name {
			return s
		}
	}
	return nil
}

func leafSlot(q Query) (string, Key) {
	switch q := q.(type) {
	case MatchQuery:
		return "match", q.Key
	case ContainQuery:
		return "contain", q.Key
	case InQuery:
		return "in", q.Key
	}
	return "", ""
}

func (e *encoder) object(q ObjectQuery) error {
	if len(q.Queries) == 0 {
		return e.fail("must hold at least one clause")
	}
	var err error
	e.buf = append(e.buf, '{')
	for i, s := range layout(q) {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		e.buf = appendString(e.buf, s.name)
		e.buf = append(e.buf, ':')
		e.push(s.name)
		if s.name == "boolAnd" || s.name == "boolOr" {
			err = e.listBody(s.qs)
		} else {
			err = e.termBody(s.qs)
		}
		e.pop()
		if err != nil {
			return err
		}
	}
	e.buf = append(e.buf, '}')
	return nil
}

func appendValue(buf []byte, v Value) []byte {
	if v.kind == KindString {
		return appendString(buf, v.text)
	}
	return append(buf, v.text...)
}

const hexDigits = "0123456789abcdef"

// AppendJSONString appends s as a JSON string, as MarshalJSON writes a
// string value: <, > and & as they are, invalid UTF-8 as U+FFFD.
func AppendJSONString(buf []byte, s string) []byte { return appendString(buf, s) }

// appendString writes s as a JSON string. Unlike encoding/json it leaves
// <, > and & alone, so Chinese text and symbols come out as written.
// Invalid UTF-8 becomes U+FFFD, written as the character itself so that
// a second round trip gives the same bytes.
func appendString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			buf = append(buf, s[start:i]...)
			switch c {
			case '"', '\\':
				buf = append(buf, '\\', c)
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf = append(buf, s[start:i]...)
			buf = append(buf, "\ufffd"...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			buf = append(buf, s[start:i]...)
			buf = append(buf, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}

// joinPath renders path segments as a.b[2].c, quoting keys that are not
// plain identifiers: query.match["boundingBox.min.x"].
func joinPath(segs []string) string {
	var b strings.Builder
	for _, s := range segs {
		switch {
		case strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]"):
			b.WriteString(s)
		case isPathIdent(s):
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s)
		default:
			b.WriteByte('[')
			b.WriteString(strconv.Quote(s))
			b.WriteByte(']')
		}
	}
	return b.String()
}

func isPathIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if r != '_' && !unicode.IsLetter(r) && (i == 0 || !unicode.IsDigit(r)) {
			return false
		}
	}
	return true
}
