package dsl

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/tidwall/gjson"
)

// MaxDepth is how deeply boolAnd/boolOr may nest in a query read from
// JSON or text. Deeper input is rejected with an error rather than risking
// the stack.
const MaxDepth = 256

const clauseList = "match, contain, in, boolAnd, boolOr"

// Unmarshal reads a DSL request in any documented form: a query object
// may mix clauses and match/contain/in objects may hold several keys;
// targetIds may be strings or integers (kept as their digits). Number
// literals are kept exactly as written. The first problem is reported as
// an *Error with its JSON path, or its line and column for broken JSON.
func Unmarshal(data []byte) (Request, error) {
	if err := checkJSON(data); err != nil {
		return Request{}, err
	}
	root := gjson.ParseBytes(data)
	if !root.IsObject() {
		return Request{}, pathError("", "a DSL request must be a JSON object, not "+jsonKind(root))
	}
	var (
		r    Request
		err  error
		seen = map[string]bool{}
	)
	root.ForEach(func(k, v gjson.Result) bool {
		if seen[k.Str] {
			err = pathError(joinPath([]string{k.Str}), "duplicate key")
			return false
		}
		seen[k.Str] = true
		switch k.Str {
		case "targetType":
			err = r.decodeTargetType(v)
		case "targetIds":
			err = r.decodeTargetIDs(v)
		case "query":
			r.query, err = decodeQuery(v, []string{"query"}, 0)
		default:
			err = pathError(joinPath([]string{k.Str}), "unknown field; valid fields are targetType, targetIds, query")
		}
		return err == nil
	})
	if err != nil {
		return Request{}, err
	}
	switch {
	case !seen["targetType"]:
		return Request{}, pathError("targetType", `missing; must be "file" or "integration"`)
	case !seen["targetIds"]:
		return Request{}, pathError("targetIds", "missing")
	case !seen["query"]:
		return Request{}, pathError("query", "missing")
	}
	return r, nil
}

// UnmarshalJSON implements json.Unmarshaler with Unmarshal.
func (r *Request) UnmarshalJSON(data []byte) error {
	v, err := Unmarshal(data)
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// UnmarshalQuery reads a bare query object, such as the value of "query".
func UnmarshalQuery(data []byte) (Query, error) {
	if err := checkJSON(data); err != nil {
		return nil, err
	}
	return decodeQuery(gjson.ParseBytes(data), []string{"query"}, 0)
}

func (r *Request) decodeTargetType(v gjson.Result) error {
	if v.Type != gjson.String {
		return pathError("targetType", `must be "file" or "integration", not `+jsonKind(v))
	}
	switch t := TargetType(v.Str); t {
	case TargetFile, TargetIntegration:
		r.targetType = t
		return nil
	}
	return pathError("targetType", fmt.Sprintf(`unknown target type %q; must be "file" or "integration"`, v.Str))
}

func (r *Request) decodeTargetIDs(v gjson.Result) error {
	if !v.IsArray() {
		return pathError("targetIds", "must be an array of ids, not "+jsonKind(v))
	}
	var err error
	v.ForEach(func(k, id gjson.Result) bool {
		at := "targetIds[" + strconv.Itoa(len(r.targetIDs)) + "]"
		switch {
		case id.Type == gjson.String && id.Str != "":
			r.targetIDs = append(r.targetIDs, id.Str)
		case id.Type == gjson.String:
			err = pathError(at, "id must not be empty")
		case id.Type == gjson.Number && isDigits(id.Raw):
			r.targetIDs = append(r.targetIDs, id.Raw)
		default:
			err = pathError(at, "id must be a string or an integer, not "+describe(id))
		}
		return err == nil
	})
	if err == nil && len(r.targetIDs) == 0 {
		err = pathError("targetIds", "must hold at least one id")
	}
	// A target named twice counts once, as with NewRequest.
	r.targetIDs = uniqueIDs(r.targetIDs)
	return err
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

func decodeQuery(v gjson.Result, path []string, depth int) (Query, error) {
	if !v.IsObject() {
		return nil, pathError(joinPath(path), "must be a query object, not "+jsonKind(v))
	}
	if depth >= MaxDepth {
		return nil, pathError(joinPath(path), fmt.Sprintf("queries nest deeper than %d levels", MaxDepth))
	}
	var (
		qs   []Query
		err  error
		seen = map[string]bool{}
	)
	v.ForEach(func(k, c gjson.Result) bool {
		at := append(path[:len(path):len(path)], k.Str)
		if seen[k.Str] {
			err = pathError(joinPath(at), "duplicate clause")
			return false
		}
		seen[k.Str] = true
		switch k.Str {
		case "match", "contain", "in":
			qs, err = decodeTerms(qs, k.Str, c, at)
		case "boolAnd", "boolOr":
			var sub []Query
			sub, err = decodeList(c, at, depth)
			if err == nil && k.Str == "boolAnd" {
				qs = append(qs, AndQuery{Queries: sub})
			} else if err == nil {
				qs = append(qs, OrQuery{Queries: sub})
			}
		default:
			err = pathError(joinPath(at), fmt.Sprintf("unknown clause %q; valid clauses are %s", k.Str, clauseList))
		}
		return err == nil
	})
	switch {
	case err != nil:
		return nil, err
	case len(qs) == 0:
		return nil, pathError(joinPath(path), "must hold at least one clause ("+clauseList+")")
	case len(qs) == 1:
		return qs[0], nil
	}
	return ObjectQuery{Queries: qs}, nil
}

func decodeTerms(qs []Query, clause string, obj gjson.Result, path []string) ([]Query, error) {
	if !obj.IsObject() {
		return nil, pathError(joinPath(path), "must be an object of property keys, not "+jsonKind(obj))
	}
	var (
		err  error
		n    int
		seen = map[string]bool{}
	)
	obj.ForEach(func(k, v gjson.Result) bool {
		n++
		at := append(path[:len(path):len(path)], k.Str)
		key := Key(k.Str)
		switch {
		case k.Str == "":
			err = pathError(joinPath(at), "key must not be empty")
		case seen[k.Str]:
			err = pathError(joinPath(at), "duplicate key")
		case clause == "in":
			var vals []Value
			vals, err = decodeValues(v, at)
			qs = append(qs, InQuery{Key: key, Values: vals})
		default:
			var val Value
			val, err = decodeValue(v, at)
			if clause == "match" {
				qs = append(qs, MatchQuery{Key: key, Value: val})
			} else {
				qs = append(qs, ContainQuery{Key: key, Value: val})
			}
		}
		seen[k.Str] = true
		return err == nil
	})
	if err == nil && n == 0 {
		err = pathError(joinPath(path), "must hold at least one key")
	}
	return qs, err
}

func decodeValues(arr gjson.Result, path []string) ([]Value, error) {
	if !arr.IsArray() {
		return nil, pathError(joinPath(path), "must be an array of values, not "+jsonKind(arr))
	}
	var (
		vals []Value
		err  error
	)
	arr.ForEach(func(_, v gjson.Result) bool {
		var val Value
		val, err = decodeValue(v, append(path[:len(path):len(path)], "["+strconv.Itoa(len(vals))+"]"))
		vals = append(vals, val)
		return err == nil
	})
	if err == nil && len(vals) == 0 {
		err = pathError(joinPath(path), "must list at least one value")
	}
	return vals, err
}

func decodeValue(v gjson.Result, path []string) (Value, error) {
	switch v.Type {
	case gjson.String:
		return String(v.Str), nil
	case gjson.Number:
		return Number(v.Raw), nil
	case gjson.True:
		return Bool(true), nil
	case gjson.False:
		return Bool(false), nil
	}
	return Value{}, pathError(joinPath(path), "value must be a string, number or boolean, not "+jsonKind(v))
}

func decodeList(arr gjson.Result, path []string, depth int) ([]Query, error) {
	if !arr.IsArray() {
		return nil, pathError(joinPath(path), "must be an array of query objects, not "+jsonKind(arr))
	}
	var (
		qs  []Query
		err error
	)
	arr.ForEach(func(_, v gjson.Result) bool {
		var q Query
		q, err = decodeQuery(v, append(path[:len(path):len(path)], "["+strconv.Itoa(len(qs))+"]"), depth+1)
		qs = append(qs, q)
		return err == nil
	})
	if err == nil && len(qs) == 0 {
		err = pathError(joinPath(path), "must hold at least one query")
	}
	return qs, err
}

func jsonKind(v gjson.Result) string {
	switch v.Type {
	case gjson.Null:
		return "null"
	case gjson.String:
		return "a string"
	case gjson.Number:
		return "a number"
	case gjson.True, gjson.False:
		return "a boolean"
	}
	if v.IsArray() {
		return "an array"
	}
	return "an object"
}

func describe(v gjson.Result) string {
	if v.Type == gjson.Number {
		return v.Raw
	}
	return jsonKind(v)
}

// maxJSONDepth bounds how deeply arrays and objects may nest in DSL JSON:
// enough for MaxDepth levels of queries.
const maxJSONDepth = 2*MaxDepth + 8

// checkJSON reports broken JSON with its line and column, text that is not
// UTF-8 (JSON must be), and nesting too deep to read safely.
func checkJSON(data []byte) error {
	depth, inString := 0, false
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case inString && c == '\\':
			i++
		case c == '"':
			inString = !inString
		case inString:
		case c == '{' || c == '[':
			depth++
			if depth > maxJSONDepth {
				return &Error{Pos: PositionAt(string(data), i), Msg: fmt.Sprintf("JSON nests deeper than %d levels", maxJSONDepth)}
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	if gjson.ValidBytes(data) {
		if !utf8.Valid(data) {
			src := string(data)
			return &Error{Pos: PositionAt(src, InvalidUTF8(src)), Msg: "invalid JSON: text is not valid UTF-8"}
		}
		return nil
	}
	var raw json.RawMessage
	err := json.Unmarshal(data, &raw)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off := int(se.Offset)
		if off > 0 && off <= len(data) && se.Error() != "unexpected end of JSON input" {
			off--
		}
		return &Error{Pos: PositionAt(string(data), off), Msg: "invalid JSON: " + se.Error()}
	}
	return &Error{Msg: "invalid JSON"}
}
