//go:build !windows

package robustio

import (
	"errors"
	"io/fs"
	"os"
)

// isInUse reports whether err says another process has the file open,
// which never stops a rename outside Windows.
func isInUse(error) bool { return false }

// SyncDir makes the renames in dir durable by syncing the directory.
// Filesystems that cannot sync a directory say so with EINVAL, which is
// not an error here.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, fs.ErrInvalid) {
		return err
	}
	return nil
}
