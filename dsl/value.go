package dsl

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Kind is the JSON type of a Value.
type Kind uint8

// The kinds of Value. The zero Value is KindInvalid.
const (
	KindInvalid Kind = iota
	KindString
	KindNumber
	KindBool
)

func (k Kind) String() string {
	switch k {
	case KindString:
		return "string"
	case KindNumber:
		return "number"
	case KindBool:
		return "boolean"
	}
	return "invalid"
}

// Value is a scalar in a query: a string, a number or a boolean. A number
// keeps the literal it was written with, so 167899.9999999998 and 30.0 come
// out of MarshalJSON exactly as they went in.
type Value struct {
	kind Kind
	// text is the string itself, the number's literal or "true"/"false";
	// for an invalid value it describes what was given instead.
	text string
}

// String returns a string value.
func String(s string) Value { return Value{kind: KindString, text: s} }

// Number returns a number value with the given literal. The literal must
// follow JSON's number grammar; Validate reports one that does not.
func Number(literal string) Value { return Value{kind: KindNumber, text: literal} }

// Int returns a number value.
func Int(i int64) Value { return Value{kind: KindNumber, text: strconv.FormatInt(i, 10)} }

// Float returns a number value written in the shortest form that reads back
// as f. NaN and infinities have no JSON form and make an invalid value.
func Float(f float64) Value {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return Value{text: strconv.FormatFloat(f, 'g', -1, 64)}
	}
	return Value{kind: KindNumber, text: strconv.FormatFloat(f, 'g', -1, 64)}
}

// Bool returns a boolean value.
func Bool(b bool) Value { return Value{kind: KindBool, text: strconv.FormatBool(b)} }

// ValueOf converts a Go value to a Value: strings, booleans, every integer
// and float type, json.Number and Value itself. Anything else gives an
// invalid Value, which Validate and MarshalJSON report.
func ValueOf(v any) Value {
	switch v := v.(type) {
	case Value:
		return v
	case string:
		return String(v)
	case bool:
		return Bool(v)
	case json.Number:
		return Number(string(v))
	case int:
		return Int(int64(v))
	case int8:
		return Int(int64(v))
	case int16:
		return Int(int64(v))
	case int32:
		return Int(int64(v))
	case int64:
		return Int(v)
	case uint:
		return Value{kind: KindNumber, text: strconv.FormatUint(uint64(v), 10)}
	case uint8:
		return Int(int64(v))
	case uint16:
		return Int(int64(v))
	case uint32:
		return Int(int64(v))
	case uint64:
		return Value{kind: KindNumber, text: strconv.FormatUint(v, 10)}
	case float32:
		return Float(float64(v))
	case float64:
		return Float(v)
	case nil:
		return Value{text: "null"}
	}
	return Value{text: fmt.Sprintf("a value of type %T", v)}
}

// Kind reports the value's JSON type.
func (v Value) Kind() Kind { return v.kind }

// Text is the value's text: a string's contents, a number's literal as
// written, or "true"/"false". It is what contain compares against.
func (v Value) Text() string { return v.text }

// Float returns a number value as a float64; ok is false for other kinds
// and for literals that are not valid numbers.
func (v Value) Float() (f float64, ok bool) {
	if v.kind != KindNumber || !IsNumber(v.text) {
		return 0, false
	}
	f, err := strconv.ParseFloat(v.text, 64)
	return f, err == nil || isRangeErr(err)
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// String renders the value as a literal of the query text: strings in
// single quotes with backslash escapes, numbers and booleans bare.
func (v Value) String() string {
	switch v.kind {
	case KindString:
		return QuoteString(v.text)
	case KindNumber, KindBool:
		return v.text
	}
	return "<invalid: " + v.text + ">"
}

// check returns a description of what is wrong with v, or "".
func (v Value) check() string {
	switch v.kind {
	case KindString, KindBool:
		return ""
	case KindNumber:
		if !IsNumber(v.text) {
			return fmt.Sprintf("invalid number literal %q", v.text)
		}
		return ""
	}
	return "value must be a string, number or boolean, not " + v.text
}

// IsNumber reports whether s follows JSON's number grammar exactly:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
// It is also the rule by which a property's string value counts as numeric.
func IsNumber(s string) bool {
	i, n := 0, len(s)
	if i < n && s[i] == '-' {
		i++
	}
	switch {
	case i < n && s[i] == '0':
		i++
	case i < n && s[i] >= '1' && s[i] <= '9':
		for i < n && isDigit(s[i]) {
			i++
		}
	default:
		return false
	}
	if i < n && s[i] == '.' {
		i++
		if i == n || !isDigit(s[i]) {
			return false
		}
		for i < n && isDigit(s[i]) {
			i++
		}
	}
	if i < n && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < n && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i == n || !isDigit(s[i]) {
			return false
		}
		for i < n && isDigit(s[i]) {
			i++
		}
	}
	return i == n
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// QuoteString quotes s as a string literal of the query text: single
// quotes, with backslash escapes for quotes, backslashes and control
// characters.
func QuoteString(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	for _, r := range s {
		switch r {
		case '\'', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 || r == 0x7f {
				fmt.Fprintf(&b, `\u%04x`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('\'')
	return b.String()
}
