package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const fixture = "../../testdata/cache/dir"

func TestQueryCommand(t *testing.T) {
	dir := t.TempDir()
	batch := filepath.Join(dir, "batch.ndjson")
	require.NoError(t, os.WriteFile(batch, []byte(
		`{"targetType":"file","targetIds":["1124890692330272"],"query":{"match":{"floor":"F01"}}}`+"\n"+
			`{"targetType":"integration","targetIds":["1648888854324400"],"query":{"match":{"floor":"F01"}}}`+"\n"+
			"\n"+
			`{"targetType":"file","targetIds":["1124890692330272"],"query":{"match":{"floor":"nowhere"}}}`+"\n"), 0o644))
	badBatch := filepath.Join(dir, "bad.ndjson")
	require.NoError(t, os.WriteFile(badBatch, []byte(
		`{"targetType":"file","targetIds":["1124890692330272"],"query":{"match":{"floor":"F01"}}}`+"\n"+
			`{"targetType":"file","targetIds":["1124890692330272"],"query":{"match":{"floor":["F01"]}}}`+"\n"), 0o644))

	for _, tc := range []struct {
		name     string
		stdin    string
		args     []string
		code     int
		out, err string
	}{
		{"ids", "", []string{"query", "--cache", fixture, "SELECT elementId FROM integration 1648888854324400 WHERE floor = 'F01'"}, 0,
			"1648888854324461.259504\n1648888854324462.259504\n", ""},
		{"json", "", []string{"query", "--cache", fixture, "-f", "json", "SELECT elementId FROM integration 1648888854324400 WHERE floor = 'F01'"}, 0,
			`[{"elementIds":["1648888854324461.259504","1648888854324462.259504"],"targetId":"1648888854324400"}]` + "\n", ""},
		{"table", "", []string{"query", "--cache", fixture, "--format", "table", "SELECT elementId FROM file 1124890692330272 WHERE floor = 'F01'"}, 0,
			"elementId | name         | categoryName | floor\n----------+--------------+--------------+------\n313052    | norm - 150mm | 墙           | F01\n(1 row)\n", ""},
		{"rooms", "", []string{"query", "--cache", fixture, "-f", "json", "SELECT roomIds FROM file 1124890692330272 WHERE floor CONTAINS 'F'"}, 0,
			`[{"roomIds":["857279"],"targetId":"1124890692330272"}]` + "\n", ""},
		{"batch counts", "", []string{"query", "--cache", fixture, "--dsl", batch, "-f", "count"}, 0, "1\n2\n0\n", ""},
		{"batch stdin json", `{"targetType":"file","targetIds":["1124890692330272"],"query":{"match":{"面积":115.535306}}}` + "\n", []string{"query", "--cache", fixture, "--dsl", "-", "--select", "areaId", "-f", "json"}, 0,
			`[{"areaIds":["313467"],"targetId":"1124890692330272"}]` + "\n", ""},
		{"batch stops at a bad line", "", []string{"query", "--cache", fixture, "--dsl", badBatch, "-f", "count"}, 2, "1\n",
			"bfquery: " + badBatch + ":2: query.match.floor: value must be a string, number or boolean, not an array\n"},
		{"demo model", "", []string{"query", "-f", "count", "SELECT elementId FROM file 1124890692330272 WHERE floor = 'F01' AND categoryName = '墙'"}, 0, "141\n", ""},
		{"bad query", "", []string{"query", "--cache", fixture, "SELECT elementId FROM file 1 WHERE floor ="}, 2, "",
			"bfquery: 1:43: expected a value after \"=\", found end of input\n  SELECT elementId FROM file 1 WHERE floor =\n                                            ^\n"},
		{"target not cached", "", []string{"query", "--cache", fixture, "SELECT elementId FROM file 1 WHERE floor = 'F01'"}, 1, "",
			"bfquery: file 1 is not in the cache, which holds file 1124890692330272, integration 1648888854324400\n"},
		{"bad cache", "", []string{"query", "--cache", "../../testdata/cache/bad/truncated.ndjson", "SELECT elementId FROM file 1 WHERE floor = 'F01'"}, 1, "",
			"bfquery: " + must(filepath.Abs("../../testdata/cache/bad/truncated.ndjson")) + ":2:85: string not terminated before the end of the input\n"},
		{"explain", "", []string{"query", "--explain", "SELECT elementId FROM file 1124890692330272 WHERE floor = 'F01' AND (categoryName = '墙' OR name CONTAINS '门')"}, 0,
			"file 1124890692330272 (4000 elements):\nboolAnd: 141\n  match floor = 'F01': 610\n  boolOr: 930\n    match categoryName = '墙': 930\n    contain name ⊇ '门': 0\n\n", ""},
		{"query and dsl", "", []string{"query", "--dsl", batch, "SELECT elementId FROM file 1 WHERE a = 1"}, 2, "", "bfquery: give either a query or --dsl FILE\n"},
		{"neither", "", []string{"query"}, 2, "", "bfquery: give either a query or --dsl FILE\n"},
		{"select with text", "", []string{"query", "--select", "roomId", "SELECT elementId FROM file 1 WHERE a = 1"}, 2, "", "bfquery: --select goes with --dsl; a query says what it selects after SELECT\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := bfquery(t, tc.stdin, tc.args...)
			require.Equal(t, tc.err, errOut)
			require.Equal(t, tc.out, out)
			require.Equal(t, tc.code, code)
		})
	}
}

// TestQueryDocExamples runs every documented example, as text and as
// DSL, on the demo model: both give the same IDs.
func TestQueryDocExamples(t *testing.T) {
	sqls, err := filepath.Glob("../../testdata/examples/*.sql")
	require.NoError(t, err)
	for _, path := range sqls {
		name := strings.TrimSuffix(filepath.Base(path), ".sql")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(path)
			require.NoError(t, err)
			code, fromText, errOut := bfquery(t, "", "query", "-f", "json", string(src))
			require.Equal(t, 0, code, errOut)
			code, fromDSL, errOut := bfquery(t, "", "query", "-f", "json", "--dsl", "../../testdata/examples/"+name+".json")
			require.Equal(t, 0, code, errOut)
			require.Equal(t, fromText, fromDSL)
		})
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
