package eval

import (
	"sync/atomic"
	"unsafe"
)

// scratch is a growable array of pointer-free elements for the loader's
// working data (interning tables and arenas, the values of each record),
// which lives only until the index is built. Once it outgrows
// scratchHeap bytes it is kept outside the Go heap where the system
// allows (see mapScratch): freed explicitly, it is given back at once
// and leaves no garbage. On the Go heap, a load's discarded arrays would
// stay until the collector runs, which it does only once the heap has
// doubled: the peak would be twice what the load needs.
//
// A scratch must be freed (free) once done with; its slice must not be
// used after.
type scratch[T any] struct {
	s   []T
	mem []byte // the mapping s lies in; nil while s is on the Go heap
	// committed is the part of mem that s may use, counted in
	// scratchMapped; dropped the part at its start given back by drop.
	committed, dropped int
	huge               bool // huge pages were asked for
}

// scratchHeap is the size up to which a scratch stays on the Go heap: a
// mapping costs system calls and at least a page.
const scratchHeap = 64 << 10

// scratchMapped is the number of bytes of scratch in use outside the Go
// heap, for benchmarks that measure a load's memory.
var scratchMapped atomic.Int64

// reserve makes room for n more elements.
func (p *scratch[T]) reserve(n int) {
	if len(p.s)+n <= cap(p.s) {
		return
	}
	if p.dropped > 0 {
		panic("eval: growing a scratch array after drop")
	}
	var zero T
	size := int(unsafe.Sizeof(zero))
	c := max(2*cap(p.s), len(p.s)+n, 16)
	// In a mapping, the array grows by an eighth: its mapping has room
	// (see mapScratch), and what is counted is then near what is used.
	if c*size > scratchHeap && p.place(max(cap(p.s)+cap(p.s)/8, len(p.s)+n), size) {
		return
	}
	s := make([]T, len(p.s), c)
	copy(s, p.s)
	p.release()
	p.s = s
}

// place gives the array a capacity of c elements of size bytes in a
// mapping, reporting false if the system maps nothing.
func (p *scratch[T]) place(c, size int) bool {
	need := c * size
	if need > len(p.mem) {
		var mem []byte
		if p.mem != nil {
			mem = remapScratch(p.mem, max(need, 2*len(p.mem)))
		}
		if mem == nil {
			if mem = mapScratch(need); mem == nil {
				return false
			}
			copy(mem, unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(p.s))), len(p.s)*size))
			p.release()
		}
		p.mem = mem
	}
	if need >= hugeFrom && !p.huge {
		// Arrays of tens of megabytes read in random order spend much of
		// their time in page faults and address translation with small
		// pages; a small array would take a whole huge page.
		adviseHuge(p.mem)
		p.huge = true
	}
	if need > p.committed {
		populateScratch(p.mem[p.committed:need])
	}
	scratchMapped.Add(int64(need - p.committed))
	p.committed = need
	p.s = unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(p.mem))), c)[:len(p.s)]
	return true
}

// release unmaps the array's mapping, if it has one.
func (p *scratch[T]) release() {
	if p.mem != nil {
		scratchMapped.Add(-int64(p.committed - p.dropped))
		unmapScratch(p.mem)
		p.mem, p.committed, p.dropped, p.huge = nil, 0, 0, false
	}
}

// drop gives back the memory of the elements before i, which are not
// used again: an array read once from start to end shrinks as it is
// read. The array must not grow after.
func (p *scratch[T]) drop(i int) {
	if p.mem == nil {
		return
	}
	var zero T
	end := i * int(unsafe.Sizeof(zero)) &^ (dropStep - 1)
	if end <= p.dropped {
		return
	}
	dropScratch(p.mem[p.dropped:end])
	scratchMapped.Add(-int64(end - p.dropped))
	p.dropped = end
}

// hugeFrom is the size from which a scratch array asks for huge pages.
const hugeFrom = 4 << 20

// dropStep is the unit in which drop gives memory back: a huge page.
const dropStep = 2 << 20

// grow extends the array with zeros to n elements, if it is shorter.
func (p *scratch[T]) grow(n int) {
	if n > len(p.s) {
		p.reserve(n - len(p.s))
		p.s = p.s[:n]
	}
}

// zeros sets the array to n zeros.
func (p *scratch[T]) zeros(n int) {
	p.free()
	p.grow(n)
}

func (p *scratch[T]) push(v T) {
	if len(p.s) == cap(p.s) {
		p.reserve(1)
	}
	p.s = append(p.s, v)
}

func (p *scratch[T]) pushAll(v []T) {
	p.reserve(len(v))
	p.s = append(p.s, v...)
}

// free releases the array.
func (p *scratch[T]) free() {
	p.release()
	p.s = nil
}
