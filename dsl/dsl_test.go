package dsl_test

import (
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/dsl"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

const examples = "../testdata/examples"

// docID is the file ID used throughout BIMFACE's query documentation.
const docID = "1124890692330272"

// built holds each documented example written with the builder.
var built = map[string]dsl.Request{
	"1-contain": dsl.File(docID).Where(dsl.Contain(dsl.Floor, "F")),
	"2-match":   dsl.File(docID).Where(dsl.Match(dsl.Floor, "F11")),
	"3-bool-and": dsl.File(docID).Where(dsl.And(
		dsl.Contain(dsl.Floor, "F"),
		dsl.Match(dsl.Family, "标准"),
	)),
	"4-bool-or": dsl.File(docID).Where(dsl.Or(
		dsl.Match(dsl.Floor, "F11"),
		dsl.Match(dsl.Family, "标准"),
	)),
	"5-sql-example": dsl.File(docID).Where(dsl.Or(
		dsl.Match("productID", "KDKE-B-9947-#kL5"),
		dsl.And(
			dsl.Match("productID", "JODL-X-1937-#pV7"),
			dsl.Match("price", 30),
		),
	)),
	"6-complex": dsl.File(docID).Where(dsl.Object(
		dsl.Contain(dsl.Floor, "B01"),
		dsl.Contain(dsl.FamilyType, "标准"),
		dsl.Match(dsl.Family, "family1"),
		dsl.And(
			dsl.Match(dsl.CategoryID, "id111"),
			dsl.Match(dsl.BoundingBoxMinX, dsl.Number("167899.9999999998")),
		),
		dsl.Or(
			dsl.Match("productID", "KDKE-B-9947-#kL5"),
			dsl.And(
				dsl.Match("productID", "JODL-X-1937-#pV7"),
				dsl.Match("price", 30),
			),
		),
	)),
	"7-in": dsl.File(docID).Where(dsl.In(dsl.Floor, "F1", "F2", "F3")),
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join(examples, name+".json")
	if *update {
		require.NoError(t, os.WriteFile(path, append(got, '\n'), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, strings.TrimSpace(string(want)), string(got))
}

func TestBuilderMatchesGolden(t *testing.T) {
	for name, r := range built {
		t.Run(name, func(t *testing.T) {
			got, err := r.MarshalJSON()
			require.NoError(t, err)
			golden(t, name, got)
		})
	}
}

// TestDocumentedExamples reads every DSL example of BIMFACE's
// documentation as printed there and writes it back: same shape, same
// literals, same bytes as the builder's.
func TestDocumentedExamples(t *testing.T) {
	docs, err := filepath.Glob(filepath.Join(examples, "*.doc.json"))
	require.NoError(t, err)
	require.Len(t, docs, len(built))
	for _, path := range docs {
		name := strings.TrimSuffix(filepath.Base(path), ".doc.json")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			r, err := dsl.Unmarshal(data)
			require.NoError(t, err)
			got, err := r.MarshalJSON()
			require.NoError(t, err)
			golden(t, name, got)

			// The documented JSON and our output hold the same data.
			var doc, out any
			require.NoError(t, json.Unmarshal(data, &doc))
			require.NoError(t, json.Unmarshal(got, &out))
			require.Empty(t, cmp.Diff(doc, out))
			require.True(t, dsl.Equivalent(r, built[name]))
		})
	}
}

func TestNumberLiteralsKept(t *testing.T) {
	for _, lit := range []string{"30", "30.0", "167899.9999999998", "-0.5", "1e3", "1E+300", "12345678901234567890123", "0"} {
		t.Run(lit, func(t *testing.T) {
			in := `{"targetType":"file","targetIds":[1124890692330272],"query":{"match":{"price":` + lit + `}}}`
			r, err := dsl.Unmarshal([]byte(in))
			require.NoError(t, err)
			want := `{"targetType":"file","targetIds":["1124890692330272"],"query":{"match":{"price":` + lit + `}}}`
			require.Equal(t, want, r.String())
		})
	}
}

func TestValueOf(t *testing.T) {
	for _, tc := range []struct {
		in   any
		want string
	}{
		{"F1", `"F1"`},
		{30, `30`},
		{int8(-3), `-3`},
		{uint64(18446744073709551615), `18446744073709551615`},
		{2.5, `2.5`},
		{float32(0.1), `0.10000000149011612`},
		{167899.9999999998, `167899.9999999998`},
		{true, `true`},
		{json.Number("3000.0"), `3000.0`},
		{dsl.Number("1e3"), `1e3`},
		{"<&>\"\\\n\t\x01\u2028", `"<&>\"\\\n\t\u0001\u2028"`},
		{"\xff", "\"\ufffd\""},
	} {
		got, err := dsl.ValueOf(tc.in).MarshalJSON()
		require.NoError(t, err, "%v", tc.in)
		require.Equal(t, tc.want, string(got), "%#v", tc.in)
	}
}

func TestUnmarshalErrors(t *testing.T) {
	const head = `{"targetType":"file","targetIds":["1"],"query":`
	for _, tc := range []struct {
		name, in, want string
	}{
		{"not json", `{"targetType":`, `1:15: invalid JSON: unexpected end of JSON input`},
		{"broken json line", "{\n  \"targetType\": \"file\",\n  \"targetIds\": [1,]\n}", `3:19: invalid JSON: invalid character ']' looking for beginning of value`},
		{"empty", ``, `1:1: invalid JSON: unexpected end of JSON input`},
		{"not utf-8", "{\"targetType\":\"file\",\"targetIds\":[\"\xff\"]}", `1:36: invalid JSON: text is not valid UTF-8`},
		{"not object", `[1]`, `a DSL request must be a JSON object, not an array`},
		{"unknown field", `{"targetType":"file","foo":1}`, `foo: unknown field; valid fields are targetType, targetIds, query`},
		{"duplicate field", `{"targetType":"file","targetType":"file"}`, `targetType: duplicate key`},
		{"missing target type", `{"targetIds":["1"],"query":{"match":{"a":1}}}`, `targetType: missing; must be "file" or "integration"`},
		{"unknown target type", `{"targetType":"model"}`, `targetType: unknown target type "model"; must be "file" or "integration"`},
		{"target type not string", `{"targetType":1}`, `targetType: must be "file" or "integration", not a number`},
		{"missing ids", `{"targetType":"file","query":{"match":{"a":1}}}`, `targetIds: missing`},
		{"empty ids", `{"targetType":"file","targetIds":[]}`, `targetIds: must hold at least one id`},
		{"ids not array", `{"targetType":"file","targetIds":"1"}`, `targetIds: must be an array of ids, not a string`},
		{"fractional id", `{"targetType":"file","targetIds":["1",1.5]}`, `targetIds[1]: id must be a string or an integer, not 1.5`},
		{"null id", `{"targetType":"file","targetIds":[null]}`, `targetIds[0]: id must be a string or an integer, not null`},
		{"empty id", `{"targetType":"file","targetIds":[""]}`, `targetIds[0]: id must not be empty`},
		{"missing query", `{"targetType":"file","targetIds":["1"]}`, `query: missing`},
		{"query not object", head + `[]}`, `query: must be a query object, not an array`},
		{"empty query", head + `{}}`, `query: must hold at least one clause (match, contain, in, boolAnd, boolOr)`},
		{"unknown clause", head + `{"mach":{"a":1}}}`, `query.mach: unknown clause "mach"; valid clauses are match, contain, in, boolAnd, boolOr`},
		{"empty match", head + `{"match":{}}}`, `query.match: must hold at least one key`},
		{"empty contain", head + `{"contain":{}}}`, `query.contain: must hold at least one key`},
		{"match not object", head + `{"match":"floor"}}`, `query.match: must be an object of property keys, not a string`},
		{"null value", head + `{"boolOr":[{"match":{"a":1}},{"match":{"price":null}}]}}`, `query.boolOr[1].match.price: value must be a string, number or boolean, not null`},
		{"object value", head + `{"contain":{"floor":{"x":1}}}}`, `query.contain.floor: value must be a string, number or boolean, not an object`},
		{"array value", head + `{"match":{"boundingBox.min.x":[1]}}}`, `query.match["boundingBox.min.x"]: value must be a string, number or boolean, not an array`},
		{"chinese key", head + `{"match":{"楼层":null}}}`, `query.match.楼层: value must be a string, number or boolean, not null`},
		{"empty key", head + `{"match":{"":1}}}`, `query.match[""]: key must not be empty`},
		{"duplicate key", head + `{"match":{"a":1,"a":2}}}`, `query.match.a: duplicate key`},
		{"duplicate clause", head + `{"match":{"a":1},"match":{"b":2}}}`, `query.match: duplicate clause`},
		{"empty boolAnd", head + `{"boolAnd":[]}}`, `query.boolAnd: must hold at least one query`},
		{"empty boolOr", head + `{"boolAnd":[{"boolOr":[]}]}}`, `query.boolAnd[0].boolOr: must hold at least one query`},
		{"boolOr not array", head + `{"boolOr":{"match":{"a":1}}}}`, `query.boolOr: must be an array of query objects, not an object`},
		{"boolAnd member not object", head + `{"boolAnd":[{"match":{"a":1}},"x"]}}`, `query.boolAnd[1]: must be a query object, not a string`},
		{"empty in object", head + `{"in":{}}}`, `query.in: must hold at least one key`},
		{"empty in list", head + `{"in":{"floor":[]}}}`, `query.in.floor: must list at least one value`},
		{"in not list", head + `{"in":{"floor":"F1"}}}`, `query.in.floor: must be an array of values, not a string`},
		{"in null member", head + `{"in":{"floor":["F1",null]}}}`, `query.in.floor[1]: value must be a string, number or boolean, not null`},
		{"too deep", head + strings.Repeat(`{"boolAnd":[`, 258) + `{"match":{"a":1}}` + strings.Repeat(`]}`, 258) + `}`, `query` + strings.Repeat(`.boolAnd[0]`, 256) + `: queries nest deeper than 256 levels`},
		{"far too deep", strings.Repeat(`[`, 100000), `1:521: JSON nests deeper than 520 levels`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := dsl.Unmarshal([]byte(tc.in))
			require.EqualError(t, err, tc.want)
			var de *dsl.Error
			require.ErrorAs(t, err, &de)
		})
	}
}

func TestValidateErrors(t *testing.T) {
	ok := dsl.Match(dsl.Floor, "F1")
	for _, tc := range []struct {
		name string
		r    dsl.Request
		want string
	}{
		{"zero", dsl.Request{}, `targetType: missing; must be "file" or "integration"`},
		{"bad type", dsl.NewRequest("model", "1").Where(ok), `targetType: unknown target type "model"; must be "file" or "integration"`},
		{"no ids", dsl.File().Where(ok), `targetIds: must hold at least one id`},
		{"empty id", dsl.File("1", "").Where(ok), `targetIds[1]: id must not be empty`},
		{"no query", dsl.File("1"), `query: missing`},
		{"empty and", dsl.File("1").Where(dsl.And()), `query.boolAnd: must hold at least one query`},
		{"empty or in and", dsl.File("1").Where(dsl.And(ok, dsl.Or())), `query.boolAnd[1].boolOr: must hold at least one query`},
		{"empty in", dsl.File("1").Where(dsl.In(dsl.Floor)), `query.in.floor: must list at least one value`},
		{"bad go value", dsl.File("1").Where(dsl.Or(ok, dsl.Match("price", []int{1}))), `query.boolOr[1].match.price: value must be a string, number or boolean, not a value of type []int`},
		{"nil value", dsl.File("1").Where(dsl.Contain("price", nil)), `query.contain.price: value must be a string, number or boolean, not null`},
		{"nan", dsl.File("1").Where(dsl.In("price", 1, math.NaN())), `query.in.price[1]: value must be a string, number or boolean, not NaN`},
		{"bad literal", dsl.File("1").Where(dsl.Match("price", dsl.Number("030"))), `query.match.price: invalid number literal "030"`},
		{"empty key", dsl.File("1").Where(dsl.Match("", 1)), `query.match[""]: key must not be empty`},
		{"empty object", dsl.File("1").Where(dsl.Object()), `query: must hold at least one clause`},
		{"nil query", dsl.File("1").Where(dsl.And(ok, nil)), `query.boolAnd[1]: missing query`},
		{"object overflow", dsl.File("1").Where(dsl.Object(ok, dsl.Match(dsl.Floor, dsl.Number("x")))), `query.boolAnd[0].match.floor: invalid number literal "x"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.EqualError(t, tc.r.Validate(), tc.want)
			_, err := json.Marshal(tc.r)
			require.Error(t, err)
		})
	}
}

func TestObjectLayout(t *testing.T) {
	for _, tc := range []struct {
		name string
		q    dsl.Query
		want string
	}{
		{"keys share a clause", dsl.Object(dsl.Match("a", 1), dsl.Contain("b", "x"), dsl.Match("c", 2)),
			`{"match":{"a":1,"c":2},"contain":{"b":"x"}}`},
		{"same key twice overflows", dsl.Object(dsl.Match("a", 1), dsl.Match("a", 2)),
			`{"match":{"a":1},"boolAnd":[{"match":{"a":2}}]}`},
		{"second or overflows", dsl.Object(dsl.Or(dsl.Match("a", 1), dsl.Match("b", 1)), dsl.Or(dsl.Match("c", 1), dsl.Match("d", 1))),
			`{"boolOr":[{"match":{"a":1}},{"match":{"b":1}}],"boolAnd":[{"boolOr":[{"match":{"c":1}},{"match":{"d":1}}]}]}`},
		{"ands merge", dsl.Object(dsl.And(dsl.Match("a", 1)), dsl.In("f", "x"), dsl.And(dsl.Match("b", 1))),
			`{"boolAnd":[{"match":{"a":1}},{"match":{"b":1}}],"in":{"f":["x"]}}`},
		{"nested object", dsl.Object(dsl.Match("a", 1), dsl.Object(dsl.Match("b", 1), dsl.Match("c", 1))),
			`{"match":{"a":1},"boolAnd":[{"match":{"b":1,"c":1}}]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := json.Marshal(tc.q)
			require.NoError(t, err)
			require.Equal(t, tc.want, string(got))
			back, err := dsl.UnmarshalQuery(got)
			require.NoError(t, err)
			require.True(t, dsl.EquivalentQuery(tc.q, back), dsl.DiffQuery(tc.q, back))
		})
	}
}

func TestBuilderIsImmutable(t *testing.T) {
	parts := []dsl.Query{dsl.Match(dsl.Floor, "F1")}
	and := dsl.And(parts...)
	parts[0] = dsl.Match(dsl.Floor, "F2") // the caller's slice is not shared
	require.Equal(t, `{"boolAnd":[{"match":{"floor":"F1"}}]}`, string(must(json.Marshal(and))))

	ids := []string{"1"}
	base := dsl.File(ids...).Where(dsl.Match(dsl.Floor, "F1")).Where(dsl.Match(dsl.Family, "a"))
	ids[0] = "2"
	before := base.String()
	walls := base.Where(dsl.Contain(dsl.CategoryName, "墙"))
	doors := base.Where(dsl.Contain(dsl.CategoryName, "门"))
	retarget := base.WithTargets("9")
	require.Equal(t, before, base.String())
	require.Equal(t, `{"targetType":"file","targetIds":["1"],"query":{"boolAnd":[{"match":{"floor":"F1"}},{"match":{"family":"a"}}]}}`, before)
	require.Contains(t, walls.String(), `{"contain":{"categoryName":"墙"}}]}}`)
	require.Contains(t, doors.String(), `{"contain":{"categoryName":"门"}}]}}`)
	require.NotContains(t, doors.String(), "墙")
	require.Equal(t, []string{"9"}, retarget.TargetIDs())
	got := base.TargetIDs()
	got[0] = "x"
	require.Equal(t, []string{"1"}, base.TargetIDs())
}

func TestStandardKeys(t *testing.T) {
	keys := dsl.StandardKeys()
	require.Len(t, keys, 26)
	require.True(t, dsl.BoundingBoxMaxZ.IsStandard())
	require.False(t, dsl.Key("体积").IsStandard())
	keys[0] = "x"
	require.Equal(t, dsl.Specialty, dsl.StandardKeys()[0])
}

func TestSelect(t *testing.T) {
	for in, want := range map[string]dsl.Select{"elementId": dsl.SelectElements, "ELEMENTIDS": dsl.SelectElements, "roomIds": dsl.SelectRooms, "areaid": dsl.SelectAreas} {
		got, err := dsl.ParseSelect(in)
		require.NoError(t, err)
		require.Equal(t, want, got)
	}
	_, err := dsl.ParseSelect("floorId")
	require.EqualError(t, err, `unknown selection "floorId": must be elementId, roomId or areaId`)
	require.Equal(t, "areaIds", dsl.SelectAreas.IDsField())
}

func TestIsNumber(t *testing.T) {
	for s, want := range map[string]bool{
		"30": true, "30.0": true, "1e3": true, "-0": true, "0.5": true, "1E-7": true, "-12.5e+3": true,
		" 30": false, "030": false, "+30": false, "NaN": false, "1,200": false, "": false, "-": false,
		"1.": false, ".5": false, "1e": false, "1e+": false, "30 ": false, "0x10": false, "Infinity": false,
	} {
		require.Equal(t, want, dsl.IsNumber(s), s)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestErrorLongLine shows a long source line cut around the character
// the error points at, the caret still under it.
func TestErrorLongLine(t *testing.T) {
	line := strings.Repeat("楼", 150) + "X" + strings.Repeat("b", 150)
	e := &dsl.Error{Pos: dsl.Position{Line: 1, Column: 151}, Msg: "here", Source: line}
	want := "1:151: here\n  ..." + strings.Repeat("楼", 60) + "X" + strings.Repeat("b", 59) + "...\n  " + strings.Repeat(" ", 3+2*60) + "^"
	require.Equal(t, want, e.Error())
	short := &dsl.Error{Pos: dsl.Position{Line: 1, Column: 3}, Msg: "here", Source: "abcdef"}
	require.Equal(t, "1:3: here\n  abcdef\n    ^", short.Error())
}
