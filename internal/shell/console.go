package shell

import (
	"io"
	"os"
)

// console is the terminal as the line editor sees it. Nil fields leave
// readline its own defaults, which on Windows read key events and turn
// escape sequences into console calls.
type console struct {
	// vt reports that escape sequences written to the terminal are
	// understood, colour included.
	vt               bool
	stdin            io.Reader
	stdout           io.Writer
	makeRaw, exitRaw func() error
	// close puts the terminal back as openConsole found it.
	close func()
}

// rawConsole is a terminal that understands escape sequences and sends
// keys as them once in raw mode: Unix terminals, and Windows consoles
// once asked to (x/term's raw mode asks for the keys).
func rawConsole(in *os.File, out io.Writer) console {
	var restore func() error
	return console{
		vt:     true,
		stdin:  in,
		stdout: out,
		makeRaw: func() error {
			if restore != nil {
				return nil
			}
			r, err := enterRaw(int(in.Fd()))
			restore = r
			return err
		},
		exitRaw: func() error {
			if restore == nil {
				return nil
			}
			r := restore
			restore = nil
			return r()
		},
		close: func() {},
	}
}
