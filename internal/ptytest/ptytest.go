// Package ptytest runs a program's terminal side on a pseudo-terminal in
// tests: type keys into it and wait for what it writes on the screen.
package ptytest

import (
	"errors"
	"os"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/stretchr/testify/require"
)

// WaitFor is how long Expect waits for the screen to show something.
const WaitFor = 10 * time.Second

// Session is one pseudo-terminal and all the program has written to it.
type Session struct {
	t *testing.T
	// TTY is the program's side: its stdin, stdout and stderr.
	TTY  *os.File
	ptmx *os.File

	mu  sync.Mutex
	out []byte
	// seen is how much of the screen Expect has consumed.
	seen int
}

// Open opens a 50×200 pseudo-terminal, closed when the test ends. Where
// the system has none (Windows: its consoles are not Unix terminals) the
// test is skipped, saying so.
func Open(t *testing.T) *Session {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if errors.Is(err, pty.ErrUnsupported) {
		t.Skipf("no pseudo-terminal on %s: %v", runtime.GOOS, err)
	}
	require.NoError(t, err)
	require.NoError(t, pty.Setsize(ptmx, &pty.Winsize{Rows: 50, Cols: 200}))
	s := &Session{t: t, TTY: tty, ptmx: ptmx}
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
	t.Cleanup(func() {
		tty.Close()
		ptmx.Close()
	})
	return s
}

var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][0-9A-B]|\r`)

// Screen returns all the program wrote, without escape sequences and
// carriage returns.
func (s *Session) Screen() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return ansi.ReplaceAllString(string(s.out), "")
}

// Expect waits until the program has written want after what the last
// Expect consumed, and consumes what it wrote up to the end of want.
func (s *Session) Expect(want string) string {
	s.t.Helper()
	deadline := time.Now().Add(WaitFor)
	for time.Now().Before(deadline) {
		text := s.Screen()
		if i := strings.Index(text[s.seen:], want); i >= 0 {
			got := text[s.seen : s.seen+i+len(want)]
			s.seen += i + len(want)
			return got
		}
		time.Sleep(10 * time.Millisecond)
	}
	s.t.Fatalf("the program did not write %q in %v; after what was expected, it wrote:\n%s", want, WaitFor, s.Screen()[s.seen:])
	return ""
}

// Send types keys.
func (s *Session) Send(keys string) {
	s.t.Helper()
	_, err := s.ptmx.Write([]byte(keys))
	require.NoError(s.t, err)
}
