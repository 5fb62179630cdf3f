package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/alecthomas/kong"
	"github.com/stretchr/testify/require"
)

// helpOf returns "bfquery PATH --help".
func helpOf(t *testing.T, path string) string {
	t.Helper()
	code, out, errOut := bfquery(t, "", append(strings.Fields(path), "--help")...)
	require.Equal(t, 0, code, errOut)
	return out
}

// commandPaths lists every command that runs, as typed.
func commandPaths(t *testing.T) []string {
	t.Helper()
	k, err := kong.New(&cli{}, kong.Vars{"demo_id": "1"})
	require.NoError(t, err)
	var paths []string
	for _, n := range k.Model.Leaves(true) {
		paths = append(paths, n.Path())
	}
	require.Greater(t, len(paths), 20)
	return paths
}

// TestHelpReadsRight: every command's help follows the same rules.
func TestHelpReadsRight(t *testing.T) {
	paging := map[string]bool{"query": true, "shell": true, "pull": true}
	upperArg := regexp.MustCompile(`<[A-Z_]+>`)
	for _, path := range commandPaths(t) {
		t.Run(path, func(t *testing.T) {
			help := helpOf(t, path)
			usage, _, _ := strings.Cut(help, "\n")
			// Arguments are named alike: <file-id>, [<query>].
			require.NotRegexp(t, upperArg, help)
			// --page-size is where IDs are read in pages, nowhere else.
			require.Equal(t, paging[path], strings.Contains(help, "--page-size"), help)
			// Flags of which one is needed read as a choice.
			for _, f := range []string{"--file=ID", "--integration=ID", "--comparison=ID"} {
				if strings.Contains(usage, f) {
					require.Contains(t, usage, "(--file=ID | --integration=ID", usage)
				}
			}
			// The connection flags come last, in one group, after the
			// command's own flags and its --format.
			if i := strings.Index(help, "BIMFACE connection:"); i >= 0 {
				for _, line := range strings.Split(help[i:], "\n")[1:] {
					if f := strings.Fields(line); len(f) > 0 && strings.HasPrefix(f[0], "-") {
						require.Regexp(t, `^--(endpoint|config|page-size)=`, f[0], help)
					}
				}
				require.NotContains(t, help[i:], "--format")
			}
		})
	}
	require.Contains(t, helpOf(t, "pull"), "Usage: bfquery pull (--file=ID | --integration=ID) --out=DIR [flags]\n")
	require.Contains(t, helpOf(t, "databag create"), "Usage: bfquery databag create (--file=ID | --integration=ID | --comparison=ID) [flags]\n")
	require.Contains(t, helpOf(t, "shell"), "--lower-in")
	query := helpOf(t, "query")
	require.Contains(t, query, "The query language")
	require.Contains(t, query, "Exit codes:")
	require.Contains(t, query, `--select="elementId"`)
	require.Contains(t, helpOf(t, "fmt"), `--select="elementId"`)
}

// TestLowerInNeedsRemote: a flag that would do nothing is refused.
func TestLowerInNeedsRemote(t *testing.T) {
	for _, tc := range []struct {
		args []string
		err  string
	}{
		{[]string{"query", "--lower-in", "SELECT elementId FROM file 1124890692330272 WHERE floor IN ('F01')"}, "bfquery: --lower-in goes with --remote or --compare: it changes the requests sent to BIMFACE\n"},
		{[]string{"shell", "--lower-in"}, "bfquery: --lower-in goes with --remote: it changes the requests sent to BIMFACE\n"},
	} {
		code, out, errOut := bfquery(t, "", tc.args...)
		require.Equal(t, 2, code)
		require.Equal(t, "", out)
		require.Equal(t, tc.err, errOut)
	}
}

// TestQueryRefusesIdleFlags: flags that would change nothing are refused.
func TestQueryRefusesIdleFlags(t *testing.T) {
	q := "SELECT elementId FROM file 1124890692330272 WHERE floor = 'F01'"
	for _, tc := range []struct {
		args []string
		err  string
	}{
		{[]string{"query", "-f", "json", "--explain", q}, "bfquery: --format does not apply to --explain, which prints the records each clause matched\n"},
		{[]string{"query", "--format=csv", "--compare", q}, "bfquery: --format does not apply to --compare, which prints the IDs only one side has\n"},
		{[]string{"query", "-fcount", "EXPLAIN " + q}, "bfquery: --format does not apply to EXPLAIN, which prints the plan\n"},
	} {
		code, out, errOut := bfquery(t, "", tc.args...)
		require.Equal(t, tc.err, errOut)
		require.Equal(t, "", out)
		require.Equal(t, 2, code)
	}
}
