package eval

import (
	"encoding/binary"
	"math/bits"
)

// hashText hashes a value's kind and text. It is fixed, not seeded, since
// the hash tables it places values in are written to index files.
func hashText(kind byte, t []byte) uint64 {
	h := uint64(len(t))*0x9e3779b97f4a7c15 ^ uint64(kind)<<56
	for len(t) >= 8 {
		h = mix(h ^ binary.LittleEndian.Uint64(t))
		t = t[8:]
	}
	var last uint64
	for i, c := range t {
		last |= uint64(c) << (8 * i)
	}
	return mix(h ^ last ^ 0x5bd1e995)
}

func mix(h uint64) uint64 {
	hi, lo := bits.Mul64(h, 0xbf58476d1ce4e5b9)
	return hi ^ lo
}

// interner numbers distinct byte strings in the order they are first
// added, keeping them in one arena: a few bytes per string besides its
// text, where a Go map of strings costs tens. Keys, values and record IDs
// are interned by the loader; with many distinct keys or values the
// difference is most of the memory a load takes.
type interner struct {
	arena []byte
	off   []uint32 // string i is arena[off[i]:off[i+1]]
	// table holds, per slot, the high 32 bits of the string's hash, which
	// also choose its slot, and its number+1 in the low 32 bits; 0 is a
	// free slot. Growing the table needs no hashing again.
	table []uint64
}

func newInterner() *interner {
	return &interner{off: []uint32{0}, table: make([]uint64, 16)}
}

// len is the number of strings.
func (in *interner) len() int { return len(in.off) - 1 }

func (in *interner) text(i uint32) []byte { return in.arena[in.off[i]:in.off[i+1]] }

// find returns the number of s, or false; h is hashText of s.
func (in *interner) find(s []byte, h uint64) (uint32, bool) {
	mask := uint64(len(in.table) - 1)
	hi := h >> 32
	for slot := hi & mask; ; slot = (slot + 1) & mask {
		e := in.table[slot]
		if e == 0 {
			return 0, false
		}
		if e>>32 == hi {
			if i := uint32(e) - 1; string(in.text(i)) == string(s) {
				return i, true
			}
		}
	}
}

// add returns the number of s, adding it if it is new; added says so.
func (in *interner) add(s []byte, h uint64) (n uint32, added bool) {
	if i, ok := in.find(s, h); ok {
		return i, false
	}
	n = uint32(in.len())
	in.arena = append(in.arena, s...)
	in.off = append(in.off, uint32(len(in.arena)))
	if 4*(int(n)+1) > 3*len(in.table) { // at most three quarters full
		in.grow()
	}
	in.place(h, n)
	return n, true
}

func (in *interner) place(h uint64, n uint32) {
	in.put(h>>32<<32 | uint64(n+1))
}

func (in *interner) put(e uint64) {
	mask := uint64(len(in.table) - 1)
	slot := e >> 32 & mask
	for in.table[slot] != 0 {
		slot = (slot + 1) & mask
	}
	in.table[slot] = e
}

// grow doubles the table.
func (in *interner) grow() {
	old := in.table
	in.table = make([]uint64, 2*len(old))
	for _, e := range old {
		if e != 0 {
			in.put(e)
		}
	}
}

// freeTable drops the hash table once no more strings will be looked up.
func (in *interner) freeTable() { in.table = nil }
