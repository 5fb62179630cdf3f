package export

import (
	"errors"
	"slices"
	"strings"
	"unsafe"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
)

// run holds the properties rows of one run, bucketed by key as records
// are read, so that writing them in key order is a walk through the
// buckets rather than a sort, and reads memory in the order it was
// written. Rows hold no pointers, so that the garbage collector has
// nothing to scan in them: a row's ID and text are copied into its key's
// chunks of bytes, and groups, units and value types, which repeat, are
// interned.
type run struct {
	n     int
	strs  []string
	index map[string]uint32
	// keys are the rows of each key, by its index in strs (-1); indexes
	// of groups, units and value types have empty buckets.
	keys []bucket
	// spareRows and spareBytes are the blocks and chunks of the run's
	// earlier use, by size class, for reuse.
	spareRows  [classes][][]prop
	spareBytes [classes][][]byte
	// last is the key interned for the field or item at each position of
	// the previous record: records of a model mostly list the same keys
	// in the same order, and comparing two strings costs less than
	// hashing one.
	last [2][]interned
}

type interned struct {
	s string
	i uint32
}

// A bucket's rows are in blocks, and their texts in chunks, that never
// move once allocated: the first of firstRows rows (firstBytes bytes),
// each next one twice the size of the previous up to classes sizes, so
// that a key of few rows takes little memory and one of many is not
// copied as it grows. A text larger than the largest chunk gets a chunk
// of its own.
const (
	firstRows  = 256
	firstBytes = 4 << 10
	classes    = 9 // 256 … 65536 rows, 4 KB … 1 MB
)

type bucket struct {
	rows   [][]prop
	chunks [][]byte
	n      int
}

// prop is one properties row of a run. Its ID and then its text are
// chunks[chunk][off:] of its bucket; group, unit and vtype are indexes in
// the run's strs (+1, so that 0 is none).
type prop struct {
	chunk, off, idLen, textLen uint32
	group, unit, vtype         uint32
	pos                        int32 // Property.Pos
	num                        float64
	kind                       dsl.Kind
	sel                        dsl.Select
	hasNum                     bool
}

// newRun returns an empty run, one written out earlier if there is one,
// so that its memory is reused.
func (x *exporter) newRun() *run {
	select {
	case r := <-x.free:
		return r
	default:
		return &run{index: map[string]uint32{}}
	}
}

// recycle empties r and keeps it for newRun.
func (x *exporter) recycle(r *run) {
	r.reset()
	select {
	case x.free <- r:
	default:
	}
}

func (r *run) reset() {
	for i := range r.keys {
		b := &r.keys[i]
		for _, blk := range b.rows {
			c := class(cap(blk), firstRows)
			r.spareRows[c] = append(r.spareRows[c], blk[:0])
		}
		for _, ch := range b.chunks {
			if c := class(cap(ch), firstBytes); c < classes && cap(ch) == firstBytes<<c {
				r.spareBytes[c] = append(r.spareBytes[c], ch[:0])
			}
		}
		clear(b.rows)
		clear(b.chunks)
		b.rows, b.chunks, b.n = b.rows[:0], b.chunks[:0], 0
	}
	clear(r.strs)
	r.strs, r.keys, r.n = r.strs[:0], r.keys[:0], 0
	clear(r.index)
	r.last[0], r.last[1] = r.last[0][:0], r.last[1][:0]
}

// class is the size class of size, for sizes that double from first.
func class(size, first int) int {
	c := 0
	for s := first; s < size; s <<= 1 {
		c++
	}
	return c
}

// intern returns the index of s in the run's strs (+1). s is copied, so
// that the run keeps nothing of a record.
func (r *run) intern(s string) uint32 {
	if i, ok := r.index[s]; ok {
		return i
	}
	s = strings.Clone(s)
	r.strs = append(r.strs, s)
	r.index[s] = uint32(len(r.strs))
	return uint32(len(r.strs))
}

// internKey interns the key of a record's field (of 0) or item (of 1) at
// position at, first trying the key at that position in the previous
// record.
func (r *run) internKey(of, at int, s string) uint32 {
	last := r.last[of]
	if at < len(last) && last[at].s == s {
		return last[at].i
	}
	i := r.intern(s)
	if at < len(last) {
		last[at] = interned{r.strs[i-1], i}
	} else if at == len(last) {
		r.last[of] = append(last, interned{r.strs[i-1], i})
	}
	return i
}

// add appends p, with its ID and text, to the rows of key k.
func (r *run) add(k uint32, p *prop, id, text string) {
	if int(k) > len(r.keys) {
		if int(k) <= cap(r.keys) {
			r.keys = r.keys[:k]
		} else {
			r.keys = append(r.keys, make([]bucket, int(k)-len(r.keys))...)
		}
	}
	b := &r.keys[k-1]

	need := len(id) + len(text)
	if len(b.chunks) == 0 || cap(b.chunks[len(b.chunks)-1])-len(b.chunks[len(b.chunks)-1]) < need {
		size := firstBytes
		if len(b.chunks) > 0 {
			size = min(2*cap(b.chunks[len(b.chunks)-1]), firstBytes<<(classes-1))
		}
		b.chunks = append(b.chunks, r.bytes(max(size, need)))
	}
	ch := &b.chunks[len(b.chunks)-1]
	p.chunk, p.off, p.idLen, p.textLen = uint32(len(b.chunks)-1), uint32(len(*ch)), uint32(len(id)), uint32(len(text))
	*ch = append(append(*ch, id...), text...)

	if len(b.rows) == 0 || len(b.rows[len(b.rows)-1]) == cap(b.rows[len(b.rows)-1]) {
		size := firstRows
		if len(b.rows) > 0 {
			size = min(2*cap(b.rows[len(b.rows)-1]), firstRows<<(classes-1))
		}
		b.rows = append(b.rows, r.block(size))
	}
	blk := &b.rows[len(b.rows)-1]
	*blk = append(*blk, *p)
	b.n++
	r.n++
}

// block returns an empty block of size rows, a spare one if there is one.
func (r *run) block(size int) []prop {
	c := class(size, firstRows)
	if s := r.spareRows[c]; len(s) > 0 {
		r.spareRows[c] = s[:len(s)-1]
		return s[len(s)-1]
	}
	return make([]prop, 0, size)
}

// bytes returns an empty chunk of size bytes, a spare one if there is
// one.
func (r *run) bytes(size int) []byte {
	if c := class(size, firstBytes); c < classes && size == firstBytes<<c {
		if s := r.spareBytes[c]; len(s) > 0 {
			r.spareBytes[c] = s[:len(s)-1]
			return s[len(s)-1]
		}
	}
	return make([]byte, 0, size)
}

// idText returns a row's ID and text without copying them: a run's
// chunks are not written to once it is being written out.
func (b *bucket) idText(p *prop) (id, text string) {
	ch := b.chunks[p.chunk]
	id = unsafe.String(&ch[p.off], p.idLen)
	if p.textLen > 0 {
		text = unsafe.String(&ch[p.off+p.idLen], p.textLen)
	}
	return id, text
}

// addRecord adds the rows of a record: its fields, then its items.
func (r *run) addRecord(sel dsl.Select, rec *eval.RawRecord) {
	for i := range rec.Fields {
		f := &rec.Fields[i]
		p := prop{pos: int32(i), kind: f.Kind, sel: sel}
		p.num, p.hasNum = number(f.Kind, f.Text)
		r.add(r.internKey(0, i, f.Key), &p, rec.ID, f.Text)
	}
	group, groupID := "", uint32(0)
	for i := range rec.Properties {
		it := &rec.Properties[i]
		// Items of a group come together.
		if groupID == 0 || it.Group != group {
			group, groupID = it.Group, r.intern(it.Group)
		}
		p := prop{pos: int32(len(rec.Fields) + i), group: groupID, kind: it.Kind, sel: sel}
		text := ""
		if it.Kind != dsl.KindInvalid {
			text = it.Text
			p.num, p.hasNum = number(it.Kind, it.Text)
		}
		if it.Unit != "" {
			p.unit = r.intern(it.Unit)
		}
		if it.ValueType != "" {
			p.vtype = r.intern(it.ValueType)
		}
		r.add(r.internKey(1, i, it.Key), &p, rec.ID, text)
	}
}

var (
	kindNames [dsl.KindBool + 1]*string
	trueV     = true
	falseV    = false
	selNames  [dsl.SelectAreas + 1]string
)

func init() {
	for _, k := range []dsl.Kind{dsl.KindString, dsl.KindNumber, dsl.KindBool} {
		s := valueKind(k)
		kindNames[k] = &s
	}
	for _, s := range []dsl.Select{dsl.SelectElements, dsl.SelectRooms, dsl.SelectAreas} {
		selNames[s] = KindName(s)
	}
}

// writeRun writes a run's rows as one file, key after key in key order;
// a key's rows keep record order.
func writeRun(name string, f Format, targetType string, groupRows int, shared shared, r *run) (err error) {
	w, err := createRows(name, f, "key", groupRows, shared, PropertyColumns, propertyFields)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, w.Close()) }()
	keys := make([]uint32, 0, len(r.keys))
	for k := range r.keys {
		if r.keys[k].n > 0 {
			keys = append(keys, uint32(k+1))
		}
	}
	slices.SortFunc(keys, func(a, b uint32) int { return strings.Compare(r.strs[a-1], r.strs[b-1]) })
	str := func(i uint32) *string {
		if i == 0 {
			return nil
		}
		return &r.strs[i-1]
	}
	batch := make([]Property, 0, 4096)
	texts := make([]string, 0, 4096)
	nums := make([]float64, 0, 4096)
	flush := func() error {
		_, err := w.Write(batch)
		batch, texts, nums = batch[:0], texts[:0], nums[:0]
		return err
	}
	// A key's rows start a row group when they would not fit in what is
	// left of the current one, so that a key spans as few row groups as
	// its rows need: a reader looking for one key skips the others.
	inGroup := 0
	for _, k := range keys {
		b := &r.keys[k-1]
		if inGroup > 0 && inGroup+b.n > groupRows {
			if err := flush(); err != nil {
				return err
			}
			if err := w.EndGroup(); err != nil {
				return err
			}
			inGroup = 0
		}
		key := r.strs[k-1]
		for _, blk := range b.rows {
			for i := range blk {
				p := &blk[i]
				if inGroup++; inGroup == groupRows {
					inGroup = 0 // the writer ends a full row group itself
				}
				id, text := b.idText(p)
				row := Property{TargetType: targetType, Kind: selNames[p.sel], ID: id, Pos: p.pos,
					Group: str(p.group), Key: key, ValueKind: kindNames[p.kind], Unit: str(p.unit), ValueType: str(p.vtype)}
				if p.kind != dsl.KindInvalid {
					texts = append(texts, text)
					row.ValueText = &texts[len(texts)-1]
				}
				if p.hasNum {
					nums = append(nums, p.num)
					row.ValueNum = &nums[len(nums)-1]
				}
				if p.kind == dsl.KindBool {
					row.ValueBool = &falseV
					if text == "true" {
						row.ValueBool = &trueV
					}
				}
				batch = append(batch, row)
				if len(batch) == cap(batch) {
					if err := flush(); err != nil {
						return err
					}
				}
			}
		}
	}
	if len(batch) > 0 {
		return flush()
	}
	return nil
}
