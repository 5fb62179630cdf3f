package parser_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/parser"
)

const examples = "../testdata/examples"

// TestDocumentedExamples compiles the query text of every documented
// example. Each gives exactly the documented JSON, except the complex
// example, whose mixed query object has no text form of its own: its text
// compiles to the equivalent boolAnd.
func TestDocumentedExamples(t *testing.T) {
	sqls, err := filepath.Glob(filepath.Join(examples, "*.sql"))
	require.NoError(t, err)
	require.Len(t, sqls, 7)
	for _, path := range sqls {
		name := strings.TrimSuffix(filepath.Base(path), ".sql")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(path)
			require.NoError(t, err)
			st, err := parser.Compile(string(src))
			require.NoError(t, err)
			require.Equal(t, dsl.SelectElements, st.Select)
			got, err := st.Request.MarshalJSON()
			require.NoError(t, err)
			want, err := os.ReadFile(filepath.Join(examples, name+".json"))
			require.NoError(t, err)
			wantReq, err := dsl.Unmarshal(want)
			require.NoError(t, err)
			if name == "6-complex" {
				require.True(t, dsl.Equivalent(wantReq, st.Request), dsl.Diff(wantReq, st.Request))
				return
			}
			require.Equal(t, strings.TrimSpace(string(want)), string(got))
		})
	}
}

func TestCompile(t *testing.T) {
	const from = "SELECT elementId FROM file 1 WHERE "
	for _, tc := range []struct {
		name, src, want string
	}{
		{"keywords any case", `select ELEMENTIDS From File 1 wHeRe floor = 'F1'`, `{"match":{"floor":"F1"}}`},
		{"double quotes", from + `floor = "F1"`, `{"match":{"floor":"F1"}}`},
		{"escapes", from + `name = 'it\'s \"x\" \\ \n \u00e9 \ud83d\ude00'`, `{"match":{"name":"it's \"x\" \\ \n é 😀"}}`},
		{"double quote in single", from + `name = 'say "hi"'`, `{"match":{"name":"say \"hi\""}}`},
		{"numbers", from + `a = -1.5e3 OR a = 0 OR a = 30 OR a = 167899.9999999998`, `{"boolOr":[{"match":{"a":-1.5e3}},{"match":{"a":0}},{"match":{"a":30}},{"match":{"a":167899.9999999998}}]}`},
		{"booleans", from + `a = true AND b = FALSE`, `{"boolAnd":[{"match":{"a":true}},{"match":{"b":false}}]}`},
		{"unicode ident", from + `楼层 = 'F1' AND 面积类型 CONTAINS '办公'`, `{"boolAnd":[{"match":{"楼层":"F1"}},{"contain":{"面积类型":"办公"}}]}`},
		{"dotted ident", from + `boundingBox.min.x = 1`, `{"match":{"boundingBox.min.x":1}}`},
		{"backticks", from + "`type name` = 1 AND `a#b|c*` = 2 AND `x``y` = 3 AND `from` = 4", `{"boolAnd":[{"match":{"type name":1}},{"match":{"a#b|c*":2}},{"match":{"x` + "`" + `y":3}},{"match":{"from":4}}]}`},
		{"keyword inside ident", from + `in楼层 = 1 AND and_x = 2 AND order.not = 3`, `{"boolAnd":[{"match":{"in楼层":1}},{"match":{"and_x":2}},{"match":{"order.not":3}}]}`},
		{"contains", from + `floor CONTAINS 'F'`, `{"contain":{"floor":"F"}}`},
		{"like contain", from + `floor LIKE '%F%'`, `{"contain":{"floor":"F"}}`},
		{"like escaped wildcards", from + `code LIKE '%50\%\_x%'`, `{"contain":{"code":"50%_x"}}`},
		{"like any", from + `code LIKE '%%'`, `{"contain":{"code":""}}`},
		{"in", from + `floor IN ('F1', "F2", 3, true)`, `{"in":{"floor":["F1","F2",3,true]}}`},
		{"== is =", from + `a == 1`, `{"match":{"a":1}}`},
		{"and binds tighter", from + `a = 1 OR b = 2 AND c = 3 OR d = 4`, `{"boolOr":[{"match":{"a":1}},{"boolAnd":[{"match":{"b":2}},{"match":{"c":3}}]},{"match":{"d":4}}]}`},
		{"parentheses", from + `(a = 1 OR b = 2) AND c = 3`, `{"boolAnd":[{"boolOr":[{"match":{"a":1}},{"match":{"b":2}}]},{"match":{"c":3}}]}`},
		{"redundant parentheses", from + `((a = 1))`, `{"match":{"a":1}}`},
		{"nested groups kept", from + `a = 1 AND (b = 2 AND c = 3)`, `{"boolAnd":[{"match":{"a":1}},{"boolAnd":[{"match":{"b":2}},{"match":{"c":3}}]}]}`},
		{"comments and lines", "SELECT elementId -- which\nFROM file 1 /* the file */\nWHERE a = 1;", `{"match":{"a":1}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := parser.Compile(tc.src)
			require.NoError(t, err)
			got, err := dsl.MarshalQuery(st.Request.Query())
			require.NoError(t, err)
			require.Equal(t, tc.want, string(got))
		})
	}
}

func TestCompileTargets(t *testing.T) {
	for _, tc := range []struct {
		src  string
		sel  dsl.Select
		want string
	}{
		{`SELECT roomIds FROM integration 1648888854324461 WHERE a = 1`, dsl.SelectRooms, `{"targetType":"integration","targetIds":["1648888854324461"],"query":{"match":{"a":1}}}`},
		{`SELECT areaId FROM file 1, 2, "73c94d28911743c681a89ea38f4543c0" WHERE a = 1`, dsl.SelectAreas, `{"targetType":"file","targetIds":["1","2","73c94d28911743c681a89ea38f4543c0"],"query":{"match":{"a":1}}}`},
	} {
		st, err := parser.Compile(tc.src)
		require.NoError(t, err)
		require.Equal(t, tc.sel, st.Select)
		require.Equal(t, tc.want, st.Request.String())
	}
}

func TestErrors(t *testing.T) {
	const from = "SELECT elementId FROM file 1 WHERE "
	for _, tc := range []struct {
		name, src, want string
	}{
		{"value expected", `SELECT elementId FROM file 1 WHERE floor = AND family = 'x'`, `1:44: expected a value after "=", found "AND"
  SELECT elementId FROM file 1 WHERE floor = AND family = 'x'
                                             ^`},
		{"empty", ``, `1:1: expected SELECT, found end of input`},
		{"selection", `SELECT`, `1:7: expected a column (elementId, roomId, areaId, a key, COUNT(*)…) after "SELECT", found end of input
  SELECT
        ^`},
		{"star", `SELECT * FROM file 1 WHERE a = 1`, `1:8: SELECT * is not supported: name the columns, e.g. SELECT elementId, name, floor
  SELECT * FROM file 1 WHERE a = 1
         ^`},
		{"from", `SELECT elementId WHERE a = 1`, `1:18: expected FROM after "elementId", found "WHERE"
  SELECT elementId WHERE a = 1
                   ^`},
		{"target kind", `SELECT elementId FROM files 1 WHERE a = 1`, `1:23: expected file or integration (or rooms OF, areas OF) after "FROM", found "files"
  SELECT elementId FROM files 1 WHERE a = 1
                        ^`},
		{"target id", `SELECT elementId FROM file WHERE a = 1`, `1:28: expected a target id (a number or a quoted string) after "file", found "WHERE"
  SELECT elementId FROM file WHERE a = 1
                             ^`},
		{"fractional target", `SELECT elementId FROM file 1.5 WHERE a = 1`, `1:28: target id must be an integer or a quoted string, not 1.5
  SELECT elementId FROM file 1.5 WHERE a = 1
                             ^`},
		{"where", `SELECT elementId FROM file 1 a = 1`, `1:30: expected ",", WHERE, GROUP BY, HAVING, ORDER BY, LIMIT or end of input after "1", found "a"
  SELECT elementId FROM file 1 a = 1
                               ^`},
		{"condition", from + `AND a = 1`, `1:36: expected a condition after "WHERE", found "AND"
  SELECT elementId FROM file 1 WHERE AND a = 1
                                     ^`},
		{"operator", from + `floor 'F1'`, `1:42: expected an operator (=, !=, <, <=, >, >=, IN, LIKE, CONTAINS, BETWEEN, IS) after "floor", found "'F1'"
  SELECT elementId FROM file 1 WHERE floor 'F1'
                                           ^`},
		{"dangling and", from + `a = 1 AND`, `1:45: expected a condition after "AND", found end of input
  SELECT elementId FROM file 1 WHERE a = 1 AND
                                              ^`},
		{"unclosed group", from + `(a = 1 OR b = 2`, `1:51: expected AND, OR or ")" after "2", found end of input
  SELECT elementId FROM file 1 WHERE (a = 1 OR b = 2
                                                    ^`},
		{"extra paren", from + `a = 1)`, `1:41: expected AND, OR, GROUP BY, HAVING, ORDER BY, LIMIT or end of input after "1", found ")"
  SELECT elementId FROM file 1 WHERE a = 1)
                                          ^`},
		{"in list", from + `a IN (1 2)`, `1:44: expected "," or ")" after "1", found "2"
  SELECT elementId FROM file 1 WHERE a IN (1 2)
                                             ^`},
		{"in without list", from + `a IN 1`, `1:41: expected "(" after "IN", found "1"
  SELECT elementId FROM file 1 WHERE a IN 1
                                          ^`},
		{"chinese columns", from + `楼层 = 'F1' AND 面积 =`, `1:54: expected a value after "=", found end of input
  SELECT elementId FROM file 1 WHERE 楼层 = 'F1' AND 面积 =
                                                           ^`},
		{"second line", "SELECT elementId FROM file 1\nWHERE 楼层 = 'F1'\n  AND 面积 = ", `3:12: expected a value after "=", found end of input
    AND 面积 = 
               ^`},
		{"unterminated string", from + `a = 'F1`, `1:40: unterminated string: no closing '
  SELECT elementId FROM file 1 WHERE a = 'F1
                                         ^`},
		{"bad character", from + `a = 1 & b = 2`, `1:42: unexpected character '&'
  SELECT elementId FROM file 1 WHERE a = 1 & b = 2
                                           ^`},
		{"bad escape", from + `a = 'x\qy'`, `1:42: unknown escape \q in string (quoted with ')
  SELECT elementId FROM file 1 WHERE a = 'x\qy'
                                           ^`},
		{"leading zero", from + `a = 030`, `1:40: invalid number 030: write numbers as JSON does (no leading zeros, digits on both sides of ".")
  SELECT elementId FROM file 1 WHERE a = 030
                                         ^`},
		{"plus", from + `a = +30`, `1:40: invalid number +30: numbers have no leading "+"
  SELECT elementId FROM file 1 WHERE a = +30
                                         ^`},
		{"null value", from + `a = NULL`, `1:40: NULL is not a value: a missing property is tested with IS NULL
  SELECT elementId FROM file 1 WHERE a = NULL
                                         ^`},
		{"like number", from + `a LIKE 1`, `1:43: LIKE needs a string pattern
  SELECT elementId FROM file 1 WHERE a LIKE 1
                                            ^`},
		{"empty backticks", from + "`` = 1", `1:36: empty property name
  SELECT elementId FROM file 1 WHERE ` + "``" + ` = 1
                                     ^`},
		{"end of input after a newline", from + "a =\n", `1:39: expected a value after "=", found end of input
  SELECT elementId FROM file 1 WHERE a =
                                        ^`},
		{"end of input after a comment", "SELECT elementId FROM file 1\r\nWHERE a = -- the value\r\n", `2:10: expected a value after "=", found end of input
  WHERE a = -- the value
           ^`},
		{"between without a value", from + "a BETWEEN AND 1", `1:46: expected a value after "BETWEEN", found "AND"
  SELECT elementId FROM file 1 WHERE a BETWEEN AND 1
                                               ^`},
		{"not between at the end", from + "a NOT BETWEEN", `1:49: expected a value after "BETWEEN", found end of input
  SELECT elementId FROM file 1 WHERE a NOT BETWEEN
                                                  ^`},
		{"half a surrogate pair", from + `a = '\ud800x'`, `1:41: invalid escape in string: \uD800 is half of a surrogate pair
  SELECT elementId FROM file 1 WHERE a = '\ud800x'
                                          ^`},
		{"invalid UTF-8", from + "a = 'x\xffy'", "1:42: text is not valid UTF-8\n  SELECT elementId FROM file 1 WHERE a = 'x\ufffdy'\n                                           ^"},
		{"too deep", from + strings.Repeat("(", 300) + "a = 1" + strings.Repeat(")", 300), `1:292: expression nests deeper than 256 levels`},
		{"trailing", from + `a = 1;;`, `1:42: expected end of input after ";", found ";"
  SELECT elementId FROM file 1 WHERE a = 1;;
                                           ^`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parser.Compile(tc.src)
			require.Error(t, err)
			got := err.Error()
			if tc.name == "too deep" {
				got, _, _ = strings.Cut(got, "\n")
			}
			require.Equal(t, tc.want, got)
			var de *dsl.Error
			require.ErrorAs(t, err, &de)
		})
	}
}

// TestCompileDSLErrors: what one DSL request cannot carry parses, and
// CompileDSL points at it.
func TestCompileDSLErrors(t *testing.T) {
	const from = "SELECT elementId FROM file 1 WHERE "
	for _, tc := range []struct {
		name, src, want string
	}{
		{"not", from + `a = 1 AND NOT b = 2`, `1:46: NOT has no clause in BIMFACE's query DSL (match, contain, in, boolAnd, boolOr); "bfquery query" answers it with a plan
  SELECT elementId FROM file 1 WHERE a = 1 AND NOT b = 2
                                               ^`},

		{"not equal", from + `楼层 != 'F1'`, `1:39: "!=" has no clause in BIMFACE's query DSL (match, contain, in, boolAnd, boolOr); "bfquery query" answers it with a plan
  SELECT elementId FROM file 1 WHERE 楼层 != 'F1'
                                          ^`},

		{"less", from + `体积 < 2`, `1:39: "<" has no clause in BIMFACE's query DSL (match, contain, in, boolAnd, boolOr); "bfquery query" answers it with a plan
  SELECT elementId FROM file 1 WHERE 体积 < 2
                                          ^`},

		{"between", from + `a BETWEEN 1 AND 2`, `1:38: BETWEEN has no clause in BIMFACE's query DSL (match, contain, in, boolAnd, boolOr); "bfquery query" answers it with a plan
  SELECT elementId FROM file 1 WHERE a BETWEEN 1 AND 2
                                       ^`},

		{"is null", from + `roomId IS NULL`, `1:43: IS NULL has no clause in BIMFACE's query DSL (match, contain, in, boolAnd, boolOr); "bfquery query" answers it with a plan
  SELECT elementId FROM file 1 WHERE roomId IS NULL
                                            ^`},

		{"not in", from + `a NOT IN (1)`, `1:38: NOT IN has no clause in BIMFACE's query DSL (match, contain, in, boolAnd, boolOr); "bfquery query" answers it with a plan
  SELECT elementId FROM file 1 WHERE a NOT IN (1)
                                       ^`},

		{"like prefix", from + `familyType LIKE 'C18%'`, `1:52: LIKE pattern 'C18%' has no clause in BIMFACE's query DSL, whose contain is LIKE '%text%'; "bfquery query" answers it with a plan
  SELECT elementId FROM file 1 WHERE familyType LIKE 'C18%'
                                                     ^`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parser.CompileDSL(tc.src)
			require.EqualError(t, err, tc.want)
			_, err = parser.Compile(tc.src)
			require.NoError(t, err)
		})
	}
}

// TestLongInput: very long and deeply nested input gives a result or an
// error, never a crash.
func TestLongInput(t *testing.T) {
	const from = "SELECT elementId FROM file 1 WHERE "
	long := from + strings.Repeat("floor = 'F1' AND ", 20000) + "floor = 'F2'"
	st, err := parser.Compile(long)
	require.NoError(t, err)
	require.Len(t, st.Request.Query().(dsl.AndQuery).Queries, 20001)

	deep := from + strings.Repeat("(a = 1 OR ", 200) + "a = 2" + strings.Repeat(")", 200)
	_, err = parser.Compile(deep)
	require.NoError(t, err)

	nots := from + strings.Repeat("NOT ", 100000) + "a = 1"
	_, err = parser.Compile(nots)
	require.ErrorContains(t, err, "expression nests deeper than 256 levels")
}

// TestDepthAgreesWithUnmarshal: what compiles reads back from its JSON,
// and what would not is an error where the limit is crossed, even when
// the parentheses alone stay under it (each holds an OR and an AND).
func TestDepthAgreesWithUnmarshal(t *testing.T) {
	const from = "SELECT elementId FROM file 1 WHERE "
	alternating := func(n int) string {
		s := "a = 1"
		for i := range n {
			s = "a = 1 " + [...]string{"OR", "AND"}[i%2] + " (" + s + ")"
		}
		return from + s
	}
	st, err := parser.CompileDSL(alternating(255))
	require.NoError(t, err)
	require.Equal(t, dsl.MaxDepth, dsl.Depth(st.Request.Query()))
	back, err := dsl.Unmarshal(st.Request.MustJSON())
	require.NoError(t, err)
	require.True(t, dsl.Equivalent(st.Request, back))

	firstLine := func(err error) string {
		require.Error(t, err)
		return strings.SplitN(err.Error(), "\n", 2)[0]
	}
	_, err = parser.CompileDSL(alternating(256))
	require.Equal(t, "1:36: expression nests deeper than 256 levels", firstLine(err))

	twoPerGroup := from + strings.Repeat("a = 1 OR b = 1 AND (", 130) + "c = 1" + strings.Repeat(")", 130)
	_, err = parser.Compile(twoPerGroup)
	require.Equal(t, "1:76: expression nests deeper than 256 levels", firstLine(err))
}
