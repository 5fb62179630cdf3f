package shell_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/internal/demo"
	"github.com/bfquery/bfquery/internal/shell"
)

// session is a shell running in process on a pseudo-terminal, and what it
// has written to it so far.
type session struct {
	t    *testing.T
	ptmx *os.File
	done chan error

	mu  sync.Mutex
	out []byte
	// seen is how much of the screen expect has consumed.
	seen int
}

const waitFor = 10 * time.Second

func startSession(t *testing.T, history string) *session {
	t.Helper()
	ptmx, tty, err := pty.Open()
	require.NoError(t, err)
	require.NoError(t, pty.Setsize(ptmx, &pty.Winsize{Rows: 50, Cols: 200}))
	cache, err := demo.Open()
	require.NoError(t, err)
	sh := shell.New(shell.Config{
		Backend:     shell.Local(cache, "the demo model"),
		Stdin:       tty,
		Stdout:      tty,
		Stderr:      tty,
		Terminal:    true,
		HistoryFile: history,
		Interrupt:   func(ctx context.Context) (context.Context, context.CancelFunc) { return context.WithCancel(ctx) },
	})
	s := &session{t: t, ptmx: ptmx, done: make(chan error, 1)}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := ptmx.Read(buf)
			s.mu.Lock()
			s.out = append(s.out, buf[:n]...)
			s.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	go func() { s.done <- sh.Run(context.Background()) }()
	t.Cleanup(func() {
		tty.Close()
		ptmx.Close()
	})
	s.expect("bfquery=> ")
	return s
}

var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][0-9A-B]|\r`)

// screen returns all the shell wrote, without escape sequences and
// carriage returns.
func (s *session) screen() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return ansi.ReplaceAllString(string(s.out), "")
}

// expect waits until the shell has written want after what the last expect
// consumed, and consumes what it wrote up to the end of want.
func (s *session) expect(want string) string {
	s.t.Helper()
	deadline := time.Now().Add(waitFor)
	for time.Now().Before(deadline) {
		text := s.screen()
		if i := strings.Index(text[s.seen:], want); i >= 0 {
			got := text[s.seen : s.seen+i+len(want)]
			s.seen += i + len(want)
			return got
		}
		time.Sleep(10 * time.Millisecond)
	}
	s.t.Fatalf("the shell did not write %q in %v; after what was expected, it wrote:\n%s", want, waitFor, s.screen()[s.seen:])
	return ""
}

func (s *session) send(keys string) {
	s.t.Helper()
	_, err := s.ptmx.Write([]byte(keys))
	require.NoError(s.t, err)
}

// quit presses Ctrl-D and waits for the shell to end.
func (s *session) quit() {
	s.t.Helper()
	s.send("\x04")
	select {
	case err := <-s.done:
		require.NoError(s.t, err)
	case <-time.After(waitFor):
		s.t.Fatalf("the shell did not end on Ctrl-D; it wrote:\n%s", s.screen())
	}
}

func TestShellOnTerminal(t *testing.T) {
	history := filepath.Join(t.TempDir(), "state", "history")
	s := startSession(t, history)

	// Tab completes a Chinese key from a prefix of it.
	s.send("SELECT elementId FROM file 1124890692330272 WHERE 底\t")
	s.expect("底部偏移 ")
	s.send("IS NOT NULL;\r")
	s.expect("(4000 rows, ")
	s.expect("bfquery=> ")

	// A statement over several lines runs at the ";".
	s.send("SELECT elementId\r")
	s.expect("bfquery-> ")
	s.send("FROM file 1124890692330272\r")
	s.expect("bfquery-> ")
	s.send("WHERE floor = 'F01' AND categoryName = '墙';\r")
	out := s.expect("(141 rows, ")
	require.Contains(t, out, "elementId | name")
	require.Contains(t, out, "\n300071    | 砌块墙 - 190mm                  | 墙           | F01")
	s.expect("bfquery=> ")

	// Ctrl-C drops the statement being typed.
	s.send("SELECT elementId\r")
	s.expect("bfquery-> ")
	s.send("\x03")
	s.expect("bfquery=> ")

	// An error shows its line with a caret, and the shell goes on.
	s.send("SELECT elementId FROM file 1124890692330272 WHERE floor = AND x = 1;\r")
	out = s.expect("^\n")
	require.Contains(t, out, "ERROR: 1:59: expected a value after \"=\", found \"AND\"\n"+
		"  SELECT elementId FROM file 1124890692330272 WHERE floor = AND x = 1\n"+
		"  "+strings.Repeat(" ", 58)+"^\n")

	// A value completes after "=", quoted.
	s.send("\\use file 1124890692330272\r")
	s.expect("bfquery=> ")
	s.send("SELECT elementId WHERE floor = 'R\t")
	s.expect("'RF'")
	s.send(";\r")
	s.expect("(318 rows, ")
	s.quit()

	info, err := os.Stat(history)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	data, err := os.ReadFile(history)
	require.NoError(t, err)
	require.Equal(t, "SELECT elementId FROM file 1124890692330272 WHERE 底部偏移 IS NOT NULL;\n"+
		"SELECT elementId FROM file 1124890692330272 WHERE floor = 'F01' AND categoryName = '墙';\n"+
		"SELECT elementId FROM file 1124890692330272 WHERE floor = AND x = 1;\n"+
		"\\use file 1124890692330272\n"+
		"SELECT elementId WHERE floor = 'RF';\n", string(data))

	// A second session finds the first one's lines with Up.
	s = startSession(t, history)
	s.send("\x1b[A")
	s.expect("SELECT elementId WHERE floor = 'RF';")
	s.send("\x1b[A")
	s.expect("\\use file 1124890692330272")
	s.send("\r")
	s.expect("Queries without FROM now run on file 1124890692330272.")
	s.send("\x1b[A\x1b[A\r")
	s.expect("(318 rows, ")
	s.quit()
}
