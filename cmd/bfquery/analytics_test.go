package main

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/internal/demo"
)

// questions are what analysts ask of a model first, each one statement.
var questions = []string{
	// Walls per floor.
	"SELECT floor, COUNT(*) FROM file 1124890692330272 WHERE categoryName = '墙' GROUP BY floor ORDER BY floor",
	// The total volume of the walls of F02.
	"SELECT SUM(体积) FROM file 1124890692330272 WHERE categoryName = '墙' AND floor = 'F02'",
	// The volume and area of the rooms over 100 m², next to their names.
	"SELECT roomId, name, 体积, 面积 FROM file 1124890692330272 WHERE 面积 > 100 ORDER BY 面积 DESC",
	// The floor with the most doors.
	"SELECT floor, COUNT(*) AS doors FROM file 1124890692330272 WHERE categoryName = '门' GROUP BY floor ORDER BY doors DESC LIMIT 1",
	// The distinct family types of walls.
	"SELECT DISTINCT familyType FROM file 1124890692330272 WHERE categoryName = '墙' ORDER BY familyType",
	// The first 20 results.
	"SELECT elementId, name FROM file 1124890692330272 WHERE floor = 'F01' ORDER BY elementId LIMIT 20",
	// Every room.
	"SELECT roomId, name FROM file 1124890692330272 ORDER BY roomId",
	// The rooms and their area per floor.
	"SELECT floor, COUNT(*), SUM(面积) FROM rooms OF file 1124890692330272 GROUP BY floor ORDER BY floor",
	// The areas: how many, how large.
	"SELECT COUNT(*), SUM(面积), MAX(面积) FROM areas OF file 1124890692330272",
}

// TestQuestions answers each question on the demo model, on a cache
// pulled from the simulator, and on the simulator through plans: the same
// rows everywhere.
func TestQuestions(t *testing.T) {
	srv := simulator(t)
	dir := filepath.Join(t.TempDir(), "cache")
	code, _, errOut := bfquery(t, "", "pull", "--endpoint", srv.URL, "--file", demo.FileID, "--out", dir, "-q")
	require.Equal(t, 0, code, errOut)
	for _, q := range questions {
		for _, f := range []string{"json", "json-table"} {
			code, want, errOut := bfquery(t, "", "query", "-f", f, q)
			require.Equal(t, 0, code, errOut)
			require.NotContains(t, want, "[]", q)
			code, cached, errOut := bfquery(t, "", "query", "--cache", dir, "-f", f, q)
			require.Equal(t, 0, code, errOut)
			require.Equal(t, want, cached, q)
			code, remote, errOut := bfquery(t, "", "query", "--remote", "--endpoint", srv.URL, "-f", f, q)
			require.Equal(t, 0, code, errOut)
			require.Equal(t, want, remote, q)
		}
	}
}

func TestQuerySelectLists(t *testing.T) {
	const f = "1124890692330272"
	for _, tc := range []struct {
		name     string
		args     []string
		code     int
		out, err string
	}{
		{"table", []string{"query", "-f", "table", "SELECT floor, COUNT(*) AS doors, SUM(长度) FROM file " + f + " WHERE categoryName = '门' GROUP BY floor ORDER BY doors DESC LIMIT 3"}, 0,
			"floor | doors | SUM(长度) (mm)\n" +
				"------+-------+---------------\n" +
				"F01   | 61    | 297900\n" +
				"F02   | 31    | 205800\n" +
				"F10   | 30    | 171300\n" +
				"(3 rows)\n", ""},
		{"json", []string{"query", "-f", "json", "SELECT SUM(体积), COUNT(*) FROM file " + f + " WHERE categoryName = '墙' AND floor = 'F02'"}, 0,
			`[{"SUM(体积)":142.287,"COUNT(*)":78}]` + "\n", ""},
		{"csv", []string{"query", "-f", "csv", "SELECT DISTINCT familyType FROM file " + f + " WHERE categoryName = '墙' AND familyType ILIKE '%MM' ORDER BY familyType"}, 0,
			"familyType\n内墙 - 100mm\n外墙 - 250mm\n女儿墙 - 120mm\n常规 - 200mm\n常规 - 300mm\n砌块墙 - 190mm\n", ""},
		{"ids", []string{"query", "-f", "ids", "SELECT elementId FROM file " + f + " WHERE name ~ '^HW' ORDER BY elementId DESC LIMIT 2"}, 0, "308004\n307973\n", ""},
		{"count", []string{"query", "-f", "count", "SELECT roomId FROM file " + f}, 0, "40\n", ""},
		{"no format, piped: a table for columns", []string{"query", "SELECT floor, COUNT(*) FROM file " + f + " GROUP BY floor ORDER BY COUNT(*) DESC LIMIT 2"}, 0,
			"floor | COUNT(*)\n" +
				"------+---------\n" +
				"F01   | 610\n" +
				"F09   | 353\n" +
				"(2 rows)\n", ""},
		{"no format, piped: IDs for ID columns", []string{"query", "SELECT elementId FROM file " + f + " WHERE floor = 'F01' ORDER BY elementId LIMIT 2"}, 0, "300014\n300015\n", ""},
		{"no FROM: the only target", []string{"query", "-f", "csv", "SELECT floor, COUNT(*) GROUP BY floor ORDER BY COUNT(*) DESC LIMIT 2"}, 0,
			"floor,COUNT(*)\nF01,610\nF09,353\n", ""},
		{"no FROM, rooms without OF", []string{"query", "-f", "csv", "SELECT COUNT(*) FROM rooms"}, 0, "COUNT(*)\n40\n", ""},
		{"no FROM over several targets", []string{"query", "--cache", "../../testdata/cache/dir", "-f", "count", "SELECT elementId WHERE floor = 'F01'"}, 2, "",
			"bfquery: 1:18: a query without FROM runs on the only target: there are 2 targets: FROM file ID or FROM integration ID says which\n" +
				"  SELECT elementId WHERE floor = 'F01'\n" +
				"                   ^\n"},
		{"ids without an ID column", []string{"query", "-f", "ids", "SELECT floor FROM file " + f}, 1, "",
			"bfquery: the ids format needs elementId, roomId or areaId in the SELECT list; use table, csv, json or count\n"},
		{"misplaced column", []string{"query", "SELECT floor, COUNT(name) FROM file " + f}, 2, "",
			"bfquery: 1:8: floor is neither in GROUP BY nor in an aggregate, so a group has no one value of it\n  SELECT floor, COUNT(name) FROM file 1124890692330272\n         ^\n"},
		{"dsl of the filter", []string{"dsl", "SELECT floor, COUNT(*) FROM file " + f + " WHERE categoryName = '门' GROUP BY floor"}, 0,
			`{"targetType":"file","targetIds":["1124890692330272"],"query":{"match":{"categoryName":"门"}}}` + "\n",
			"bfquery: this is the request of the statement's WHERE, for query/elementIds; its SELECT list, GROUP BY, HAVING, ORDER BY, LIMIT and DISTINCT run client-side, on the elements it finds (bfquery query --remote does both)\n"},
		{"dsl of a filter of rooms", []string{"dsl", "SELECT COUNT(*) FROM rooms OF file " + f + " WHERE floor = 'F01'"}, 0,
			`{"targetType":"file","targetIds":["1124890692330272"],"query":{"match":{"floor":"F01"}}}` + "\n",
			"bfquery: this is the request of the statement's WHERE, for query/roomIds; its SELECT list, GROUP BY, HAVING, ORDER BY, LIMIT and DISTINCT run client-side, on the rooms it finds (bfquery query --remote does both)\n"},
		{"aggregates over rooms", []string{"query", "-f", "table", "SELECT floor, COUNT(*), SUM(面积) FROM rooms OF file " + f + " WHERE floor IN ('F01', 'F02') GROUP BY floor ORDER BY floor"}, 0,
			"floor | COUNT(*) | SUM(面积) (m²)\n" +
				"------+----------+---------------\n" +
				"F01   | 6        | 487.98481\n" +
				"F02   | 3        | 186.342927\n" +
				"(2 rows)\n", ""},
		{"json-table", []string{"query", "-f", "json-table", "SELECT floor, COUNT(*) AS rooms, SUM(面积) AS area FROM rooms OF file " + f + " GROUP BY floor ORDER BY area DESC LIMIT 2"}, 0,
			`{"schema":{"fields":[{"name":"floor","type":"any"},{"name":"rooms","type":"integer"},{"name":"area","type":"number","unit":"m²"}]},` +
				`"data":[{"floor":"F04","rooms":8,"area":686.9196420000001},{"floor":"F01","rooms":6,"area":487.98481}]}` + "\n", ""},
		{"records that are not rooms or areas", []string{"query", "SELECT COUNT(*) FROM walls OF file " + f}, 2, "",
			"bfquery: 1:22: FROM reads elements, rooms or areas OF a target, not walls\n  SELECT COUNT(*) FROM walls OF file 1124890692330272\n                       ^\n"},
		{"explain without where", []string{"query", "--explain", "SELECT COUNT(*) FROM file " + f}, 0,
			"file 1124890692330272 (4000 elements):\nno WHERE, every record: 4000\n\n", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := bfquery(t, "", tc.args...)
			require.Equal(t, tc.err, errOut)
			require.Equal(t, tc.out, out)
			require.Equal(t, tc.code, code)
		})
	}
}
