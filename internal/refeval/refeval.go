// Package refeval is the reference evaluator of bfquery's tests: the
// query semantics of package eval's documentation, written as directly as
// possible over elements decoded with encoding/json, with no index and no
// cleverness, so that the engine and the planner can be checked against
// it. It also makes random queries, in the whole language, from the keys
// and values of a model.
package refeval

import (
	"bufio"
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
)

// Element is an element decoded with encoding/json, numbers kept as
// written, for the reference evaluator.
type Element map[string]any

// candidates returns the candidate values of key, straight from the
// package documentation: the scalars reached by walking the top-level
// object along the dotted key, and the values of property items whose key
// equals it.
func (e Element) candidates(key string) []any {
	var out []any
	var cur any = map[string]any(e)
	for part := range strings.SplitSeq(key, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			cur = nil
			break
		}
		cur = m[part]
	}
	scalar := func(v any) bool {
		switch v.(type) {
		case string, json.Number, bool:
			return true
		}
		return false
	}
	switch v := cur.(type) {
	case []any:
		for _, x := range v {
			if scalar(x) {
				out = append(out, x)
			}
		}
	default:
		if scalar(v) {
			out = append(out, v)
		}
	}
	groups, _ := e["properties"].([]any)
	for _, g := range groups {
		items, _ := g.(map[string]any)["items"].([]any)
		for _, it := range items {
			it := it.(map[string]any)
			if it["key"] == key && scalar(it["value"]) {
				out = append(out, it["value"])
			}
		}
	}
	return out
}

// Text is a candidate's text: a string itself, a number's literal, true or false.
func Text(c any) string {
	switch c := c.(type) {
	case string:
		return c
	case json.Number:
		return string(c)
	case bool:
		return strconv.FormatBool(c)
	}
	panic(c)
}

// Equal is match's equality of a candidate and a query value.
func Equal(c any, v dsl.Value) bool {
	switch v.Kind() {
	case dsl.KindString:
		switch c := c.(type) {
		case string:
			return c == v.Text()
		case json.Number:
			if !dsl.IsNumber(v.Text()) {
				return false
			}
			a, _ := strconv.ParseFloat(string(c), 64)
			b, _ := strconv.ParseFloat(v.Text(), 64)
			return a == b
		case bool:
			return strconv.FormatBool(c) == v.Text()
		}
	case dsl.KindNumber:
		var t string
		switch c := c.(type) {
		case string:
			if !dsl.IsNumber(c) {
				return false
			}
			t = c
		case json.Number:
			t = string(c)
		default:
			return false
		}
		a, _ := strconv.ParseFloat(t, 64)
		b, _ := v.Float()
		return a == b
	case dsl.KindBool:
		switch c := c.(type) {
		case bool:
			return strconv.FormatBool(c) == v.Text()
		case string:
			return c == v.Text()
		}
	}
	return false
}

// Match reports whether the query matches the element.
func Match(e Element, q dsl.Query) bool {
	switch q := q.(type) {
	case dsl.MatchQuery:
		return slices.ContainsFunc(e.candidates(string(q.Key)), func(c any) bool { return Equal(c, q.Value) })
	case dsl.ContainQuery:
		return slices.ContainsFunc(e.candidates(string(q.Key)), func(c any) bool { return strings.Contains(Text(c), q.Value.Text()) })
	case dsl.InQuery:
		return slices.ContainsFunc(q.Values, func(v dsl.Value) bool { return Match(e, dsl.MatchQuery{Key: q.Key, Value: v}) })
	case dsl.AndQuery:
		return !slices.ContainsFunc(q.Queries, func(c dsl.Query) bool { return !Match(e, c) })
	case dsl.ObjectQuery:
		return !slices.ContainsFunc(q.Queries, func(c dsl.Query) bool { return !Match(e, c) })
	case dsl.OrQuery:
		return slices.ContainsFunc(q.Queries, func(c dsl.Query) bool { return Match(e, c) })
	case dsl.NotQuery:
		return !Match(e, q.Query)
	case dsl.ExistsQuery:
		return len(e.candidates(string(q.Key))) > 0
	case dsl.RangeQuery:
		return slices.ContainsFunc(e.candidates(string(q.Key)), func(c any) bool { return inRange(c, q) })
	case dsl.LikeQuery:
		re := likeRegexp(q.Pattern, false)
		return slices.ContainsFunc(e.candidates(string(q.Key)), func(c any) bool { return re.MatchString(Text(c)) })
	case dsl.ILikeQuery:
		re := likeRegexp(q.Pattern, true)
		return slices.ContainsFunc(e.candidates(string(q.Key)), func(c any) bool { return re.MatchString(Text(c)) })
	case dsl.RegexpQuery:
		re := regexp.MustCompile(q.Pattern)
		return slices.ContainsFunc(e.candidates(string(q.Key)), func(c any) bool { return re.MatchString(Text(c)) })
	}
	panic(q)
}

// refInRange: the candidate is a number or a numeric string, within the
// bounds.
func inRange(c any, q dsl.RangeQuery) bool {
	var t string
	switch c := c.(type) {
	case json.Number:
		t = string(c)
	case string:
		if !dsl.IsNumber(c) {
			return false
		}
		t = c
	default:
		return false
	}
	f, _ := strconv.ParseFloat(t, 64)
	if !q.Lower.IsZero() {
		lo, _ := q.Lower.Value.Float()
		if f < lo || (!q.Lower.Inclusive && f == lo) {
			return false
		}
	}
	if !q.Upper.IsZero() {
		hi, _ := q.Upper.Value.Float()
		if f > hi || (!q.Upper.Inclusive && f == hi) {
			return false
		}
	}
	return true
}

// likeRegexp translates a LIKE pattern (ILIKE with fold) into an
// anchored regular expression, independently of dsl.CompileLike.
func likeRegexp(p string, fold bool) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`^(?s:`)
	if fold {
		// RE2's (?i) folds case as strings.EqualFold does.
		b.WriteString(`(?i)`)
	}
	escaped := false
	for _, r := range p {
		switch {
		case escaped:
			b.WriteString(regexp.QuoteMeta(string(r)))
			escaped = false
		case r == '\\':
			escaped = true
		case r == '%':
			b.WriteString(`.*`)
		case r == '_':
			b.WriteString(`.`)
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	if escaped {
		b.WriteString(`\\`)
	}
	b.WriteString(`)$`)
	return regexp.MustCompile(b.String())
}

// DecodeNDJSON decodes elements, one per line, numbers kept as written.
func DecodeNDJSON(data []byte) ([]Element, error) {
	var out []Element
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		d := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		d.UseNumber()
		var e Element
		if err := d.Decode(&e); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, sc.Err()
}

// Gen makes random queries from the keys and values of a model.
type Gen struct {
	rng    *rand.Rand
	keys   []string
	values map[string][]dsl.Value
}

// NewGen returns a generator of queries over the keys and values of ix.
func NewGen(ix *eval.Index, seed uint64) *Gen {
	g := &Gen{rng: rand.New(rand.NewPCG(seed, 7)), values: map[string][]dsl.Value{}}
	for _, k := range ix.Keys() {
		g.keys = append(g.keys, string(k.Key))
		for _, v := range ix.Values(k.Key) {
			g.values[string(k.Key)] = append(g.values[string(k.Key)], v.Value)
		}
	}
	g.keys = append(g.keys, "不存在", "boundingBox", "boundingBox.min", "properties")
	return g
}

func (g *Gen) value(key string) dsl.Value {
	vs := g.values[key]
	if len(vs) == 0 || g.rng.IntN(8) == 0 {
		return [...]dsl.Value{dsl.String("F01"), dsl.Int(3000), dsl.String("3000"), dsl.Bool(true), dsl.String("true"), dsl.String(""), dsl.Number("1e3")}[g.rng.IntN(7)]
	}
	v := vs[g.rng.IntN(len(vs))]
	switch g.rng.IntN(6) {
	case 0: // the same text as another kind
		if dsl.IsNumber(v.Text()) {
			if v.Kind() == dsl.KindNumber {
				return dsl.String(v.Text())
			}
			return dsl.Number(v.Text())
		}
	case 1: // a piece of the text, for contain
		r := []rune(v.Text())
		if len(r) > 1 {
			i := g.rng.IntN(len(r))
			return dsl.String(string(r[i:min(len(r), i+1+g.rng.IntN(3))]))
		}
	}
	return v
}

// number returns a number near the key's numeric values.
func (g *Gen) number(key string) dsl.Value {
	for range 5 {
		v := g.value(key)
		if f, ok := v.Float(); ok {
			return v
		} else if dsl.IsNumber(v.Text()) {
			f, _ = strconv.ParseFloat(v.Text(), 64)
			return dsl.Float(f)
		}
	}
	return dsl.Int(int64(g.rng.IntN(3000)))
}

// pattern makes a LIKE pattern from one of the key's values, with some
// characters replaced by _ and runs by %.
func (g *Gen) pattern(key string) string {
	r := []rune(g.value(key).Text())
	var b strings.Builder
	for i := 0; i < len(r); i++ {
		switch g.rng.IntN(8) {
		case 0:
			b.WriteByte('_')
		case 1:
			b.WriteByte('%')
			i += g.rng.IntN(3)
		case 2:
			if r[i] == '%' || r[i] == '_' || r[i] == '\\' {
				b.WriteByte('\\')
			}
			b.WriteRune(r[i])
		default:
			if r[i] == '%' || r[i] == '_' || r[i] == '\\' {
				b.WriteByte('\\')
			}
			b.WriteRune(r[i])
		}
	}
	return b.String()
}

// regexp makes a regular expression from a piece of one of the key's
// values, anchored or not, with a character made any.
func (g *Gen) regexp(key string) string {
	r := []rune(g.value(key).Text())
	if len(r) == 0 {
		return [...]string{"", "^$", "."}[g.rng.IntN(3)]
	}
	i := g.rng.IntN(len(r))
	j := i + 1 + g.rng.IntN(len(r)-i)
	var b strings.Builder
	if i == 0 && g.rng.IntN(2) == 0 {
		b.WriteByte('^')
	}
	for k, c := range r[i:j] {
		if k > 0 && g.rng.IntN(6) == 0 {
			b.WriteByte('.')
		} else {
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	if j == len(r) && g.rng.IntN(2) == 0 {
		b.WriteByte('$')
	}
	if g.rng.IntN(5) == 0 {
		b.WriteString("|" + regexp.QuoteMeta(string(r[0])))
	}
	return b.String()
}

// Query returns a random query, nested below depth; call it with 0.
func (g *Gen) Query(depth int) dsl.Query {
	n := 9
	if depth > 2 {
		n = 7
	}
	key := g.keys[g.rng.IntN(len(g.keys))]
	switch g.rng.IntN(n) {
	case 3:
		switch g.rng.IntN(3) {
		case 0:
			return dsl.RangeQuery{Key: dsl.Key(key), Lower: dsl.Bound{Value: g.number(key), Inclusive: g.rng.IntN(2) == 0}}
		case 1:
			return dsl.RangeQuery{Key: dsl.Key(key), Upper: dsl.Bound{Value: g.number(key), Inclusive: g.rng.IntN(2) == 0}}
		}
		return dsl.Between(dsl.Key(key), g.number(key), g.number(key))
	case 4:
		switch g.rng.IntN(4) {
		case 0:
			p := g.pattern(key)
			if g.rng.IntN(2) == 0 {
				p = strings.ToUpper(p)
			} else {
				p = strings.ToLower(p)
			}
			return dsl.ILike(dsl.Key(key), p)
		case 1:
			return dsl.Regexp(dsl.Key(key), g.regexp(key))
		}
		return dsl.Like(dsl.Key(key), g.pattern(key))
	case 5:
		return dsl.Exists(dsl.Key(key))
	case 6:
		return dsl.Not(g.Query(depth + 1))
	}
	switch g.rng.IntN(n - 4) {
	case 0:
		return dsl.MatchQuery{Key: dsl.Key(key), Value: g.value(key)}
	case 1:
		return dsl.ContainQuery{Key: dsl.Key(key), Value: g.value(key)}
	case 2:
		vs := make([]dsl.Value, 1+g.rng.IntN(3))
		for i := range vs {
			vs[i] = g.value(key)
		}
		return dsl.InQuery{Key: dsl.Key(key), Values: vs}
	}
	qs := make([]dsl.Query, 1+g.rng.IntN(3))
	for i := range qs {
		qs[i] = g.Query(depth + 1)
	}
	switch g.rng.IntN(3) {
	case 0:
		return dsl.AndQuery{Queries: qs}
	case 1:
		return dsl.OrQuery{Queries: qs}
	}
	return dsl.ObjectQuery{Queries: qs}
}
