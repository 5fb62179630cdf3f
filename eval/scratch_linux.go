package eval

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// scratchRoom is the address space a mapping of scratch takes, where
// there is plenty (64-bit systems): its pages cost nothing until
// touched, so that the array grows in place, with no system call and no
// page table to move, as the Go heap does.
const scratchRoom = int(1 << (32 * (unsafe.Sizeof(uintptr(0)) / 8)))

// mapScratch maps at least size bytes of zeroed memory, or returns nil.
func mapScratch(size int) []byte {
	var mem []byte
	var err error
	if size < scratchRoom {
		mem, err = unix.Mmap(-1, 0, scratchRoom, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON|unix.MAP_NORESERVE)
	}
	if mem == nil {
		mem, err = unix.Mmap(-1, 0, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON)
	}
	if err != nil {
		return nil
	}
	return mem
}

// adviseHuge asks for huge pages for the mapping mem.
func adviseHuge(mem []byte) { unix.Madvise(mem, unix.MADV_HUGEPAGE) }

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

// populateScratch makes the pages of mem, a part of a mapping about to be
// used, in one system call rather than one page fault each, which costs
// much where page tables are virtualized.
func populateScratch(mem []byte) {
	if len(mem) > 0 {
		unix.Madvise(mem, unix.MADV_POPULATE_WRITE)
	}
}
