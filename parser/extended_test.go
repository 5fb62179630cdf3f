package parser_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/parser"
)

func TestCompileWholeLanguage(t *testing.T) {
	const from = "SELECT elementId FROM file 1 WHERE "
	for _, tc := range []struct {
		name, src, want string
	}{
		{"not", from + `NOT floor = 'F01'`, `{"not":{"match":{"floor":"F01"}}}`},
		{"not not", from + `NOT NOT floor = 'F01'`, `{"not":{"not":{"match":{"floor":"F01"}}}}`},
		{"not equal", from + `floor != 'F01' OR floor <> 'F02'`, `{"boolOr":[{"not":{"match":{"floor":"F01"}}},{"not":{"match":{"floor":"F02"}}}]}`},
		{"comparisons", from + `a < 1 AND b <= 2.5 AND c > -3 AND d >= 1e3`, `{"boolAnd":[{"range":{"a":{"lt":1}}},{"range":{"b":{"lte":2.5}}},{"range":{"c":{"gt":-3}}},{"range":{"d":{"gte":1e3}}}]}`},
		{"between", from + `体积 BETWEEN 2 AND 5.5`, `{"range":{"体积":{"gte":2,"lte":5.5}}}`},
		{"not between", from + `体积 NOT BETWEEN 2 AND 5.5`, `{"not":{"range":{"体积":{"gte":2,"lte":5.5}}}}`},
		{"like", from + `familyType LIKE 'C18%' AND name LIKE '_门\_%'`, `{"boolAnd":[{"like":{"familyType":"C18%"}},{"like":{"name":"_门\\_%"}}]}`},
		{"like contain stays contain", from + `name LIKE '%门%'`, `{"contain":{"name":"门"}}`},
		{"not like", from + `name NOT LIKE 'C%'`, `{"not":{"like":{"name":"C%"}}}`},
		{"not contains", from + `name NOT CONTAINS '门'`, `{"not":{"contain":{"name":"门"}}}`},
		{"not in", from + `floor NOT IN ('F01', 'F02')`, `{"not":{"in":{"floor":["F01","F02"]}}}`},
		{"is null", from + `roomId IS NULL AND 体积 IS NOT NULL`, `{"boolAnd":[{"not":{"exists":{"field":"roomId"}}},{"exists":{"field":"体积"}}]}`},
		{"not binds tightest", from + `NOT a = 1 AND b = 2 OR c = 3`, `{"boolOr":[{"boolAnd":[{"not":{"match":{"a":1}}},{"match":{"b":2}}]},{"match":{"c":3}}]}`},
		{"not group", from + `NOT (a = 1 OR b = 2)`, `{"not":{"boolOr":[{"match":{"a":1}},{"match":{"b":2}}]}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := parser.Compile(tc.src)
			require.NoError(t, err)
			got, err := dsl.ExtendedJSON(st.Request.Query())
			require.NoError(t, err)
			require.Equal(t, tc.want, string(got))
			// The text it formats to compiles to the same query.
			text, err := parser.Format(st)
			require.NoError(t, err)
			back, err := parser.Compile(text)
			require.NoError(t, err)
			again, err := dsl.ExtendedJSON(back.Request.Query())
			require.NoError(t, err)
			require.Equal(t, tc.want, string(again), text)
		})
	}
}

func TestWholeLanguageErrors(t *testing.T) {
	const from = "SELECT elementId FROM file 1 WHERE "
	for _, tc := range []struct {
		name, src, want string
	}{
		{"string range", from + `体积 < 'big'`, `1:41: < compares numbers, and 'big' is a string
  SELECT elementId FROM file 1 WHERE 体积 < 'big'
                                            ^`},
		{"bool between", from + `a BETWEEN 1 AND true`, `1:52: BETWEEN compares numbers, and true is a boolean
  SELECT elementId FROM file 1 WHERE a BETWEEN 1 AND true
                                                     ^`},
		{"numeric string", from + `a >= '30'`, `1:41: >= compares numbers, and '30' is a string
  SELECT elementId FROM file 1 WHERE a >= '30'
                                          ^`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parser.Compile(tc.src)
			require.EqualError(t, err, tc.want)
		})
	}
}

func TestExplain(t *testing.T) {
	st, err := parser.Compile(`explain SELECT elementId FROM file 1 WHERE a != 1`)
	require.NoError(t, err)
	require.True(t, st.Explain)
	text, err := parser.Format(st)
	require.NoError(t, err)
	require.Equal(t, `EXPLAIN SELECT elementId FROM file 1 WHERE a != 1`, text)
	st, err = parser.CompileDSL(`EXPLAIN SELECT elementId FROM file 1 WHERE a = 1`)
	require.NoError(t, err)
	require.True(t, st.Explain)
}

func TestFormatBuilderOperators(t *testing.T) {
	q := dsl.And(
		dsl.Ne(dsl.Floor, "F01"),
		dsl.Lt("体积", 2), dsl.Le("a", 1), dsl.Gt("b", 1), dsl.Ge("c", 1),
		dsl.Between("d", 1, 2),
		dsl.Not(dsl.Between("e", 1, 2)),
		dsl.Not(dsl.Lt("f", 2)),
		dsl.Like("g", "C18%"),
		dsl.Exists("h"), dsl.IsNull("i"),
		dsl.NotIn("j", 1, 2),
		dsl.Not(dsl.Or(dsl.Match("k", 1), dsl.Match("l", 2))),
	)
	text := parser.FormatQuery(q)
	require.Equal(t, `floor != 'F01' AND 体积 < 2 AND a <= 1 AND b > 1 AND c >= 1 AND d BETWEEN 1 AND 2 AND e NOT BETWEEN 1 AND 2 AND NOT f < 2 AND g LIKE 'C18%' AND h IS NOT NULL AND i IS NULL AND j NOT IN (1, 2) AND NOT (k = 1 OR l = 2)`, text)
	st, err := parser.Compile("SELECT elementId FROM file 1 WHERE " + text)
	require.NoError(t, err)
	require.True(t, dsl.EquivalentQuery(q, st.Request.Query()), dsl.DiffQuery(q, st.Request.Query()))
}
