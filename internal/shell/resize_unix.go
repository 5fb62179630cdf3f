//go:build unix

package shell

import (
	"os"
	"os/signal"
	"syscall"
)

// onResize calls f, from another goroutine, each time the terminal
// changes size, until stop is called. Unix terminals say so with
// SIGWINCH.
func onResize(f func(), _ func() int) (stop func()) {
	winch := make(chan os.Signal, 1)
	signal.Notify(winch, syscall.SIGWINCH)
	go func() {
		for range winch {
			f()
		}
	}()
	return func() {
		signal.Stop(winch)
		close(winch)
	}
}
