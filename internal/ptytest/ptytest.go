// Package ptytest runs a program's terminal side on a pseudo-terminal in
// tests: type keys into it and wait for what it writes on the screen.
//
// What the program writes goes through a terminal emulator
// (github.com/charmbracelet/x/vt), so a test can read the screen as a
// person would see it, with each line at the column where the terminal
// put it, and not only the bytes: a bare line feed written while the
// terminal does not translate it, or a cursor movement, shows there.
package ptytest

import (
	"errors"
	"io"
	"os"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/vt"
	"github.com/creack/pty"
	"github.com/stretchr/testify/require"
)

// WaitFor is how long Expect and WaitScreen wait for the screen to show
// something. It is generous: a busy host must not make a test fail.
const WaitFor = 20 * time.Second

// Rows and Cols are the size of the terminal.
const (
	Rows = 50
	Cols = 200
)

// Session is one pseudo-terminal and all the program has written to it.
type Session struct {
	t *testing.T
	// TTY is the program's side: its stdin, stdout and stderr.
	TTY  *os.File
	ptmx *os.File

	mu  sync.Mutex
	out []byte
	// term is what a terminal shows of out.
	term *vt.Emulator
	// seen is how much of the output Expect has consumed.
	seen int
}

// Open opens a Rows×Cols pseudo-terminal, closed when the test ends.
// Where the system has none (Windows: its consoles are not Unix
// terminals) the test is skipped, saying so.
func Open(t *testing.T) *Session {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if errors.Is(err, pty.ErrUnsupported) {
		t.Skipf("no pseudo-terminal on %s: %v", runtime.GOOS, err)
	}
	require.NoError(t, err)
	require.NoError(t, pty.Setsize(ptmx, &pty.Winsize{Rows: Rows, Cols: Cols}))
	s := &Session{t: t, TTY: tty, ptmx: ptmx, term: vt.NewEmulator(Cols, Rows)}
	s.term.SetScrollbackSize(100000)
	// The emulator answers queries (cursor position, device attributes)
	// as a terminal would, on the program's input. The emulator is not
	// closed (its Close races with its Read and Write), so this reader
	// stays blocked after the test, which costs a goroutine and nothing
	// else.
	go func() { _, _ = io.Copy(ptmx, s.term) }()
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := ptmx.Read(buf)
			s.mu.Lock()
			s.out = append(s.out, buf[:n]...)
			_, _ = s.term.Write(buf[:n])
			s.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		tty.Close()
		ptmx.Close()
	})
	return s
}

var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][0-9A-B]|\r`)

// Output returns all the program wrote, without escape sequences and
// carriage returns: the bytes, not what the screen shows.
func (s *Session) Output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return ansi.ReplaceAllString(string(s.out), "")
}

// Raw returns all the program wrote, as it wrote it.
func (s *Session) Raw() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return string(s.out)
}

// Screen returns what the terminal shows, the lines scrolled off its top
// included, with the spaces at the end of each line and the blank lines
// at the end taken off.
func (s *Session) Screen() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var lines []string
	if sb := s.term.Scrollback(); sb != nil {
		for _, l := range sb.Lines() {
			lines = append(lines, l.String())
		}
	}
	lines = append(lines, strings.Split(s.term.String(), "\n")...)
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return strings.Join(lines, "\n")
}

// Cursor returns the cursor's row and column on the screen, from 0.
func (s *Session) Cursor() (row, col int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.term.CursorPosition()
	return p.Y, p.X
}

// Expect waits until the program has written want after what the last
// Expect consumed, and consumes what it wrote up to the end of want. It
// reads the bytes (Output); WaitScreen reads the screen.
func (s *Session) Expect(want string) string {
	s.t.Helper()
	deadline := time.Now().Add(WaitFor)
	for time.Now().Before(deadline) {
		text := s.Output()
		if i := strings.Index(text[s.seen:], want); i >= 0 {
			got := text[s.seen : s.seen+i+len(want)]
			s.seen += i + len(want)
			return got
		}
		time.Sleep(10 * time.Millisecond)
	}
	s.t.Fatalf("the program did not write %q in %v; after what was expected, it wrote:\n%s", want, WaitFor, s.Output()[s.seen:])
	return ""
}

// WaitScreen waits until ok holds of the screen (as Screen returns it),
// and returns that screen. It fails the test, showing the screen, if ok
// does not hold within WaitFor.
func (s *Session) WaitScreen(what string, ok func(screen string) bool) string {
	s.t.Helper()
	deadline := time.Now().Add(WaitFor)
	for {
		scr := s.Screen()
		if ok(scr) {
			return scr
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("the screen did not show %s in %v; it shows:\n%s", what, WaitFor, scr)
			return scr
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// WaitScreenHas waits until the screen holds want (which may span lines)
// and returns the screen.
func (s *Session) WaitScreenHas(want string) string {
	s.t.Helper()
	return s.WaitScreen(strconvQuote(want), func(scr string) bool { return strings.Contains(scr, want) })
}

// WaitScreenEnds waits until the screen ends with want (lines and all, the
// blank lines at its end aside) and returns the screen.
func (s *Session) WaitScreenEnds(want string) string {
	s.t.Helper()
	return s.WaitScreen("at its end "+strconvQuote(want), func(scr string) bool { return strings.HasSuffix(scr, want) })
}

func strconvQuote(s string) string {
	return "«" + s + "»"
}

// Send types keys.
func (s *Session) Send(keys string) {
	s.t.Helper()
	_, err := s.ptmx.Write([]byte(keys))
	require.NoError(s.t, err)
}
