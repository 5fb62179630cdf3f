package eval_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
	"github.com/bfquery/bfquery/parser"
)

const tableRecords = `{"elementId":"1","name":"A","floor":"F01","properties":[{"group":"尺寸","items":[{"key":"体积","value":2.5,"unit":"m³"},{"key":"长度","value":"1200"}]}]}
{"elementId":"2","name":"b","floor":"F01","properties":[{"group":"尺寸","items":[{"key":"体积","value":"3"},{"key":"长度","value":"n/a"}]}]}
{"elementId":"3","name":"C","floor":"F02","properties":[{"group":"尺寸","items":[{"key":"体积","value":true},{"key":"长度","value":900}]}]}
{"elementId":"4","name":"d","properties":[{"group":"x","items":[{"key":"floor","value":"F02"},{"key":"体积","value":30.0}]},{"group":"y","items":[{"key":"floor","value":"F09"}]}]}
{"elementId":"5","properties":[{"group":"x","items":[{"key":"name","value":"e"}]}],"name":"E"}
`

// TestRun checks the semantics of the package documentation on records
// chosen for them, table by table.
func TestRun(t *testing.T) {
	ix, err := eval.LoadIndex(strings.NewReader(tableRecords), "t.ndjson", dsl.SelectElements)
	require.NoError(t, err)
	c := eval.NewCache(eval.NewTarget(dsl.TargetFile, "1", ix, nil, nil), eval.NewTarget(dsl.TargetFile, "2", ix, nil, nil))
	for _, tc := range []struct{ name, src, want string }{
		{"first candidates and NULL", `SELECT elementId, name, floor FROM file 1`,
			"elementId\tname\tfloor\n'1'\t'A'\t'F01'\n'2'\t'b'\t'F01'\n'3'\t'C'\t'F02'\n'4'\t'd'\t'F02'\n'5'\t'E'\tNULL\n"},
		{"groups with NULL, in order of first record", `SELECT floor, COUNT(*), SUM(体积), AVG(体积), MIN(长度), MAX(长度) FROM file 1 GROUP BY floor`,
			"floor\tCOUNT(*)\tSUM(体积)\tAVG(体积)\tMIN(长度)\tMAX(长度)\n'F01'\t2\t5.5\t2.75\t'1200'\t'1200'\n'F02'\t2\t30\t30\t900\t900\nNULL\t1\tNULL\tNULL\tNULL\tNULL\n"},
		{"count of keys and distinct", `SELECT COUNT(*), COUNT(体积), COUNT(DISTINCT floor), COUNT(nothing), MIN(name), MAX(name) FROM file 1`,
			"COUNT(*)\tCOUNT(体积)\tCOUNT(DISTINCT floor)\tCOUNT(nothing)\tMIN(name)\tMAX(name)\n5\t4\t2\t0\t'A'\t'd'\n"},
		{"count of no records", `SELECT COUNT(*), SUM(体积) FROM file 1 WHERE name = 'zz'`, "COUNT(*)\tSUM(体积)\n0\tNULL\n"},
		{"no groups when nothing matched", `SELECT floor, COUNT(*) FROM file 1 WHERE name = 'zz' GROUP BY floor`, "floor\tCOUNT(*)\n"},
		{"order: numbers before text, NULL last", `SELECT elementId, 长度 FROM file 1 ORDER BY 长度`,
			"elementId\t长度\n'3'\t900\n'1'\t'1200'\n'2'\t'n/a'\n'4'\tNULL\n'5'\tNULL\n"},
		{"order descending, NULL still last", `SELECT elementId, 长度 FROM file 1 ORDER BY 长度 DESC, elementId DESC`,
			"elementId\t长度\n'2'\t'n/a'\n'1'\t'1200'\n'3'\t900\n'5'\tNULL\n'4'\tNULL\n"},
		{"text by code point", `SELECT name FROM file 1 ORDER BY name LIMIT 2 OFFSET 1`, "name\n'C'\n'E'\n"},
		{"having and an alias", `SELECT floor, COUNT(*) AS n FROM file 1 GROUP BY floor HAVING n >= 2 ORDER BY floor DESC`, "floor\tn\n'F02'\t2\n'F01'\t2\n"},
		{"having on a grouped key not selected", `SELECT COUNT(*) FROM file 1 GROUP BY floor HAVING floor IS NULL`, "COUNT(*)\n1\n"},
		{"distinct", `SELECT DISTINCT floor FROM file 1 ORDER BY floor`, "floor\n'F01'\n'F02'\nNULL\n"},
		{"targets", `SELECT targetId, COUNT(*) FROM file 1, 2 WHERE floor = 'F01' GROUP BY targetId`, "targetId\tCOUNT(*)\n'1'\t2\n'2'\t2\n"},
		{"over targets, one group", `SELECT floor, COUNT(*) FROM file 1, 2 GROUP BY floor ORDER BY COUNT(*) DESC, floor LIMIT 1`, "floor\tCOUNT(*)\n'F01'\t4\n"},
		{"ilike and regexp", `SELECT elementId FROM file 1 WHERE name ILIKE 'a' OR name ~ '^[dE]$'`, "elementId\n'1'\n'4'\n'5'\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := parser.Compile(tc.src)
			require.NoError(t, err)
			tab, err := c.Run(st)
			require.NoError(t, err)
			require.Equal(t, tc.want, tab.String())
		})
	}
	tab, err := c.Run(parser.MustCompile(`SELECT 体积, SUM(体积), COUNT(体积) FROM file 1 GROUP BY 体积`))
	require.NoError(t, err)
	require.Equal(t, []eval.TableColumn{{Name: "体积", Column: dsl.Col("体积"), Unit: "m³"}, {Name: "SUM(体积)", Column: dsl.Sum("体积"), Unit: "m³"}, {Name: "COUNT(体积)", Column: dsl.CountOf("体积")}}, tab.Columns)
	tab, err = c.Run(parser.MustCompile(`SELECT elementId FROM file 1, 2 WHERE floor = 'F02'`))
	require.NoError(t, err)
	var targets []string
	for i := range tab.Len() {
		targets = append(targets, tab.Target(i))
	}
	require.True(t, tab.HasTargets())
	require.Equal(t, []string{"1", "1", "2", "2"}, targets)
}

// TestRunConcurrent: statements running at once on a fresh index build
// each column once and agree.
func TestRunConcurrent(t *testing.T) {
	ix, err := eval.LoadIndex(strings.NewReader(tableRecords), "t.ndjson", dsl.SelectElements)
	require.NoError(t, err)
	c := eval.NewCache(eval.NewTarget(dsl.TargetFile, "1", ix, nil, nil))
	st := parser.MustCompile(`SELECT floor, COUNT(*), SUM(体积), MAX(name) FROM file 1 GROUP BY floor ORDER BY floor`)
	out := make([]string, 8)
	done := make(chan int)
	for i := range out {
		go func() {
			tab, err := c.Run(st)
			if err == nil {
				out[i] = tab.String()
			}
			done <- i
		}()
	}
	for range out {
		<-done
	}
	for _, s := range out {
		require.Equal(t, "floor\tCOUNT(*)\tSUM(体积)\tMAX(name)\n'F01'\t2\t5.5\t'b'\n'F02'\t2\t30\t'd'\nNULL\t1\tNULL\t'E'\n", s)
	}
}
