//go:build !windows

package shell

import (
	"io"
	"os"
)

// openConsole returns the terminal on in and out as the line editor sees
// it: outside Windows, one that understands escape sequences as it is.
func openConsole(in *os.File, out io.Writer) console {
	return rawConsole(in, out)
}
