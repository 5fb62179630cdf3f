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
// difference is most of the memory a load takes. Its arrays are scratch:
// free releases them.
type interner struct {
	arena scratch[byte]
	off   scratch[uint32] // string i is arena[off[i]:off[i+1]]
	// table holds, per slot, the string's number+1 in its low bits bits
	// and, above, the high bits of its hash as a tag, which spares most
	// comparisons of texts; 0 is a free slot. The slot is chosen by the
	// low bits of the hash. Four bytes a slot rather than eight (number and
	// hash) halve the largest array of a load with many distinct keys, for
	// a hashing of the strings again at each growth.
	table scratch[uint32]
	bits  uint // log2 of the table's size
}

func newInterner() *interner {
	in := &interner{bits: 4}
	in.off.push(0)
	in.table.zeros(1 << in.bits)
	return in
}

// len is the number of strings.
func (in *interner) len() int { return len(in.off.s) - 1 }

func (in *interner) text(i uint32) []byte { return in.arena.s[in.off.s[i]:in.off.s[i+1]] }

// slot is where the search for a string of hash h starts.
func (in *interner) slot(h uint64) uint64 { return h & (1<<in.bits - 1) }

// tag is the tag of a string of hash h, in place in an entry.
func (in *interner) tag(h uint64) uint32 { return uint32(h>>32) &^ (1<<in.bits - 1) }

// find returns the number of s, or false; h is hashText of s.
func (in *interner) find(s []byte, h uint64) (uint32, bool) {
	table := in.table.s
	mask := uint64(len(table) - 1)
	low := uint32(1)<<in.bits - 1
	tag := in.tag(h)
	for slot := h & mask; ; slot = (slot + 1) & mask {
		e := table[slot]
		if e == 0 {
			return 0, false
		}
		if e&^low == tag {
			if i := e&low - 1; string(in.text(i)) == string(s) {
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
	in.arena.pushAll(s)
	in.off.push(uint32(len(in.arena.s)))
	if 4*(int(n)+1) > 3*len(in.table.s) { // at most three quarters full
		in.grow()
	} else {
		in.place(h, n)
	}
	return n, true
}

// place enters string n, of hash h, in the table.
func (in *interner) place(h uint64, n uint32) {
	table := in.table.s
	mask := uint64(len(table) - 1)
	slot := h & mask
	for table[slot] != 0 {
		slot = (slot + 1) & mask
	}
	table[slot] = in.tag(h) | (n + 1)
}

// grow doubles the table, placing every string again.
func (in *interner) grow() {
	in.table.free()
	in.bits++
	in.table.zeros(1 << in.bits)
	for i := range uint32(in.len()) {
		in.place(hashText(0, in.text(i)), i)
	}
}

// freeTable drops the hash table once no more strings will be looked up.
func (in *interner) freeTable() { in.table.free() }

// free releases the interner's arrays.
func (in *interner) free() {
	in.arena.free()
	in.off.free()
	in.table.free()
}
