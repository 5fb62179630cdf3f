package eval

import "golang.org/x/sys/unix"

const pageSize = 4096

// mapScratch maps size bytes of zeroed memory, or returns nil.
func mapScratch(size int) []byte {
	mem, err := unix.Mmap(-1, 0, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON)
	if err != nil {
		return nil
	}
	return mem
}

// remapScratch grows a mapping to size bytes, moving its pages rather
// than copying them; the new bytes are zero. It returns nil if the system
// refuses, old being then unchanged.
func remapScratch(old []byte, size int) []byte {
	mem, err := unix.Mremap(old, size, unix.MREMAP_MAYMOVE)
	if err != nil {
		return nil
	}
	return mem
}

func unmapScratch(mem []byte) { unix.Munmap(mem) }

// dropScratch gives back the pages of mem, a part of a mapping, which
// read as zeros after.
func dropScratch(mem []byte) { unix.Madvise(mem, unix.MADV_DONTNEED) }
