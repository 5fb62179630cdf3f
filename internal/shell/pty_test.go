package shell_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/internal/demo"
	"github.com/bfquery/bfquery/internal/ptytest"
	"github.com/bfquery/bfquery/internal/runner"
	"github.com/bfquery/bfquery/internal/shell"
)

// session is a shell running in process on a pseudo-terminal.
type session struct {
	*ptytest.Session
	done chan error
}

func startSession(t *testing.T, history string) *session {
	t.Helper()
	return startSessionWith(t, history, nil)
}

// startSessionWith is startSession with the config changed by set.
func startSessionWith(t *testing.T, history string, set func(*shell.Config)) *session {
	t.Helper()
	pt := ptytest.Open(t)
	cache, err := demo.Open()
	require.NoError(t, err)
	cfg := shell.Config{
		Engine:      runner.Local(cache, "the demo model"),
		Stdin:       pt.TTY,
		Stdout:      pt.TTY,
		Stderr:      pt.TTY,
		Terminal:    true,
		HistoryFile: history,
		Interrupt:   func(ctx context.Context) (context.Context, context.CancelFunc) { return context.WithCancel(ctx) },
	}
	if set != nil {
		set(&cfg)
	}
	sh := shell.New(cfg)
	s := &session{Session: pt, done: make(chan error, 1)}
	go func() { s.done <- sh.Run(context.Background()) }()
	s.Expect("bfquery=> ")
	return s
}

// quit presses Ctrl-D and waits for the shell to end.
func (s *session) quit(t *testing.T) {
	t.Helper()
	// Once the line editor prompts, and so reads keys again: pressed while
	// the terminal is still in the mode a statement ran in, Ctrl-D is the
	// line discipline's end of file rather than a key.
	s.WaitScreen("a prompt", func(scr string) bool {
		last := scr[strings.LastIndex(scr, "\n")+1:]
		return last == "bfquery=>" || last == "bfquery->"
	})
	s.Send("\x04")
	select {
	case err := <-s.done:
		require.NoError(t, err)
	case <-time.After(ptytest.WaitFor):
		t.Fatalf("the shell did not end on Ctrl-D; it wrote:\n%s", s.Screen())
	}
}

func TestShellOnTerminal(t *testing.T) {
	history := filepath.Join(t.TempDir(), "state", "history")
	s := startSession(t, history)

	// Tab completes a Chinese key from a prefix of it.
	s.Send("SELECT elementId FROM file 1124890692330272 WHERE 底\t")
	s.Expect("底部偏移 ")
	s.Send("IS NOT NULL;\r")
	s.Expect("(4000 rows, ")
	s.Expect("bfquery=> ")

	// A statement over several lines runs at the ";".
	s.Send("SELECT elementId\r")
	s.Expect("bfquery-> ")
	s.Send("FROM file 1124890692330272\r")
	s.Expect("bfquery-> ")
	s.Send("WHERE floor = 'F01' AND categoryName = '墙';\r")
	out := s.Expect("(141 rows, ")
	require.Contains(t, out, "elementId | name")
	require.Contains(t, out, "\n300071    | 砌块墙 - 190mm                  | 墙           | F01")
	s.Expect("bfquery=> ")

	// Ctrl-C drops the statement being typed.
	s.Send("SELECT elementId\r")
	s.Expect("bfquery-> ")
	s.Send("\x03")
	s.Expect("bfquery=> ")

	// An error shows its line with a caret, and the shell goes on.
	s.Send("SELECT elementId FROM file 1124890692330272 WHERE floor = AND x = 1;\r")
	out = s.Expect("^\n")
	require.Contains(t, out, "ERROR: 1:59: expected a value after \"=\", found \"AND\"\n"+
		"  SELECT elementId FROM file 1124890692330272 WHERE floor = AND x = 1\n"+
		"  "+strings.Repeat(" ", 58)+"^\n")

	// A value completes after "=", quoted.
	s.Send("\\use file 1124890692330272\r")
	s.Expect("bfquery=> ")
	s.Send("SELECT elementId WHERE floor = 'R\t")
	s.Expect("'RF'")
	s.Send(";\r")
	s.Expect("(318 rows, ")
	s.quit(t)

	info, err := os.Stat(history)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	data, err := os.ReadFile(history)
	require.NoError(t, err)
	require.Equal(t, "SELECT elementId FROM file 1124890692330272 WHERE 底部偏移 IS NOT NULL;\n"+
		`"SELECT elementId\nFROM file 1124890692330272\nWHERE floor = 'F01' AND categoryName = '墙';"`+"\n"+
		"SELECT elementId FROM file 1124890692330272 WHERE floor = AND x = 1;\n"+
		"\\use file 1124890692330272\n"+
		"SELECT elementId WHERE floor = 'RF';\n", string(data))

	// A second session finds the first one's lines with Up.
	s = startSession(t, history)
	s.Send("\x1b[A")
	s.Expect("SELECT elementId WHERE floor = 'RF';")
	s.Send("\x1b[A")
	s.Expect("\\use file 1124890692330272")
	s.Send("\r")
	s.Expect("Queries without FROM now run on file 1124890692330272.")
	s.Send("\x1b[A\x1b[A\r")
	s.Expect("(318 rows, ")
	s.quit(t)
}
