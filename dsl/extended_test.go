package dsl_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/dsl"
)

func TestExtendedRejectedOnTheWire(t *testing.T) {
	for _, tc := range []struct {
		name string
		q    dsl.Query
		want string
	}{
		{"not", dsl.Not(dsl.Match("a", 1)), `query: NOT has no clause in BIMFACE's query DSL, which has only match, contain, in, boolAnd and boolOr`},
		{"nested range", dsl.Or(dsl.Match("a", 1), dsl.And(dsl.Gt("体积", 2))), `query.boolOr[1].boolAnd[0]: > has no clause in BIMFACE's query DSL, which has only match, contain, in, boolAnd and boolOr`},
		{"like in object", dsl.Object(dsl.Match("a", 1), dsl.Like("b", "C%")), `query.boolAnd[0]: LIKE has no clause in BIMFACE's query DSL, which has only match, contain, in, boolAnd and boolOr`},
		{"exists", dsl.Exists("roomId"), `query: IS NOT NULL has no clause in BIMFACE's query DSL, which has only match, contain, in, boolAnd and boolOr`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.EqualError(t, dsl.File("1").Where(tc.q).Validate(), tc.want)
			require.False(t, dsl.Documented(tc.q))
			require.NoError(t, dsl.CheckQuery(tc.q))
		})
	}
	require.True(t, dsl.Documented(dsl.Object(dsl.Match("a", 1), dsl.Or(dsl.In("b", 1)))))
}

func TestCheckQuery(t *testing.T) {
	for _, tc := range []struct {
		name string
		q    dsl.Query
		want string
	}{
		{"string bound", dsl.Lt("体积", "2"), `query.range.体积.upper: < compares numbers, not string`},
		{"bad literal", dsl.Ge("a", dsl.Number("02")), `query.range.a.lower: invalid number literal "02"`},
		{"no bound", dsl.RangeQuery{Key: "a"}, `query.range.a: a range needs at least one bound`},
		{"two exclusive bounds", dsl.RangeQuery{Key: "a", Lower: dsl.Bound{Value: dsl.Int(1)}, Upper: dsl.Bound{Value: dsl.Int(2)}}, `query.range.a: a range with two bounds includes both (BETWEEN)`},
		{"not of nothing", dsl.Not(nil), `query.not: missing query`},
		{"bad inside not", dsl.Not(dsl.And()), `query.not.boolAnd: must hold at least one query`},
		{"empty like key", dsl.Like("", "x"), `query.like[""]: key must not be empty`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.EqualError(t, dsl.CheckQuery(tc.q), tc.want)
		})
	}
}

func TestNormalizeExtended(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   dsl.Query
		want string
	}{
		{"not not", dsl.Not(dsl.Not(dsl.Match("a", dsl.Number("1.0")))), `{"match":{"a":1}}`},
		{"like contain", dsl.Like("a", "%门%"), `{"contain":{"a":"门"}}`},
		{"range literal", dsl.Between("a", dsl.Number("1.50"), dsl.Number("2e1")), `{"range":{"a":{"gte":1.5,"lte":20}}}`},
		{"sorted", dsl.And(dsl.Exists("b"), dsl.Not(dsl.Like("a", "C%")), dsl.Exists("b")), `{"boolAnd":[{"exists":{"field":"b"}},{"not":{"like":{"a":"C%"}}}]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := dsl.ExtendedJSON(dsl.NormalizeQuery(tc.in))
			require.NoError(t, err)
			require.Equal(t, tc.want, string(got))
			require.True(t, dsl.EquivalentQuery(tc.in, dsl.NormalizeQuery(tc.in)))
		})
	}
	require.False(t, dsl.EquivalentQuery(dsl.Lt("a", 1), dsl.Le("a", 1)))
	require.Contains(t, dsl.DiffQuery(dsl.Lt("a", 1), dsl.Le("a", 1)), `Upper: "<= 1"`)
}

func TestContainText(t *testing.T) {
	for p, want := range map[string]string{"%x%": "x", "%%": "", "%": "", "%%a b%%": "a b", `%50\%%`: "50%", `%a\_b%`: "a_b", `%a\\b%`: `a\b`} {
		got, ok := dsl.ContainText(p)
		require.True(t, ok, p)
		require.Equal(t, want, got, p)
	}
	for _, p := range []string{"x%", "%x", "x", "%a_b%", "%a%b%", `%x\%`, ""} {
		_, ok := dsl.ContainText(p)
		require.False(t, ok, p)
	}
}

func TestLikeMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, text string
		want          bool
	}{
		{"C18%", "C18 混凝土", true},
		{"C18%", "C1", false},
		{"%.0", "3000.0", true},
		{"%.0", "3000", false},
		{"_门_", "单门扇", true},
		{"_门_", "门扇", false},
		{"%", "", true},
		{"", "", true},
		{"", "x", false},
		{`50\%`, "50%", true},
		{`50\%`, "500", false},
		{`a\_b`, "a_b", true},
		{`a\_b`, "axb", false},
		{"%a%b%", "xxaxxbxx", true},
		{"%a%b%", "xxbxxaxx", false},
		{"a%%%b", "ab", true},
		{"%%%%%%%%%%%%%%%%%%%%%%%%x", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false},
		{"Abc", "abc", false},
	} {
		require.Equal(t, tc.want, dsl.CompileLike(tc.pattern).Match(tc.text), "%q LIKE %q", tc.text, tc.pattern)
	}
}
