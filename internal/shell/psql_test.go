package shell_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/internal/shell"
)

// TestContinuationPrompt: the prompt of a statement not yet ended shows
// the quote or parenthesis it is inside of, as psql's does.
func TestContinuationPrompt(t *testing.T) {
	s := startSession(t, "")
	s.Send("SELECT elementId WHERE name = 'a\r")
	s.WaitScreenEnds("bfquery=> SELECT elementId WHERE name = 'a\nbfquery'>")
	s.Send("b' AND (floor = 'F01'\r")
	s.WaitScreenEnds("bfquery'> b' AND (floor = 'F01'\nbfquery(>")
	s.Send("OR floor = \"F02\r")
	s.WaitScreenEnds("bfquery(> OR floor = \"F02\nbfquery\">")
	s.Send("\")\r")
	s.WaitScreenEnds("bfquery\"> \")\nbfquery->")
	s.Send(";\r")
	s.WaitScreenEnds("bfquery-> ;\nelementId\n---------\n(0 rows, " + lastTiming(s) + ")\nbfquery=>")
	s.quit(t)
}

// lastTiming waits for the time of the last result and returns it.
func lastTiming(s *session) string {
	scr := s.WaitScreen("a timing", func(scr string) bool { return strings.Contains(scr, " ms)") })
	i := strings.LastIndex(scr, " ms)")
	j := strings.LastIndex(scr[:i], ", ")
	return scr[j+2:i] + " ms"
}

// TestHistoryAsTyped: a statement typed over several lines, with a line
// break inside a string, is kept in the history file as it was typed;
// it comes back into the line editor as one line (the line break in the
// string kept), in this session and the next; a history file others may
// read is made the owner's alone.
func TestHistoryAsTyped(t *testing.T) {
	history := filepath.Join(t.TempDir(), "history")
	require.NoError(t, os.WriteFile(history, []byte("\\format count\n"), 0o644))
	s := startSession(t, history)
	info, err := os.Stat(history)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())

	s.Send("SELECT elementId -- the walls\r")
	s.Send("WHERE categoryName = '墙'\r")
	s.Send("  AND floor = 'F01';\r")
	s.Expect("(141 rows, ")
	s.Send("SELECT elementId WHERE name = 'a\r")
	s.Send("b' OR categoryName = '墙';\r")
	s.Expect("(930 rows, ")
	s.Send("\x1b[A\x1b[A")
	s.WaitScreenEnds("bfquery=> SELECT elementId WHERE categoryName = '墙' AND floor = 'F01';")
	s.Send("\x15")
	s.quit(t)
	data, err := os.ReadFile(history)
	require.NoError(t, err)
	require.Equal(t, "\\format count\n"+
		`"SELECT elementId -- the walls\nWHERE categoryName = '墙'\n  AND floor = 'F01';"`+"\n"+
		`"SELECT elementId WHERE name = 'a\nb' OR categoryName = '墙';"`+"\n", string(data))

	s = startSession(t, history)
	s.Send("\x1b[A\x1b[A")
	s.WaitScreenEnds("bfquery=> SELECT elementId WHERE categoryName = '墙' AND floor = 'F01';")
	s.Send("\r")
	s.WaitScreenHas("(141 rows, ")
	// The line break in the string goes back as it came: the answer is
	// the same. (The editor draws a line that holds a line break
	// imperfectly, so the bytes, not the screen, tell.)
	s.Send("\x1b[A\x1b[A\r")
	s.Expect("(930 rows, ")
	s.quit(t)
}

// TestExpandedAndDescribe: \x shows a block per row; \d lists the keys
// of elements, rooms and areas with their counts.
func TestExpandedAndDescribe(t *testing.T) {
	s := startSession(t, "")
	s.Send("\\x\r")
	s.WaitScreenEnds("Expanded display is on.\nbfquery=>")
	s.Send("SELECT elementId WHERE floor = 'F01' AND categoryName = '墙' AND name = '常规 - 200mm';\r")
	scr := s.WaitScreenHas(" rows, ")
	require.Contains(t, scr, "bfquery=> SELECT elementId WHERE floor = 'F01' AND categoryName = '墙' AND name = '常规 - 200mm';\n"+
		"-[ RECORD 1 ]+-------------\n"+
		"elementId    | 300313\n"+
		"name         | 常规 - 200mm\n"+
		"categoryName | 墙\n"+
		"floor        | F01\n"+
		"family       | 基本墙\n"+
		"familyType   | 常规 - 200mm\n"+
		"-[ RECORD 2 ]+-------------\n", scr)
	s.Send("\\x off\r")
	s.WaitScreenEnds("Expanded display is off.\nbfquery=>")

	s.Send("\\d 面积\r")
	s.WaitScreenEnds("bfquery=> \\d 面积\n" +
		"Keys of file 1124890692330272:\n" +
		"key  | elements | rooms | areas\n" +
		"-----+----------+-------+------\n" +
		"面积 | 4000     | 40    | 8\n" +
		"(1 key)\n" +
		"bfquery=>")
	s.quit(t)
}

// TestPagerEditorAndGo: a result taller than the screen goes through the
// pager; \e edits the last statement in the editor and runs what it
// leaves; \g runs the statement being typed; help is \?.
func TestPagerEditorAndGo(t *testing.T) {
	dir := t.TempDir()
	editor := filepath.Join(dir, "editor")
	// The editor replaces the floor of the statement it is given.
	require.NoError(t, os.WriteFile(editor, []byte("#!/bin/sh\nsed -i \"s/'F01'/'RF'/\" \"$1\"\n"), 0o755))
	s := startSessionWith(t, "", func(c *shell.Config) {
		c.Pager = "sed 's/^/paged: /'"
		c.Editor = editor
	})
	s.Send("\\format ids\r")
	s.Send("SELECT elementId WHERE floor = 'F01';\r")
	scr := s.WaitScreenHas("paged: (610 rows, ")
	require.Contains(t, scr, "bfquery=> SELECT elementId WHERE floor = 'F01';\npaged: ")
	s.Send("\\pset pager off\r")
	s.WaitScreenEnds("Pager usage is off.\nbfquery=>")

	s.Send("\\format count\r")
	s.Send("\\e\r")
	s.WaitScreenHas("bfquery=> \\e\nSELECT elementId WHERE floor = 'RF';\n318\n(")

	s.Send("SELECT elementId\r")
	s.Send("WHERE floor = 'B01'\r")
	s.Send("\\g\r")
	s.WaitScreenHas("bfquery-> \\g\n271\n(")
	s.Send("\\g\r")
	s.WaitScreenHas("bfquery=> \\g\n271\n(")

	s.Send("help\r")
	s.WaitScreenHas("bfquery=> help\nType a query ended by \";\"")
	s.quit(t)
}
