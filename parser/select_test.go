package parser_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/parser"
)

// TestCompileSelect compiles statements with SELECT lists and checks the
// statement through its text form: Format writes every part it holds.
func TestCompileSelect(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
		plain           bool
	}{
		{"plain stays plain", `SELECT elementId FROM file 1 WHERE a = 1`, `SELECT elementId FROM file 1 WHERE a = 1`, true},
		{"no where", `select roomIds from file 1`, `SELECT roomId FROM file 1`, false},
		{"columns", "SELECT roomId, name, `体积`, 面积 AS area FROM file 1 WHERE 面积 > 100", `SELECT roomId, name, 体积, 面积 AS area FROM file 1 WHERE 面积 > 100`, false},
		{"group", `select floor, count(*) from file 1 group by floor`, `SELECT floor, COUNT(*) FROM file 1 GROUP BY floor`, false},
		{"aggregates", "SELECT COUNT(`体积`), COUNT(DISTINCT floor), SUM(体积), AVG(体积), MIN(name), MAX(体积) FROM file 1",
			`SELECT COUNT(体积), COUNT(DISTINCT floor), SUM(体积), AVG(体积), MIN(name), MAX(体积) FROM file 1`, false},
		{"having by alias and by expression", `SELECT floor, COUNT(*) AS n FROM file 1 GROUP BY floor HAVING n > 2 AND COUNT(*) < 9 AND floor != 'F01'`,
			`SELECT floor, COUNT(*) AS n FROM file 1 GROUP BY floor HAVING n > 2 AND n < 9 AND floor != 'F01'`, false},
		{"order limit offset", `SELECT floor, COUNT(*) FROM file 1 WHERE categoryName = '门' GROUP BY floor ORDER BY COUNT(*) DESC, floor ASC LIMIT 1 OFFSET 2`,
			`SELECT floor, COUNT(*) FROM file 1 WHERE categoryName = '门' GROUP BY floor ORDER BY COUNT(*) DESC, floor LIMIT 1 OFFSET 2`, false},
		{"order by alias", `SELECT name AS n FROM file 1 ORDER BY n DESC`, `SELECT name AS n FROM file 1 ORDER BY n DESC`, false},
		{"order by a key not selected", `SELECT elementId FROM file 1 WHERE a = 1 ORDER BY 体积`, `SELECT elementId FROM file 1 WHERE a = 1 ORDER BY 体积`, false},
		{"limit alone", `SELECT elementId FROM file 1 WHERE a = 1 LIMIT 20`, `SELECT elementId FROM file 1 WHERE a = 1 LIMIT 20`, false},
		{"distinct", `SELECT DISTINCT familyType FROM file 1 WHERE categoryName = '墙'`, `SELECT DISTINCT familyType FROM file 1 WHERE categoryName = '墙'`, false},
		{"targets", `SELECT targetId, COUNT(*) FROM file 1, 2 GROUP BY targetId`, `SELECT targetId, COUNT(*) FROM file 1, 2 GROUP BY targetId`, false},
		{"key spelled like an ID", "SELECT `roomId`, `targetId` FROM file 1", "SELECT `roomId`, `targetId` FROM file 1", false},
		{"keyword keys", "SELECT `order`, COUNT(*) FROM file 1 GROUP BY `order`", "SELECT `order`, COUNT(*) FROM file 1 GROUP BY `order`", false},
		{"aggregates over rooms", `select floor, count(*), sum(面积) from Rooms of file 1 group by floor`, `SELECT floor, COUNT(*), SUM(面积) FROM rooms OF file 1 GROUP BY floor`, false},
		{"columns of areas", `SELECT name, 面积 FROM area OF integration 1, 2 WHERE 面积 > 10 ORDER BY 面积 DESC`, `SELECT name, 面积 FROM areas OF integration 1, 2 WHERE 面积 > 10 ORDER BY 面积 DESC`, false},
		{"the ID column says it already", `SELECT roomId, name FROM rooms OF file 1`, `SELECT roomId, name FROM file 1`, false},
		{"a plain statement on rooms", `SELECT roomIds FROM rooms OF file 1 WHERE a = 1`, `SELECT roomId FROM file 1 WHERE a = 1`, true},
		{"elements, as without", `SELECT COUNT(*) FROM elements OF file 1`, `SELECT COUNT(*) FROM file 1`, false},
		{"a key named of", "SELECT `of`, COUNT(*) FROM rooms OF file 1 GROUP BY `of`", "SELECT `of`, COUNT(*) FROM rooms OF file 1 GROUP BY `of`", false},
		{"text matching", `SELECT elementId FROM file 1 WHERE a ILIKE 'c%' OR b ~ '^x' OR c REGEXP 'y' OR d NOT ILIKE 'z' OR e NOT REGEXP 'w'`,
			`SELECT elementId FROM file 1 WHERE a ILIKE 'c%' OR b REGEXP '^x' OR c REGEXP 'y' OR d NOT ILIKE 'z' OR e NOT REGEXP 'w'`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := parser.Compile(tc.src)
			require.NoError(t, err)
			require.Equal(t, tc.plain, st.Plain())
			text, err := parser.Format(st)
			require.NoError(t, err)
			require.Equal(t, tc.want, text)
		})
	}
}

func TestCompileSelectErrors(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"count beside a plain column", `SELECT floor, COUNT(name) FROM file 1`, `1:8: floor is neither in GROUP BY nor in an aggregate, so a group has no one value of it
  SELECT floor, COUNT(name) FROM file 1
         ^`},
		{"unknown function", `SELECT floor, total(体积) FROM file 1 GROUP BY floor`, `1:15: unknown function total: the aggregates are COUNT, SUM, AVG, MIN and MAX
  SELECT floor, total(体积) FROM file 1 GROUP BY floor
                ^`},
		{"star", `SELECT * FROM file 1`, `1:8: SELECT * is not supported: name the columns, e.g. SELECT elementId, name, floor
  SELECT * FROM file 1
         ^`},
		{"sum of star", `SELECT SUM(*) FROM file 1`, `1:11: SUM(*): only COUNT takes *; SUM takes a key
  SELECT SUM(*) FROM file 1
            ^`},
		{"distinct outside count", `SELECT AVG(DISTINCT a) FROM file 1`, `1:11: AVG(DISTINCT …): DISTINCT goes inside COUNT only
  SELECT AVG(DISTINCT a) FROM file 1
            ^`},
		{"order by a column not selected with distinct", `SELECT DISTINCT floor FROM file 1 ORDER BY name`, `1:44: with SELECT DISTINCT, ORDER BY takes columns of the SELECT list, and name is not one
  SELECT DISTINCT floor FROM file 1 ORDER BY name
                                             ^`},
		{"order by an ungrouped key", `SELECT floor, COUNT(*) FROM file 1 GROUP BY floor ORDER BY name`, `1:60: ORDER BY name: a group has no one value of it; order by a grouped key or an aggregate
  SELECT floor, COUNT(*) FROM file 1 GROUP BY floor ORDER BY name
                                                             ^`},
		{"order by an aggregate without grouping", `SELECT name FROM file 1 ORDER BY COUNT(*)`, `1:34: ORDER BY COUNT(*) needs GROUP BY or aggregates in the SELECT list
  SELECT name FROM file 1 ORDER BY COUNT(*)
                                   ^`},
		{"aggregate in where", `SELECT name FROM file 1 WHERE COUNT(*) > 1`, `1:31: COUNT(…) is an aggregate: conditions on aggregates go in HAVING, after GROUP BY
  SELECT name FROM file 1 WHERE COUNT(*) > 1
                                ^`},
		{"having an aggregate not selected", `SELECT floor FROM file 1 GROUP BY floor HAVING SUM(体积) > 1`, `1:48: HAVING tests SUM(体积), which is not in the SELECT list: add it there
  SELECT floor FROM file 1 GROUP BY floor HAVING SUM(体积) > 1
                                                 ^`},
		{"having a key not grouped", `SELECT floor, COUNT(*) FROM file 1 GROUP BY floor HAVING name = 'x'`, `1:58: HAVING tests name, which is neither a column of the SELECT list nor grouped
  SELECT floor, COUNT(*) FROM file 1 GROUP BY floor HAVING name = 'x'
                                                           ^`},
		{"id beside aggregates", `SELECT elementId, COUNT(*) FROM file 1`, `1:8: elementId cannot go beside aggregates: a row is a group of records; COUNT(*) counts them
  SELECT elementId, COUNT(*) FROM file 1
         ^`},
		{"group by an aggregate", `SELECT COUNT(*) FROM file 1 GROUP BY COUNT(*)`, `1:38: GROUP BY takes keys and targetId, not COUNT(*)
  SELECT COUNT(*) FROM file 1 GROUP BY COUNT(*)
                                       ^`},
		{"two columns of one name", `SELECT name, floor AS name FROM file 1`, `1:14: a second column named name: name one with AS
  SELECT name, floor AS name FROM file 1
               ^`},
		{"two kinds of ID", `SELECT roomId, areaId FROM file 1`, `1:16: a statement selects one of elementId, roomId and areaId, and roomId came first at 1:8
  SELECT roomId, areaId FROM file 1
                 ^`},
		{"records of another kind than the ID column", `SELECT roomId, name FROM areas OF file 1`, `1:8: roomId selects rooms, and FROM reads areas OF file: select areaId
  SELECT roomId, name FROM areas OF file 1
         ^`},
		{"unknown records", `SELECT COUNT(*) FROM walls OF file 1`, `1:22: FROM reads elements, rooms or areas OF a target, not walls
  SELECT COUNT(*) FROM walls OF file 1
                       ^`},
		{"OF missing", `SELECT COUNT(*) FROM rooms file 1`, `1:28: expected OF after "rooms", found "file"
  SELECT COUNT(*) FROM rooms file 1
                             ^`},
		{"target missing after OF", `SELECT COUNT(*) FROM rooms OF GROUP BY floor`, `1:31: expected file or integration after "OF", found "GROUP"
  SELECT COUNT(*) FROM rooms OF GROUP BY floor
                                ^`},
		{"limit zero", `SELECT name FROM file 1 LIMIT 0`, `1:31: LIMIT takes an integer of at least 1, not 0
  SELECT name FROM file 1 LIMIT 0
                                ^`},
		{"offset not a number", `SELECT name FROM file 1 LIMIT 2 OFFSET 'x'`, `1:40: OFFSET takes an integer of at least 0, not 'x'
  SELECT name FROM file 1 LIMIT 2 OFFSET 'x'
                                         ^`},
		{"limit missing", `SELECT name FROM file 1 LIMIT`, `1:30: expected a number after "LIMIT", found end of input
  SELECT name FROM file 1 LIMIT
                               ^`},
		{"bad regexp", `SELECT name FROM file 1 WHERE name ~ 'a(b'`, "1:38: invalid regular expression: missing closing ): `a(b`\n  SELECT name FROM file 1 WHERE name ~ 'a(b'\n                                       ^"},
		{"ilike needs a string", `SELECT name FROM file 1 WHERE name ILIKE 3`, `1:42: ILIKE needs a string pattern
  SELECT name FROM file 1 WHERE name ILIKE 3
                                           ^`},
		{"alias missing", `SELECT name AS FROM file 1`, `1:16: expected a name after "AS", found "FROM"
  SELECT name AS FROM file 1
                 ^`},
		{"after group by", `SELECT floor, COUNT(*) FROM file 1 GROUP BY floor x`, `1:51: expected ",", HAVING, ORDER BY, LIMIT or end of input after "floor", found "x"
  SELECT floor, COUNT(*) FROM file 1 GROUP BY floor x
                                                    ^`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parser.Compile(tc.src)
			require.Error(t, err)
			require.Equal(t, tc.want, err.Error())
			var de *dsl.Error
			require.ErrorAs(t, err, &de)
		})
	}
}

// TestCompileDSLSelect: what one DSL request carries is the filter; the
// rest runs client-side, and a statement without WHERE has no request.
func TestCompileDSLSelect(t *testing.T) {
	st, err := parser.CompileDSL(`SELECT floor, COUNT(*) FROM file 1 WHERE categoryName = '门' GROUP BY floor`)
	require.NoError(t, err)
	require.Equal(t, `{"targetType":"file","targetIds":["1"],"query":{"match":{"categoryName":"门"}}}`, st.Request.String())
	_, err = parser.CompileDSL(`SELECT roomId FROM file 1`)
	require.EqualError(t, err, `1:20: a statement without WHERE has no DSL request: BIMFACE lists every ID of a target without one; "bfquery query" answers it
  SELECT roomId FROM file 1
                     ^`)
	_, err = parser.CompileDSL(`SELECT name FROM file 1 WHERE name ILIKE 'a%'`)
	require.EqualError(t, err, `1:36: ILIKE has no clause in BIMFACE's query DSL (match, contain, in, boolAnd, boolOr); "bfquery query" answers it with a plan
  SELECT name FROM file 1 WHERE name ILIKE 'a%'
                                     ^`)
}
