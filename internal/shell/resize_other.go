//go:build !unix

package shell

import "time"

// resizePoll is how often the width is looked at where no signal tells.
const resizePoll = 500 * time.Millisecond

// onResize calls f, from another goroutine, each time width changes, until
// stop is called. A Windows console has no SIGWINCH: it reports a resize
// as an input event, which reading standard input as text never sees, so
// the width is asked for now and then instead.
func onResize(f func(), width func() int) (stop func()) {
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(resizePoll)
		defer t.Stop()
		last := width()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if w := width(); w != last {
					last = w
					f()
				}
			}
		}
	}()
	return func() { close(done) }
}
