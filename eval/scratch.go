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
// and leaves no garbage, and growing it moves pages rather than copying
// them. On the Go heap, a load's discarded arrays would stay until the
// collector runs, which it does only once the heap has doubled: the
// peak would be twice what the load needs.
//
// A scratch must be freed (free) once done with; its slice must not be
// used after.
type scratch[T any] struct {
	s   []T
	mem []byte // the mapping s lies in; nil while s is on the Go heap
	// dropped is the number of bytes at the start of mem given back by
	// drop.
	dropped int
}

// scratchHeap is the size up to which a scratch stays on the Go heap: a
// mapping costs system calls and at least a page.
const scratchHeap = 64 << 10

// scratchMapped is the number of bytes of scratch mapped outside the Go
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
	if c*size > scratchHeap {
		// A mapping grows by an eighth: moving pages costs no copy, and
		// what is mapped is then near what is used.
		c = max(cap(p.s)+cap(p.s)/8, len(p.s)+n)
		bytes := (c*size + pageSize - 1) &^ (pageSize - 1)
		if p.mem != nil {
			if mem := remapScratch(p.mem, bytes); mem != nil {
				p.use(mem)
				return
			}
		}
		if mem := mapScratch(bytes); mem != nil {
			copy(mem, unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(p.s))), len(p.s)*size))
			p.release()
			p.use(mem)
			return
		}
	}
	s := make([]T, len(p.s), c)
	copy(s, p.s)
	p.release()
	p.s = s
}

// use makes mem, which holds the array, its mapping.
func (p *scratch[T]) use(mem []byte) {
	var zero T
	scratchMapped.Add(int64(len(mem) - len(p.mem)))
	p.s = unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(mem))), len(mem)/int(unsafe.Sizeof(zero)))[:len(p.s)]
	p.mem = mem
}

// release unmaps the array's mapping, if it has one.
func (p *scratch[T]) release() {
	if p.mem != nil {
		scratchMapped.Add(-int64(len(p.mem) - p.dropped))
		unmapScratch(p.mem)
		p.mem, p.dropped = nil, 0
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
	end := i * int(unsafe.Sizeof(zero)) &^ (pageSize - 1)
	if end-p.dropped < dropStep {
		return
	}
	dropScratch(p.mem[p.dropped:end])
	scratchMapped.Add(-int64(end - p.dropped))
	p.dropped = end
}

// dropStep is the least that drop gives back at a time.
const dropStep = 1 << 20

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
