// Package robustio holds the file operations of a cache whose behaviour
// differs across systems enough to matter: replacing a file that another
// process may be reading, and making a rename durable.
package robustio

import (
	"os"
	"time"
)

// retryFor is how long Rename keeps trying while another process holds a
// file open: long enough for a reader to finish with a manifest.
const retryFor = 2 * time.Second

// Rename renames oldpath to newpath, replacing newpath if it exists, as
// os.Rename does. On Windows a file cannot be replaced (nor moved) while
// another process has it open, as a reader of the cache or a second shell
// may for a moment: there Rename tries again, for up to two seconds, while
// the error says so.
func Rename(oldpath, newpath string) error {
	return retry(func() error { return os.Rename(oldpath, newpath) }, isInUse, retryFor)
}

// retry calls f until it succeeds, fails with an error transient does not
// accept, or limit has passed since the first call; it returns f's last
// error.
func retry(f func() error, transient func(error) bool, limit time.Duration) error {
	start := time.Now()
	delay := time.Millisecond
	for {
		err := f()
		if err == nil || !transient(err) || time.Since(start) >= limit {
			return err
		}
		time.Sleep(delay)
		delay = min(2*delay, 100*time.Millisecond)
	}
}
