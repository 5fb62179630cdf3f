package dsl_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/parser"
)

func ExampleRequest_Select() {
	walls := dsl.File("1124890692330272").Where(dsl.Match(dsl.CategoryName, "墙"))
	st := walls.Select(dsl.Floor, dsl.Count(), dsl.Sum("体积").As("volume")).
		GroupBy(dsl.Floor).
		Having(dsl.Gt("volume", 10)).
		OrderBy(dsl.Desc(dsl.Sum("体积")), dsl.Asc(dsl.Floor)).
		Limit(3)
	text, err := parser.Format(st)
	fmt.Println(text, err)
	fmt.Println(st.Request) // what BIMFACE is asked: the filter
	// Output:
	// SELECT floor, COUNT(*), SUM(体积) AS volume FROM file 1124890692330272 WHERE categoryName = '墙' GROUP BY floor HAVING volume > 10 ORDER BY SUM(体积) DESC, floor LIMIT 3 <nil>
	// {"targetType":"file","targetIds":["1124890692330272"],"query":{"match":{"categoryName":"墙"}}}
}

func ExampleStatement_Of() {
	rooms := dsl.File("1124890692330272").Select(dsl.ID(), dsl.Name, dsl.Col("面积")).
		Of(dsl.SelectRooms).
		Where(dsl.Gt("面积", 100))
	text, _ := parser.Format(rooms)
	fmt.Println(text)
	// Output:
	// SELECT roomId, name, 面积 FROM file 1124890692330272 WHERE 面积 > 100
}

// Aggregates over rooms: Of says what the records are, and the text says
// it in FROM, as no ID column does.
func ExampleStatement_Of_aggregates() {
	st := dsl.File("1124890692330272").Select(dsl.Floor, dsl.Count(), dsl.Sum("面积")).
		Of(dsl.SelectRooms).
		GroupBy(dsl.Floor).
		OrderBy(dsl.Desc(dsl.Sum("面积")))
	text, _ := parser.Format(st)
	fmt.Println(text)
	// Output:
	// SELECT floor, COUNT(*), SUM(面积) FROM rooms OF file 1124890692330272 GROUP BY floor ORDER BY SUM(面积) DESC
}

// TestStatementImmutable: each builder method returns a new statement,
// and a branch does not change its base.
func TestStatementImmutable(t *testing.T) {
	base := dsl.File("1").Select(dsl.Floor, dsl.Count()).GroupBy(dsl.Floor).OrderBy(dsl.Asc(dsl.Floor))
	a := base.GroupBy(dsl.Family).OrderBy(dsl.Desc(dsl.Count())).Having(dsl.Gt("COUNT(*)", 1))
	b := base.GroupBy(dsl.CategoryName).OrderBy(dsl.Asc(dsl.Count()))
	require.Equal(t, []dsl.Column{dsl.Col(dsl.Floor)}, base.Groups())
	require.Equal(t, []dsl.Column{dsl.Col(dsl.Floor), dsl.Col(dsl.Family)}, a.Groups())
	require.Equal(t, []dsl.Column{dsl.Col(dsl.Floor), dsl.Col(dsl.CategoryName)}, b.Groups())
	require.Equal(t, []dsl.Order{dsl.Asc(dsl.Floor)}, base.Orders())
	require.Equal(t, []dsl.Order{dsl.Asc(dsl.Floor), dsl.Asc(dsl.Count())}, b.Orders())
	require.Nil(t, base.HavingQuery())
	cols := base.Columns()
	cols[0] = dsl.Count()
	require.Equal(t, dsl.Col(dsl.Floor), base.Columns()[0])
	require.True(t, dsl.File("1").Where(dsl.Match("a", 1)).Select().Plain())
}

func TestStatementCheck(t *testing.T) {
	req := dsl.File("1")
	for _, tc := range []struct {
		name string
		st   dsl.Statement
		want string
	}{
		{"no query on a plain statement", dsl.Statement{Request: req}, "query: missing"},
		{"no target", dsl.File().Select(dsl.Name), "targetIds: must hold at least one id"},
		{"limit without a list", req.Where(dsl.Match("a", 1)).Select().Limit(3), "select: the statement needs a SELECT list for its GROUP BY, HAVING, ORDER BY, LIMIT or DISTINCT"},
		{"empty key", req.Select(dsl.Col("")), "select[0]: key must not be empty"},
		{"sum of nothing", req.Select(dsl.Column{Func: dsl.FuncSum}), "select[0]: SUM needs a key: only COUNT takes *"},
		{"distinct sum", req.Select(dsl.Column{Func: dsl.FuncSum, Key: "a", Distinct: true}), "select[0]: DISTINCT goes inside COUNT only"},
		{"having unknown", req.Select(dsl.Floor, dsl.Count()).GroupBy(dsl.Floor).Having(dsl.Gt("n", 1)), "having: HAVING tests n, which is neither a column of the SELECT list nor grouped"},
		{"having invalid", req.Select(dsl.Count()).Having(dsl.In("COUNT(*)")), `having.in["COUNT(*)"]: must list at least one value`},
		{"order by unknown alias", req.Select(dsl.Name).OrderBy(dsl.Asc(dsl.Col("x").As("y"))), "orderBy[0]: no column of the SELECT list is named y"},
		{"negative offset", req.Select(dsl.Name).Offset(-1), "offset: must not be negative"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.EqualError(t, tc.st.Check(), tc.want)
		})
	}
	require.NoError(t, req.Select(dsl.Floor, dsl.Count().As("n")).GroupBy(dsl.Floor).Having(dsl.Gt("n", 1)).OrderBy(dsl.Desc(dsl.Count())).Check())
}

func TestILikeAndRegexp(t *testing.T) {
	for _, tc := range []struct {
		q    dsl.Query
		text string
		want bool
	}{
		{dsl.ILike("a", "c18%"), "C18 混凝土", true},
		{dsl.ILike("a", "straße"), "STRASSE", false}, // simple folding: ß is not ss
		{dsl.ILike("a", "ǅ_"), "ǆx", true},
		{dsl.ILike("a", "k"), "\u212a", true}, // the Kelvin sign folds to k
		{dsl.ILike("a", "é%"), "Éa", true},
		{dsl.Like("a", "c18%"), "C18", false},
		{dsl.Regexp("a", "^C[0-9]+"), "C18 混凝土", true},
		{dsl.Regexp("a", "混凝"), "C18 混凝土", true},
		{dsl.Regexp("a", "^混凝"), "C18 混凝土", false},
	} {
		_, test, ok := dsl.TextTest(tc.q)
		require.True(t, ok)
		require.Equal(t, tc.want, test(tc.text), "%s on %q", dsl.Describe(tc.q), tc.text)
	}
	require.EqualError(t, dsl.CheckQuery(dsl.Regexp("a", "(")), "query.regexp.a: invalid regular expression: missing closing ): `(`")
	b, err := dsl.ExtendedJSON(dsl.And(dsl.ILike("a", "x%"), dsl.Regexp("b", "y")))
	require.NoError(t, err)
	require.Equal(t, `{"boolAnd":[{"ilike":{"a":"x%"}},{"regexp":{"b":"y"}}]}`, string(b))
}
