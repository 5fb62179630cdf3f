package pull

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"time"

	"github.com/gofrs/flock"
)

// lockFile takes the lock file at path: at once, or with retry > 0 every
// retry until ctx is done. release lets it go and removes the file, so
// that a cache directory keeps no trace of the pulls that ended.
//
// Removing a lock file is safe because of what lockFile checks: a
// process that opened the file before its holder removed it may lock it
// after, and would then hold a lock on a file no longer at path; so,
// once locked, the file held must still be the one at path, or lockFile
// takes the lock again on the file there now.
func lockFile(ctx context.Context, path string, retry time.Duration) (release func(), ok bool, err error) {
	for {
		l := flock.New(path)
		if retry > 0 {
			ok, err = l.TryLockContext(ctx, retry)
		} else {
			ok, err = l.TryLock()
		}
		if err != nil || !ok {
			return nil, ok, err
		}
		held, herr := l.Stat()
		now, nerr := os.Stat(path)
		if herr == nil && nerr == nil && os.SameFile(held, now) {
			return func() {
				// On Windows an open file cannot be removed; it stays,
				// as it did before.
				_ = os.Remove(path)
				_ = l.Unlock()
			}, true, nil
		}
		_ = l.Unlock()
		if herr != nil {
			return nil, false, herr
		}
		if nerr != nil && !errors.Is(nerr, fs.ErrNotExist) {
			return nil, false, nerr
		}
	}
}
