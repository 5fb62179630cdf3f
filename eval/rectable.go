package eval

// recTable follows the record being indexed: the first candidate of
// each of its keys, and the values of the keys it holds several times.
// Its tables are sized by the record, not by the whole input, so that a
// key costs nothing here once its records are read; entries carry their
// record (+1), so that a new record starts with no clearing.
type recTable struct {
	rec uint32 // the record (+1) being indexed, 0 before the first
	// keys holds (record+1)<<32 | i where firsts[i] is the key's state,
	// vals (record+1)<<32 | value; both are open-addressing tables of a
	// power-of-two size, at most half full.
	keys, vals scratch[uint64]
	firsts     scratch[firstState]
	nv         int
}

func (rt *recTable) free() {
	rt.keys.free()
	rt.vals.free()
	rt.firsts.free()
}

// firstState is what firstCandidate knows of a key in the record being
// read: its first value, its first candidate so far, whether that came
// from a property item, whether the record holds several values, and
// whether it holds the key several times (then its values are in vals).
type firstState struct {
	k, v0, v uint32
	flags    uint8 // firstItem, firstMulti, firstRepeat
}

const (
	firstItem   = 1 << iota // the first candidate so far is a property item's
	firstMulti              // the record holds several values of the key
	firstRepeat             // the record holds the key several times
)

// slotOf hashes x into a table of size mask+1.
func slotOf(x uint32, mask uint64) uint64 { return uint64(x) * 0x9e3779b97f4a7c15 >> 32 & mask }

// rehash grows table t to hold n entries of record rec at most half
// full; key gives the key of an entry's low half.
func rehash(t *scratch[uint64], rec uint32, n int, key func(e uint32) uint32) {
	size := max(16, len(t.s))
	for size < 2*n {
		size *= 2
	}
	var nt scratch[uint64]
	nt.zeros(size)
	mask := uint64(size - 1)
	for _, e := range t.s {
		if uint32(e>>32) == rec {
			slot := slotOf(key(uint32(e)), mask)
			for nt.s[slot] != 0 {
				slot = (slot + 1) & mask
			}
			nt.s[slot] = e
		}
	}
	t.free()
	*t = nt
}

// addValue notes value v in the record, reporting whether it is new there.
func (rt *recTable) addValue(v uint32) bool {
	if 2*(rt.nv+1) > len(rt.vals.s) {
		rehash(&rt.vals, rt.rec, rt.nv+1, func(e uint32) uint32 { return e })
	}
	vals := rt.vals.s
	mask := uint64(len(vals) - 1)
	slot := slotOf(v, mask)
	for ; ; slot = (slot + 1) & mask {
		e := vals[slot]
		if uint32(e>>32) != rt.rec {
			break
		}
		if uint32(e) == v {
			return false
		}
	}
	vals[slot] = uint64(rt.rec)<<32 | uint64(v)
	rt.nv++
	return true
}

// firstCandidate follows the first candidate of key k in each record:
// the first top-level value, or failing one the first property item's,
// in document order (see "Columns" in the package documentation). The
// postings tell which values a record holds, not in which order, so the
// records holding several are noted with their first candidate. It
// reports whether v is new in the record.
func (b *builder) firstCandidate(k, v uint32, item bool) bool {
	rt := &b.rt
	if 2*(len(rt.firsts.s)+1) > len(rt.keys.s) {
		rehash(&rt.keys, rt.rec, len(rt.firsts.s)+1, func(e uint32) uint32 { return rt.firsts.s[e].k })
	}
	keys := rt.keys.s
	mask := uint64(len(keys) - 1)
	slot := slotOf(k, mask)
	for ; ; slot = (slot + 1) & mask {
		e := keys[slot]
		if uint32(e>>32) != rt.rec {
			break
		}
		if st := &rt.firsts.s[uint32(e)]; st.k == k {
			if v != st.v {
				st.flags |= firstMulti
				if st.flags&firstItem != 0 && !item {
					st.v, st.flags = v, st.flags&^firstItem
				}
			}
			// Values are a key's: only a key held again can repeat one.
			if st.flags&firstRepeat == 0 {
				st.flags |= firstRepeat
				rt.addValue(st.v0)
			}
			return rt.addValue(v)
		}
	}
	keys[slot] = uint64(rt.rec)<<32 | uint64(len(rt.firsts.s))
	st := firstState{k: k, v0: v, v: v}
	if item {
		st.flags = firstItem
	}
	rt.firsts.push(st)
	return true
}

// endRecord notes the keys of which the record being indexed held several
// values, and forgets the record.
func (b *builder) endRecord() {
	rt := &b.rt
	for _, st := range rt.firsts.s {
		if st.flags&firstMulti != 0 {
			b.multi = append(b.multi, st.k, rt.rec-1, st.v)
		}
	}
	rt.firsts.s, rt.nv = rt.firsts.s[:0], 0
}
