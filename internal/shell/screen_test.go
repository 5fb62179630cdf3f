package shell_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestScreenStartsAtColumnOne reads what a terminal shows: every line
// the shell writes after Enter, and every list of candidates after Tab,
// starts at the first column, and Ctrl-U leaves no list behind.
func TestScreenStartsAtColumnOne(t *testing.T) {
	s := startSession(t, "")

	s.Send("\\use file 1124890692330272\r")
	s.WaitScreenEnds("bfquery=> \\use file 1124890692330272\n" +
		"Queries without FROM now run on file 1124890692330272.\n" +
		"bfquery=>")

	s.Send("SELECT elementId\r")
	s.WaitScreenEnds("\nbfquery->")
	s.Send("WHERE floor = 'F01' AND categoryName = '墙';\r")
	scr := s.WaitScreenHas("(141 rows, ")
	require.Contains(t, scr, "bfquery=> SELECT elementId\n"+
		"bfquery-> WHERE floor = 'F01' AND categoryName = '墙';\n"+
		"elementId | name                            | categoryName | floor | family | familyType\n"+
		"----------+---------------------------------+--------------+-------+--------+--------------------------------\n"+
		"300071    | 砌块墙 - 190mm                  | 墙           | F01   | 基本墙 | 砌块墙 - 190mm\n")
	s.WaitScreenEnds("\nbfquery=>")

	// Several candidates are listed under the line, each row from the
	// first column.
	s.Send("SELECT elementId WHERE floor = 'F0\t")
	scr = s.WaitScreen("the candidates of 'F0", func(scr string) bool {
		return strings.Contains(scr, "'F01'") && strings.Contains(scr, "'F02'")
	})
	lines := strings.Split(scr, "\n")
	var list []string
	for i, l := range lines {
		if strings.HasPrefix(l, "bfquery=> SELECT elementId WHERE floor = 'F0") {
			list = lines[i+1:]
		}
	}
	require.NotEmpty(t, list, scr)
	for _, l := range list {
		require.True(t, strings.HasPrefix(l, "'"), "a line of candidates does not start at the first column:\n%s", scr)
	}

	// Ctrl-U clears the line and the list under it.
	s.Send("\x15")
	s.WaitScreen("the list gone after Ctrl-U", func(scr string) bool {
		return strings.HasSuffix(scr, "\nbfquery=>") && !strings.Contains(scr[strings.LastIndex(scr, "(141 rows"):], "'F02'")
	})
	s.quit(t)
}

// TestQueryWithoutFromOnTheOnlyTarget: a session with one target runs a
// query without FROM on it, and says so from the start.
func TestQueryWithoutFromOnTheOnlyTarget(t *testing.T) {
	s := startSession(t, "")
	s.WaitScreenEnds("bfquery shell on the demo model. Type \\? for help, \\q to quit.\n" +
		"Queries without FROM run on file 1124890692330272.\n" +
		"bfquery=>")
	s.Send("\\use\r")
	s.WaitScreenEnds("bfquery=> \\use\nQueries without FROM run on file 1124890692330272.\nbfquery=>")
	s.Send("\\format count\r")
	s.WaitScreenEnds("\nbfquery=>")
	s.Send("SELECT elementId WHERE floor = 'F01' AND categoryName = '墙';\r")
	s.WaitScreenHas("bfquery=> SELECT elementId WHERE floor = 'F01' AND categoryName = '墙';\n141\n")
	s.Send("\\dsl SELECT elementId WHERE floor = 'F01'\r")
	s.WaitScreenHas("\"targetIds\": [\n    \"1124890692330272\"\n  ],")
	s.quit(t)
}
