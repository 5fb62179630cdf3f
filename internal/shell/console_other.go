//go:build !windows

package shell

import (
	"io"
	"os"

	"github.com/chzyer/readline"
)

// openConsole returns the terminal on in and out as the line editor sees
// it: outside Windows, one that understands escape sequences as it is.
func openConsole(in *os.File, out io.Writer) console {
	return rawConsole(in, out)
}

// enterRaw puts the terminal in raw mode, readline's rather than
// term.MakeRaw's: it keeps output processing on, so that the line feeds
// readline writes after Enter and under a list of candidates return to
// the first column, as the output written between lines does.
func enterRaw(fd int) (restore func() error, err error) {
	st, err := readline.MakeRaw(fd)
	if err != nil {
		return nil, err
	}
	return func() error { return readline.Restore(fd, st) }, nil
}
