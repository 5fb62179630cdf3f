//go:build unix

package eval

import (
	"os"

	"golang.org/x/sys/unix"
)

// mapFile maps the file name read-only into memory: opening an index
// then costs what is read of it, not its size.
func mapFile(name string) ([]byte, func() error, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if fi.Size() == 0 {
		return nil, func() error { return nil }, nil
	}
	data, err := unix.Mmap(int(f.Fd()), 0, int(fi.Size()), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		// Some file systems cannot map files: read it instead.
		data, err := readAll(name)
		return data, func() error { return nil }, err
	}
	return data, func() error { return unix.Munmap(data) }, nil
}
