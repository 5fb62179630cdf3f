//go:build !linux

package eval

// mapScratch keeps scratch on the Go heap where growing mappings in place
// (mremap) is not available.
func mapScratch(size int) []byte { return nil }

func remapScratch(old []byte, size int) []byte { return nil }

func unmapScratch(mem []byte) {}

func dropScratch(mem []byte) {}

func adviseHuge(mem []byte) {}

func populateScratch(mem []byte) {}
