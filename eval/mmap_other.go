//go:build !unix

package eval

// mapFile reads the file name into memory, where mapping it is not
// implemented.
func mapFile(name string) ([]byte, func() error, error) {
	data, err := readAll(name)
	return data, func() error { return nil }, err
}
