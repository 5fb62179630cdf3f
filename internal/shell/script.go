package shell

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
)

// say writes one of the shell's messages, as opposed to a result: a
// setting changed, the number of rows, the time a query took. On a
// terminal it goes to the screen with the results; from a script to
// Stderr, so that Stdout holds the results alone, as a program reading
// it expects; with Quiet, nowhere.
func (s *Shell) say(format string, args ...any) {
	if s.cfg.Quiet {
		return
	}
	w := s.cfg.Stderr
	if s.cfg.Terminal {
		w = s.cfg.Stdout
	}
	fmt.Fprintf(w, format+"\n", args...)
}

// FailedError is what Run and Failed return when statements or commands
// of a script failed. It matches ErrFailed (errors.Is).
type FailedError struct {
	// Failed is how many failed; BadInput how many of them because of
	// what was typed: a statement that does not compile, a backslash
	// command used wrongly.
	Failed, BadInput int
}

func (e *FailedError) Error() string        { return fmt.Sprintf("%v: %d", ErrFailed, e.Failed) }
func (e *FailedError) Is(target error) bool { return target == ErrFailed }

// Failed returns a *FailedError with the number of statements and
// commands that failed so far, or nil when none did.
func (s *Shell) Failed() error {
	if s.failed > 0 {
		return &FailedError{Failed: s.failed, BadInput: s.badInput}
	}
	return nil
}

// usageError marks an error in how a backslash command was typed.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// RunScript runs the statements and commands of a script, as Run does
// with a Stdin that is not a terminal, and then returns: the way of
// psql -f FILE and -c COMMAND. A statement the script leaves without its
// ";" runs at its end. It returns an error if the script could not be
// read; statements that failed are counted for Failed.
func (s *Shell) RunScript(ctx context.Context, r io.Reader) (quit bool, err error) {
	return s.script(ctx, r)
}

// script reads statements and commands from r until its end or \q.
func (s *Shell) script(ctx context.Context, r io.Reader) (quit bool, err error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	for sc.Scan() {
		if ctx.Err() != nil {
			return true, ctx.Err()
		}
		if s.Line(ctx, sc.Text()) {
			quit = true
			break
		}
	}
	if err := sc.Err(); err != nil {
		return true, err
	}
	if !quit && strings.TrimSpace(s.buf) != "" {
		s.Line(ctx, ";")
	}
	return quit, nil
}

// include runs the script in a file, for \i.
func (s *Shell) include(ctx context.Context, name string) (quit bool, err error) {
	if s.depth >= maxIncludeDepth {
		return false, fmt.Errorf(`\i %s: scripts include each other more than %d deep`, name, maxIncludeDepth)
	}
	f, err := os.Open(name)
	if err != nil {
		return false, err
	}
	defer f.Close()
	// The statement being typed before \i is not the script's.
	buf := s.buf
	s.buf = ""
	s.depth++
	defer func() { s.depth--; s.buf = buf }()
	return s.script(ctx, f)
}

// maxIncludeDepth stops a script that includes itself.
const maxIncludeDepth = 16
