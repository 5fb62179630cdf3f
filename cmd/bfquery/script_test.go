package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestShellScriptOutput: a script's stdout holds its results alone, in
// full and without timing, so that another program can read them; the
// shell's messages go to stderr, and -q drops them.
func TestShellScriptOutput(t *testing.T) {
	script := "\\format csv\nSELECT elementId FROM file 1124890692330272 WHERE floor = 'F01' AND categoryName = '墙';\n"
	code, out, errOut := bfquery(t, script, "shell")
	require.Equal(t, 0, code, errOut)
	require.Equal(t, 142, strings.Count(out, "\n"), "every row, and the header")
	require.True(t, strings.HasPrefix(out, "targetId,elementId,name,categoryName,floor,family,familyType\n1124890692330272,300071,"), out)
	require.NotContains(t, out, "rows")
	require.Equal(t, "Output format is csv.\n(141 rows)\n", errOut)

	code, out2, errOut := bfquery(t, script, "shell", "-q")
	require.Equal(t, 0, code)
	require.Equal(t, out, out2)
	require.Equal(t, "", errOut)

	code, _, errOut = bfquery(t, script, "shell", "--timing")
	require.Equal(t, 0, code)
	require.Regexp(t, `^Output format is csv.\n\(141 rows, [0-9.]+ ms\)\n$`, errOut)
}

// TestShellScriptSources: psql's -f FILE, -c COMMAND and \i FILE.
func TestShellScriptSources(t *testing.T) {
	dir := t.TempDir()
	inner := filepath.Join(dir, "inner.sql")
	require.NoError(t, os.WriteFile(inner, []byte("SELECT elementId FROM file 1124890692330272\n  WHERE floor = 'RF'"), 0o644))
	outer := filepath.Join(dir, "outer.sql")
	require.NoError(t, os.WriteFile(outer, []byte("\\format count\n\\i "+inner+"\nSELECT elementId FROM file 1124890692330272 WHERE floor = 'F01';\n"), 0o644))

	code, out, errOut := bfquery(t, "", "shell", "-q", "-f", outer)
	require.Equal(t, 0, code, errOut)
	require.Equal(t, "318\n610\n", out)

	code, out, errOut = bfquery(t, "", "shell", "-q", "--format", "count", "-c", "SELECT elementId WHERE floor = 'RF'", "-c", "\\values specialty")
	require.Equal(t, 0, code, errOut)
	require.Equal(t, "318\nspecialty | elements\n----------+---------\n'建筑'    | 1907\n'暖通'    | 295\n'电气'    | 205\n'结构'    | 977\n'给排水'  | 616\n", out)

	code, out, errOut = bfquery(t, "SELECT elementId WHERE floor = 'B01';", "shell", "-q", "--format", "count", "-f", "-", "-c", "\\q", "-c", "SELECT never;")
	require.Equal(t, 0, code, errOut)
	require.Equal(t, "271\n", out)

	code, out, errOut = bfquery(t, "", "shell", "-c", "\\i "+filepath.Join(dir, "none.sql"))
	require.Equal(t, 1, code)
	require.Equal(t, "", out)
	require.Equal(t, "ERROR: open "+filepath.Join(dir, "none.sql")+": no such file or directory\nbfquery: some statements failed: 1\n", errOut)
}

// TestShellQueryWithoutFrom: a query without FROM runs on the session's
// only target, whatever follows its SELECT list; with several targets,
// the error says how to pick one.
func TestShellQueryWithoutFrom(t *testing.T) {
	code, out, errOut := bfquery(t, "\\use\nSELECT elementId WHERE floor = 'F01' AND categoryName = '墙';\n", "shell", "--format", "count")
	require.Equal(t, 0, code, errOut)
	require.Equal(t, "141\n", out)
	require.Equal(t, "Queries without FROM run on file 1124890692330272.\n", errOut)

	// Any SELECT without FROM: aggregates, GROUP BY, ORDER BY, LIMIT, or
	// no clause at all; an error points into the text as typed.
	code, out, errOut = bfquery(t, "SELECT floor, COUNT(*) GROUP BY floor ORDER BY floor LIMIT 2;\n"+
		"SELECT COUNT(*);\n"+
		"SELECT DISTINCT floor ORDER BY floor DESC LIMIT 2;\n"+
		"SELECT floor, COUNT(*) GROUP BY ;\n", "shell", "-q", "--format", "csv")
	require.Equal(t, 2, code)
	require.Equal(t, "floor,COUNT(*)\nB01,271\nF01,610\nCOUNT(*)\n4000\nfloor\nRF\nF10\n", out)
	require.Equal(t, "ERROR: 1:32: expected a key or an aggregate after \"BY\", found end of input\n"+
		"  SELECT floor, COUNT(*) GROUP BY\n"+
		"                                 ^\n"+
		"bfquery: some statements failed: 1\n", errOut)

	cache := "../../testdata/cache/dir"
	code, out, errOut = bfquery(t, "\\use\nSELECT elementId WHERE floor = 'F01';\n\\use integration 1648888854324400\nSELECT elementId WHERE floor = 'F01';\n", "shell", "-q", "--format", "count", "--cache", cache)
	require.Equal(t, 2, code)
	require.Equal(t, "2\n", out)
	require.Equal(t, "ERROR: 1:18: a query without FROM runs on the session's target: there are 2 targets and none in use: \\use file ID or \\use integration ID picks one (\\targets lists them)\n"+
		"  SELECT elementId WHERE floor = 'F01'\n"+
		"                   ^\n"+
		"bfquery: some statements failed: 1\n", errOut)
}

// TestShellRoomsWithoutTarget: FROM rooms without OF and a target reads
// the rooms of the session's target, in every format (json-table
// included); an error after it points into the text as typed.
func TestShellRoomsWithoutTarget(t *testing.T) {
	code, out, errOut := bfquery(t, "SELECT floor, COUNT(*) FROM rooms WHERE floor IN ('F01', 'F02') GROUP BY floor ORDER BY floor;\n"+
		"SELECT COUNT(*) FROM areas;\n", "shell", "-q", "--format", "csv")
	require.Equal(t, 0, code, errOut)
	require.Equal(t, "floor,COUNT(*)\nF01,6\nF02,3\nCOUNT(*)\n8\n", out)
	code, out, errOut = bfquery(t, "\\format json-table\nSELECT COUNT(*), SUM(面积) FROM areas;\n\\format json\nSELECT COUNT(*), SUM(面积) FROM areas;\n", "shell", "-q")
	require.Equal(t, 0, code, errOut)
	require.Equal(t, `{"schema":{"fields":[{"name":"COUNT(*)","type":"integer"},{"name":"SUM(面积)","type":"number","unit":"m²"}]},"data":[{"COUNT(*)":8,"SUM(面积)":538.823298}]}`+"\n"+
		`[{"COUNT(*)":8,"SUM(面积)":538.823298}]`+"\n", out)

	code, out, errOut = bfquery(t, "SELECT COUNT(*) FROM rooms WHERE floor = ;\n", "shell", "-q", "--format", "csv")
	require.Equal(t, 2, code)
	require.Equal(t, "", out)
	require.Equal(t, "ERROR: 1:41: expected a value after \"=\", found end of input\n"+
		"  SELECT COUNT(*) FROM rooms WHERE floor =\n"+
		"                                          ^\n"+
		"bfquery: some statements failed: 1\n", errOut)
}

// TestExitCodes: one rule, the one --help states, whichever command
// meets the error.
func TestExitCodes(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte("x"), 0o644))
	missing := filepath.Join(t.TempDir(), "none")
	q := "SELECT elementId FROM file 1124890692330272 WHERE floor = 'F01'"
	for _, tc := range []struct {
		name  string
		stdin string
		args  []string
		code  int
		err   string
	}{
		{"cache not JSON", "", []string{"query", "--cache", bad, q}, 1, "bfquery: " + bad + ":1:1: unexpected 'x', expected a JSON array, a BIMFACE envelope or elements one per line\n"},
		{"cache missing", "", []string{"query", "--cache", missing, q}, 1, "bfquery: stat " + missing + ": no such file or directory\n"},
		{"shell on a cache not JSON", "", []string{"shell", "--cache", bad}, 1, "bfquery: " + bad + ":1:1: unexpected 'x', expected a JSON array, a BIMFACE envelope or elements one per line\n"},
		{"target not cached", "", []string{"query", "SELECT elementId FROM file 42 WHERE a = 1"}, 1, "bfquery: file 42 is not in the cache, which holds file 1124890692330272\n"},
		{"target not cached, script", "SELECT elementId FROM file 42 WHERE a = 1;\n", []string{"shell"}, 1, "ERROR: file 42 is not in the cache, which holds file 1124890692330272\nbfquery: some statements failed: 1\n"},
		{"bad query", "", []string{"query", "SELECT elementId FROM file 42 WHERE a ="}, 2, "bfquery: 1:40: expected a value after \"=\", found end of input\n  SELECT elementId FROM file 42 WHERE a =\n                                         ^\n"},
		{"bad query, script", "SELECT elementId FROM file 42 WHERE a =;\n", []string{"shell"}, 2, "ERROR: 1:40: expected a value after \"=\", found end of input\n  SELECT elementId FROM file 42 WHERE a =\n                                         ^\nbfquery: some statements failed: 1\n"},
		{"bad command, script", "\\rows many\n", []string{"shell"}, 2, "ERROR: \\rows: \"many\" is not a number of rows\nbfquery: some statements failed: 1\n"},
		{"upload of no file", "", []string{"upload", missing}, 1, "bfquery: stat " + missing + ": no such file or directory\n"},
		{"unknown flag", "", []string{"query", "--nope", q}, 2, "bfquery: unknown flag --nope\nRun \"bfquery query --help\" for usage.\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := bfquery(t, tc.stdin, tc.args...)
			require.Equal(t, tc.err, errOut)
			require.Equal(t, tc.code, code)
		})
	}
	code, out, _ := bfquery(t, "", "--help")
	require.Equal(t, 0, code)
	require.Contains(t, out, "Exit codes:")
	require.Contains(t, out, "130  interrupted by SIGINT (Ctrl-C); 143 by SIGTERM.")
}

// TestShellDSLNamesTheShell: what \dsl cannot write as one request, the
// shell's error says how the shell answers it, not another command.
func TestShellDSLNamesTheShell(t *testing.T) {
	code, out, errOut := bfquery(t, "\\dsl SELECT elementId WHERE floor != 'F01'\n", "shell")
	require.Equal(t, 2, code)
	require.Equal(t, "", out)
	require.Equal(t, "ERROR: 1:30: \"!=\" has no clause in BIMFACE's query DSL (match, contain, in, boolAnd, boolOr); the shell answers it with a plan when it is typed as a statement (\\explain shows the plan)\n"+
		"  SELECT elementId WHERE floor != 'F01'\n"+
		"                               ^\n"+
		"bfquery: some statements failed: 1\n", errOut)
}

// TestUnknownKeyNote: a query on a key no record has still answers, and
// says so on stderr with the keys meant, in query and in the shell.
func TestUnknownKeyNote(t *testing.T) {
	code, out, errOut := bfquery(t, "", "query", "-f", "count", "SELECT elementId FROM file 1124890692330272 WHERE FLOOR = 'F01' OR floorr = 'F02'")
	require.Equal(t, 0, code)
	require.Equal(t, "0\n", out)
	require.Equal(t, "bfquery: note: no element of file 1124890692330272 has the key FLOOR; did you mean floor?\n"+
		"bfquery: note: no element of file 1124890692330272 has the key floorr; did you mean floor?\n", errOut)

	code, out, errOut = bfquery(t, "SELECT elementId WHERE FLOOR = 'F01';\n", "shell", "-q", "--format", "count")
	require.Equal(t, 0, code)
	require.Equal(t, "0\n", out)
	require.Equal(t, "NOTICE: no element of file 1124890692330272 has the key FLOOR; did you mean floor?\n", errOut)
}

// TestQueryFromFile: dsl and query read a long query from a file or from
// standard input.
func TestQueryFromFile(t *testing.T) {
	dir := t.TempDir()
	q := filepath.Join(dir, "walls.sql")
	require.NoError(t, os.WriteFile(q, []byte("-- the walls of F01\nSELECT elementId FROM file 1124890692330272\nWHERE floor = 'F01'\n  AND categoryName = '墙';\n"), 0o644))
	bad := filepath.Join(dir, "bad.sql")
	require.NoError(t, os.WriteFile(bad, []byte("SELECT elementId FROM file 1\nWHERE floor =\n"), 0o644))
	dslOut := `{"targetType":"file","targetIds":["1124890692330272"],"query":{"boolAnd":[{"match":{"floor":"F01"}},{"match":{"categoryName":"墙"}}]}}` + "\n"
	text, err := os.ReadFile(q)
	require.NoError(t, err)
	for _, tc := range []struct {
		name  string
		stdin string
		args  []string
		code  int
		out   string
		err   string
	}{
		{"dsl --file", "", []string{"dsl", "--file", q}, 0, dslOut, ""},
		{"dsl -", string(text), []string{"dsl", "-"}, 0, dslOut, ""},
		{"dsl --file -", string(text), []string{"dsl", "--file", "-"}, 0, dslOut, ""},
		{"query --file", "", []string{"query", "-f", "count", "--file", q}, 0, "141\n", ""},
		{"query -", string(text), []string{"query", "-f", "count", "-"}, 0, "141\n", ""},
		{"error names the file", "", []string{"dsl", "--file", bad}, 2, "", "bfquery: " + bad + ":2:14: expected a value after \"=\", found end of input\n  WHERE floor =\n               ^\n"},
		{"both", "", []string{"dsl", "--file", q, "SELECT elementId FROM file 1 WHERE a = 1"}, 2, "", "bfquery: give the query or --file FILE, not both\n"},
		{"neither", "", []string{"dsl"}, 2, "", "bfquery: give a query, or --file FILE (\"-\" for standard input)\n"},
		{"no such file", "", []string{"query", "--file", filepath.Join(dir, "none.sql")}, 1, "", "bfquery: open " + filepath.Join(dir, "none.sql") + ": no such file or directory\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := bfquery(t, tc.stdin, tc.args...)
			require.Equal(t, tc.err, errOut)
			require.Equal(t, tc.out, out)
			require.Equal(t, tc.code, code)
		})
	}
}
