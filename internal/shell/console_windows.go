//go:build windows

package shell

import (
	"io"
	"os"

	"golang.org/x/term"

	"golang.org/x/sys/windows"
)

// openConsole returns the console on in and out as the line editor sees
// it. A Windows 10 console understands escape sequences only when asked
// to, and close asks it to stop again; the legacy console, which cannot
// be asked, is left to readline's own Windows defaults, without colour.
func openConsole(in *os.File, out io.Writer) console {
	c := rawConsole(in, out)
	f, ok := out.(*os.File)
	if !ok {
		return c
	}
	h := windows.Handle(f.Fd())
	var mode uint32
	if err := windows.GetConsoleMode(h, &mode); err != nil || mode&windows.ENABLE_VIRTUAL_TERMINAL_PROCESSING != 0 {
		// Not a console, so nothing to ask, or one already asked.
		return c
	}
	if err := windows.SetConsoleMode(h, mode|windows.ENABLE_VIRTUAL_TERMINAL_PROCESSING); err == nil {
		c.close = func() { _ = windows.SetConsoleMode(h, mode) }
		return c
	}
	return console{close: func() {}}
}

// enterRaw puts the console in raw mode as x/term does, which asks for
// keys as escape sequences; a Windows console's output processing is not
// changed by it.
func enterRaw(fd int) (restore func() error, err error) {
	st, err := term.MakeRaw(fd)
	if err != nil {
		return nil, err
	}
	return func() error { return term.Restore(fd, st) }, nil
}
