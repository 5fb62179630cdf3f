package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// bfquery runs the CLI in process and returns its exit code and output.
func bfquery(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestDSLCommand(t *testing.T) {
	for _, tc := range []struct {
		name     string
		args     []string
		code     int
		out, err string
	}{
		{"doc example", []string{"dsl", `SELECT elementId FROM file 1124890692330272 WHERE productID = "KDKE-B-9947-#kL5" OR ( productID = "JODL-X-1937-#pV7" AND price = 30 )`}, 0,
			`{"targetType":"file","targetIds":["1124890692330272"],"query":{"boolOr":[{"match":{"productID":"KDKE-B-9947-#kL5"}},{"boolAnd":[{"match":{"productID":"JODL-X-1937-#pV7"}},{"match":{"price":30}}]}]}}` + "\n", ""},
		{"pretty", []string{"dsl", "--pretty", `SELECT roomId FROM integration 7 WHERE 楼层 IN ('F1', 2)`}, 0,
			"{\n  \"targetType\": \"integration\",\n  \"targetIds\": [\n    \"7\"\n  ],\n  \"query\": {\n    \"in\": {\n      \"楼层\": [\n        \"F1\",\n        2\n      ]\n    }\n  }\n}\n", ""},
		{"syntax error", []string{"dsl", `SELECT elementId FROM file 1 WHERE floor = AND family = 'x'`}, 2, "",
			"bfquery: 1:44: expected a value after \"=\", found \"AND\"\n  SELECT elementId FROM file 1 WHERE floor = AND family = 'x'\n                                             ^\n"},
		{"unsupported", []string{"dsl", `SELECT elementId FROM file 1 WHERE floor != 'F1'`}, 2, "",
			"bfquery: 1:42: \"!=\" has no clause in BIMFACE's query DSL (match, contain, in, boolAnd, boolOr); \"bfquery query\" answers it with a plan\n  SELECT elementId FROM file 1 WHERE floor != 'F1'\n                                           ^\n"},
		{"no query", []string{"dsl"}, 2, "", "bfquery: give a query, or --file FILE (\"-\" for standard input)\n"},
		{"unknown command", []string{"nope"}, 2, "", "bfquery: unexpected argument nope\nRun \"bfquery --help\" for usage.\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := bfquery(t, "", tc.args...)
			require.Equal(t, tc.err, errOut)
			require.Equal(t, tc.out, out)
			require.Equal(t, tc.code, code)
		})
	}
}

func TestFmtCommand(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
		return p
	}
	complexDoc, err := os.ReadFile("../../testdata/examples/6-complex.doc.json")
	require.NoError(t, err)
	complexText, err := os.ReadFile("../../testdata/examples/6-complex.fmt.txt")
	require.NoError(t, err)
	lines := write("lines.json", `{"targetType":"file","targetIds":["1"],"query":{"match":{"floor":"F1"}}}`+"\n\n"+
		`{"targetType":"integration","targetIds":[2],"query":{"contain":{"name":"墙"}}}`+"\n")
	badLine := write("bad.json", `{"targetType":"file","targetIds":["1"],"query":{"match":{"floor":"F1"}}}`+"\n"+
		`{"targetType":"file","targetIds":["1"],"query":{"match":{"floor":null}}}`+"\n")
	indented := write("indented.json", `{"targetType":"file","targetIds":["1"],"query":{"match":{"floor":"F1"}}}`+"\r\n"+
		"\t  "+`{"targetType":"file","targetIds":["1"],"query":{"match":{"a":01}}}`+"\r\n")
	broken := write("broken.json", "{\n  \"targetType\": \"file\",\n  \"targetIds\": [1,]\n}\n")
	for _, tc := range []struct {
		name     string
		stdin    string
		args     []string
		code     int
		out, err string
	}{
		{"file", "", []string{"fmt", "../../testdata/examples/6-complex.doc.json"}, 0, string(complexText), ""},
		{"stdin", string(complexDoc), []string{"fmt"}, 0, string(complexText), ""},
		{"dash", string(complexDoc), []string{"fmt", "-", "--select", "areaId"}, 0, strings.Replace(string(complexText), "elementId", "areaId", 1), ""},
		{"one per line", "", []string{"fmt", lines}, 0, "SELECT elementId FROM file 1 WHERE floor = 'F1'\nSELECT elementId FROM integration 2 WHERE name CONTAINS '墙'\n", ""},
		{"indented bad line", "", []string{"fmt", indented}, 2, "SELECT elementId FROM file 1 WHERE floor = 'F1'\n", "bfquery: " + indented + ":2:66: invalid JSON: invalid character '1' after object key:value pair\n"},
		{"bad line", "", []string{"fmt", badLine}, 2, "SELECT elementId FROM file 1 WHERE floor = 'F1'\n", "bfquery: " + badLine + ":2: query.match.floor: value must be a string, number or boolean, not null\n"},
		{"broken json", "", []string{"fmt", broken}, 2, "", "bfquery: " + broken + ":3:19: invalid JSON: invalid character ']' looking for beginning of value\n"},
		{"invalid request", `{"targetType":"file","targetIds":[],"query":{}}`, []string{"fmt"}, 2, "", "bfquery: <stdin>: targetIds: must hold at least one id\n"},
		{"missing file", "", []string{"fmt", filepath.Join(dir, "none.json")}, 1, "", "bfquery: open " + filepath.Join(dir, "none.json") + ": no such file or directory\n"},
		{"bad select", "{}", []string{"fmt", "--select", "floor"}, 2, "", "bfquery: --select must be one of \"elementId\",\"roomId\",\"areaId\" but got \"floor\"\nRun \"bfquery fmt --help\" for usage.\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := bfquery(t, tc.stdin, tc.args...)
			require.Equal(t, tc.err, errOut)
			require.Equal(t, tc.out, out)
			require.Equal(t, tc.code, code)
		})
	}
}

// TestDSLThenFmt: what dsl prints, fmt reads back to text that dsl
// compiles to the same JSON.
func TestDSLThenFmt(t *testing.T) {
	const src = "SELECT elementId FROM file 1124890692330272 WHERE (楼层 = 'F01' OR `类型 名称` CONTAINS 'C18') AND price IN (30, 30.0, 'x')"
	code, jsonOut, _ := bfquery(t, "", "dsl", src)
	require.Equal(t, 0, code)
	code, text, _ := bfquery(t, jsonOut, "fmt")
	require.Equal(t, 0, code)
	code, again, _ := bfquery(t, "", "dsl", strings.TrimSpace(text))
	require.Equal(t, 0, code)
	require.Equal(t, jsonOut, again)
}

func TestHelp(t *testing.T) {
	for _, cmd := range [][]string{{"--help"}, {"dsl", "--help"}, {"fmt", "--help"}} {
		code, out, errOut := bfquery(t, "", cmd...)
		require.Equal(t, 0, code, errOut)
		require.Contains(t, out, "Usage: bfquery")
	}
}
