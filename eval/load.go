package eval

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"

	"github.com/bfquery/bfquery/dsl"
)

// The keys whose first value each record keeps for display.
const (
	sumName = iota
	sumCategory
	sumFloor
	sumFamily
	sumFamilyType
	numSummary
)

var summaryKeys = [numSummary]string{"name", "categoryName", "floor", "family", "familyType"}

// LoadIndex reads one file of records — elements when sel is
// dsl.SelectElements, rooms or areas otherwise — in any of the accepted
// forms (envelope, array, one record per line, each possibly gzipped).
// name is used in error messages.
func LoadIndex(r io.Reader, name string, sel dsl.Select) (*Index, error) {
	b := newBuilder(name, sel)
	defer b.free()
	if err := b.read(r, name, ""); err != nil {
		return nil, err
	}
	return b.finish()
}

// builder collects the records of one Index from one or more files.
type builder struct {
	name    string
	sel     dsl.Select
	idField string
	noun    string

	n uint32

	// The keys and values, touched only by the indexing goroutine. keySum
	// is each key's index in summaryKeys, or -1. Each value is
	// interned as its key's number (4 bytes, little-endian), its kind and
	// its text. pv lists the distinct values of each record, record after
	// record, those of record r from pvEnd[r-1] (0 for the first). These
	// arrays, the largest of a load, are scratch (see scratch), freed as
	// soon as finish has used them.
	keys    *interner
	keySum  scratch[int8]
	vals    *interner
	pv      scratch[uint32]
	pvEnd   scratch[uint32]
	summary [numSummary]scratch[uint32]
	sink    uint64 // keeps the loads that warm the cache (see index)

	// Each key's unit, that of its first property item that had one:
	// unitEnd holds (key, end in unitArena) pairs in the order units were
	// found, each unit starting where the one before ends; unitSet says
	// which keys have theirs. Keys are numerous where each record has its
	// own, so these hold no pointers.
	unitEnd   []uint32
	unitSet   scratch[bool]
	unitArena []byte
	// rt follows the record being indexed (see recTable); the records
	// holding several values of a key are listed in multi, as (key,
	// record, value) triples in record order.
	rt    recTable
	multi []uint32

	ids *interner // printed IDs, numbered by record

	files    []string
	fileBase []uint32

	// What reading one file uses, kept for the next (see read).
	ld    *loader
	spare []*valueBatch
	work  indexWork
}

// indexWork is the indexing goroutine's working memory (see index).
type indexWork struct {
	comp []byte   // the values as interned, one after the other
	ends []uint32 // where each ends in comp
	hs   []uint64
	keys []uint32
	hint scratch[uint32] // the key of the n-th value of the previous record
}

// free releases the builder's scratch arrays; it may be called at any
// time after reading, finish having freed some already.
func (b *builder) free() {
	for _, in := range []*interner{b.keys, b.vals, b.ids} {
		if in != nil {
			in.free()
		}
	}
	b.keys, b.vals, b.ids = nil, nil, nil
	b.keySum.free()
	b.pv.free()
	b.pvEnd.free()
	for i := range b.summary {
		b.summary[i].free()
	}
	b.unitSet.free()
	b.rt.free()
	b.doneReading()
}

// doneReading drops what reading files uses (see read).
func (b *builder) doneReading() {
	if b.ld != nil {
		b.ld.release()
		b.ld = nil
	}
	b.spare = nil
	b.work.hint.free()
	b.work = indexWork{}
}

func newBuilder(name string, sel dsl.Select) *builder {
	b := &builder{
		name: name, sel: sel, idField: "id",
		keys: newInterner(), vals: newInterner(), ids: newInterner(),
	}
	switch sel {
	case dsl.SelectElements:
		b.idField, b.noun = "elementId", "element"
	case dsl.SelectRooms:
		b.noun = "room"
	default:
		b.noun = "area"
	}
	return b
}

// read adds the records of one file. Records without a file of their own
// get fileID, if not empty, as the prefix of their printed ID.
func (b *builder) read(r io.Reader, name, fileID string) error {
	r, release, err := input(r, name)
	if err != nil {
		return err
	}
	defer release()
	b.files = append(b.files, name)
	b.fileBase = append(b.fileBase, b.n)
	// Reading is a pipeline of two goroutines: this one scans the JSON and
	// finds each value's key, the other adds the values to the keys'
	// dictionaries. Only the second touches the values and the
	// summaries; batches hand values over.
	// A fixed number of batches go round, so that a load makes no
	// garbage of them. They, the loader's scratch and the indexing
	// goroutine's buffers are kept for the builder's next file: a list
	// of a thousand files (a pull's batches) would otherwise make them
	// anew a thousand times, and the garbage, on a heap that the
	// builder's scratch leaves small, would have the collector run all
	// the time.
	out, free, done := make(chan *valueBatch, numBatches-2), make(chan *valueBatch, numBatches), make(chan struct{})
	for range numBatches {
		bt := new(valueBatch)
		if n := len(b.spare); n > 0 {
			bt, b.spare = b.spare[n-1], b.spare[:n-1]
		}
		free <- bt
	}
	go b.index(out, free, done)
	l := b.ld
	if l == nil {
		l = &loader{b: b}
		b.ld = l
	}
	l.reset(fileID, out, free)
	l.s = newScratchScanner(r, name, &l.window)
	err = l.document()
	if err == nil {
		// What was read parsed, but the input may have been cut short or
		// corrupted under it (a gzip stream's length or checksum).
		err = l.s.readErr()
	}
	l.flush()
	close(out)
	<-done
	b.spare = append(b.spare, l.batch)
	for range numBatches - 1 {
		b.spare = append(b.spare, <-free)
	}
	l.s, l.batch, l.out, l.free = nil, nil, nil, nil
	return err
}

// input is the text of a file of records: gunzipped when it starts with
// gzip's magic bytes, without a UTF-8 byte order mark. done releases it.
// Every reader of records (the loader, ReadRecords, RawRecords) starts
// here, so that they read the same files alike.
func input(r io.Reader, name string) (text io.Reader, done func(), err error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, &dsl.Error{Pos: dsl.Position{Filename: name, Line: 1, Column: 1}, Msg: err.Error(), Err: err}
		}
		return skipBOM(bufio.NewReaderSize(zr, 64<<10)), func() { zr.Close() }, nil
	}
	return skipBOM(br), func() {}, nil
}

// skipBOM drops a UTF-8 byte order mark at the start of br, which some
// Windows tools write before JSON.
func skipBOM(br *bufio.Reader) io.Reader {
	if bom, _ := br.Peek(3); string(bom) == "\xef\xbb\xbf" {
		br.Discard(3)
	}
	return br
}

// valueBatch carries values from the scanning goroutine to the indexing
// one: each op is a value of a record under a key, its text in arena.
type valueBatch struct {
	ops   []valueOp
	arena []byte
}

// valueOp is a value: its text is arena[off:end], its key's name
// arena[koff:off] unless hinted, when the key is that of the previous op
// at the same place nth in its record.
type valueOp struct {
	rec, nth       uint32
	koff, off, end uint32
	uend           uint32 // the item's unit is arena[end:uend]
	kind           dsl.Kind
	hinted         bool
	item           bool // a property item's value, not a top-level field's
}

// batchSize is how many values a batch carries; numBatches how many
// batches a load uses.
const (
	batchSize  = 4096
	numBatches = 6
)

// index adds the values of the batches it receives, and notes the first
// value of each summary key per record.
func (b *builder) index(in <-chan *valueBatch, free chan<- *valueBatch, done chan<- struct{}) {
	defer close(done)
	defer b.endRecord() // records do not span files
	w := &b.work
	comp, ends, hs, keys := w.comp, w.ends, w.hs, w.keys
	defer func() { w.comp, w.ends, w.hs, w.keys = comp, ends, hs, keys }()
	// hint is read only for ops hinted, whose record follows one of the
	// same file that set it: what an earlier file left there is never
	// read.
	hint := &w.hint
	for batch := range in {
		// First the hashes, with a look at each one's slot in the table,
		// so that the cache misses of a batch overlap rather than come one
		// after the other: keys, then values.
		hs = hs[:0]
		var sink uint64
		for _, op := range batch.ops {
			h := uint64(0)
			if !op.hinted {
				h = hashText(0, batch.arena[op.koff:op.off])
				sink += uint64(b.keys.table.s[b.keys.slot(h)])
			}
			hs = append(hs, h)
		}
		keys = keys[:0]
		for i, op := range batch.ops {
			var k uint32
			if op.hinted {
				k = hint.s[op.nth]
			} else {
				name := batch.arena[op.koff:op.off]
				var added bool
				if k, added = b.keys.add(name, hs[i]); added {
					b.keySum.push(int8(slices.Index(summaryKeys[:], string(name))))
				}
				hint.grow(int(op.nth) + 1)
				hint.s[op.nth] = k
			}
			keys = append(keys, k)
		}
		comp, ends, hs = comp[:0], ends[:0], hs[:0]
		for i, op := range batch.ops {
			start := len(comp)
			comp = binary.LittleEndian.AppendUint32(comp, keys[i])
			comp = append(append(comp, byte(op.kind)), batch.arena[op.off:op.end]...)
			h := hashText(0, comp[start:])
			sink += uint64(b.vals.table.s[b.vals.slot(h)])
			hs = append(hs, h)
			ends = append(ends, uint32(len(comp)))
		}
		b.sink += sink
		start := uint32(0)
		for i, op := range batch.ops {
			v, _ := b.vals.add(comp[start:ends[i]], hs[i])
			start = ends[i]
			k := keys[i]
			if op.rec+1 != b.rt.rec {
				b.endRecord()
				b.rt.rec = op.rec + 1
			}
			if op.item && op.uend > op.end {
				b.unitSet.grow(int(k) + 1)
				if !b.unitSet.s[k] {
					b.unitSet.s[k] = true
					b.unitArena = append(b.unitArena, batch.arena[op.end:op.uend]...)
					b.unitEnd = append(b.unitEnd, k, uint32(len(b.unitArena)))
				}
			}
			if b.firstCandidate(k, v, op.item) {
				for uint32(len(b.pvEnd.s)) < op.rec {
					b.pvEnd.push(uint32(len(b.pv.s)))
				}
				b.pv.push(v)
			}
			if i := b.keySum.s[keys[i]]; i >= 0 {
				sum := &b.summary[i]
				sum.grow(int(op.rec) + 1)
				if sum.s[op.rec] == 0 {
					sum.s[op.rec] = v + 1
				}
			}
		}
		batch.ops, batch.arena = batch.ops[:0], batch.arena[:0]
		free <- batch
	}
}

// describe names record rec for messages: "element 3" in the file being
// read, "element 3 of a.json" in an earlier one.
func (b *builder) describe(rec uint32) string {
	i := sort.Search(len(b.fileBase), func(i int) bool { return b.fileBase[i] > rec }) - 1
	s := b.noun + " " + strconv.Itoa(int(rec-b.fileBase[i])+1)
	if i < len(b.files)-1 {
		s += " of " + b.files[i]
	}
	return s
}

// loader reads one file's records into a builder.
type loader struct {
	b      *builder
	s      *scanner
	fileID string

	path []byte // dotted path of the current field

	// batch collects values for the indexing goroutine (see read).
	batch     *valueBatch
	out, free chan *valueBatch

	rec uint32
	nth int // values emitted so far in the record
	// The keys of the values of the previous record and of this one, in
	// order: key i ends at end[i] in keys, and starts where key i-1 ends.
	prevKeys, curKeys scratch[byte]
	prevEnd, curEnd   scratch[uint32]
	window            scratch[byte] // the scanner's buffer
	id                []byte
	pid               []byte // the printed ID
	hasID             bool
	file              []byte
	hasFile           bool
	itemKey           []byte
	itemVal           []byte
	itemUnit          []byte
	itemKind          dsl.Kind
}

// document reads the whole input: an envelope, an array of records or
// records one after the other (NDJSON).
func (l *loader) document() error {
	s := l.s
	if s.atEnd() {
		return s.errHere("empty input: expected a JSON array, a BIMFACE envelope or %ss one per line", l.b.noun)
	}
	switch s.peek() {
	case '[':
		if err := l.records(); err != nil {
			return err
		}
		return l.end("the array")
	case '{':
		if l.isEnvelope() {
			return l.envelope()
		}
		for !s.atEnd() {
			if err := l.record(); err != nil {
				return err
			}
		}
		return nil
	}
	return s.unexpected("a JSON array, a BIMFACE envelope or " + l.b.noun + "s one per line")
}

// isEnvelope looks at the first member name of the object ahead, without
// consuming it: BIMFACE's envelope starts with code, data or message,
// none of which is a record field.
func (l *loader) isEnvelope() bool {
	s := l.s
	s.pin = s.pos
	defer func() { s.pos, s.pin = s.pin, -1 }()
	s.pos++
	if s.peek() != '"' {
		return false
	}
	k, err := s.str()
	if err != nil {
		return false
	}
	switch string(k) {
	case "code", "data", "message":
		return true
	}
	return false
}

// end checks that nothing but white space follows what was read.
func (l *loader) end(what string) error {
	if !l.s.atEnd() {
		return l.s.errHere("unexpected data after %s", what)
	}
	return nil
}

func (l *loader) envelope() error {
	s := l.s
	var code, message string
	var codeErr error
	start := s.offset(s.pos)
	hasData := false
	more, err := s.open('{')
	for more && err == nil {
		var k []byte
		if k, err = s.key(); err != nil {
			return err
		}
		switch string(k) {
		case "data":
			hasData = true
			switch s.peek() {
			case '[':
				err = l.records()
			case '{':
				err = l.record()
			case 'n':
				_, _, err = s.scalar()
			default:
				return s.unexpected("an array of " + l.b.noun + "s in data")
			}
		case "code", "message":
			if s.peek() != '"' {
				err = s.skip(0)
				break
			}
			at := s.errHere("")
			t, e := s.str()
			if err = e; err != nil {
				break
			}
			if string(k) == "message" {
				message = string(t)
			} else if code = string(t); code != "success" {
				codeErr = at
			}
		default:
			err = s.skip(0)
		}
		if err == nil {
			more, err = s.next('}')
		}
	}
	if err != nil {
		return err
	}
	if err := l.end("the envelope"); err != nil {
		return err
	}
	if codeErr != nil {
		if e, ok := codeErr.(*dsl.Error); ok {
			e.Msg = fmt.Sprintf("BIMFACE answered code %q: %s", code, message)
		}
		return codeErr
	}
	if !hasData {
		return s.errAt(start, "envelope without data")
	}
	return nil
}

// records reads an array of records.
func (l *loader) records() error {
	s := l.s
	more, err := s.open('[')
	for more && err == nil {
		if err = l.record(); err == nil {
			more, err = s.next(']')
		}
	}
	return err
}

// record reads one record and indexes its fields. The record is pinned in
// the scanner's buffer so that errors can point into it.
func (l *loader) record() error {
	s, b := l.s, l.b
	if s.peek() != '{' {
		return s.unexpected("an " + b.noun + " object")
	}
	s.pin = s.pos
	defer func() { s.pin = -1 }()
	start := s.offset(s.pos)
	l.rec = b.n
	l.nth = 0
	l.prevKeys, l.curKeys = l.curKeys, l.prevKeys
	l.prevEnd, l.curEnd = l.curEnd, l.prevEnd
	l.curKeys.s, l.curEnd.s = l.curKeys.s[:0], l.curEnd.s[:0]
	l.hasID, l.hasFile = false, false
	more, err := s.open('{')
	for more && err == nil {
		var k []byte
		if k, err = s.key(); err != nil {
			return err
		}
		switch {
		case string(k) == "properties":
			err = l.properties()
		case bytes.IndexByte(k, '.') >= 0:
			// A member name with a dot cannot be reached by a dotted
			// path, whose parts are whole names.
			err = s.skip(0)
		default:
			l.path = append(l.path[:0], k...)
			err = l.field(0)
		}
		if err == nil {
			more, err = s.next('}')
		}
	}
	if err != nil {
		return err
	}
	if !l.hasID {
		return s.errAt(start, "%s without %s", b.noun, b.idField)
	}
	pid := l.pid[:0]
	switch {
	case bytes.IndexByte(l.id, '.') >= 0:
	case l.hasFile:
		pid = append(append(pid, l.file...), '.')
	case l.fileID != "":
		pid = append(append(pid, l.fileID...), '.')
	}
	pid = append(pid, l.id...)
	l.pid = pid
	if first, added := b.ids.add(pid, hashText(0, pid)); !added {
		return s.errAt(start, "duplicate %s %q: %s has it too", b.idField, pid, b.describe(first))
	}
	b.n++
	return nil
}

// field reads the value at l.path: objects are walked with dotted paths,
// arrays contribute their scalars, scalars are indexed.
func (l *loader) field(depth int) error {
	s := l.s
	if depth > maxDepth {
		return s.errHere("nesting deeper than %d levels", maxDepth)
	}
	switch s.peek() {
	case '{':
		more, err := s.open('{')
		for more && err == nil {
			var k []byte
			if k, err = s.key(); err != nil {
				return err
			}
			n := len(l.path)
			if bytes.IndexByte(k, '.') >= 0 {
				err = s.skip(depth + 1)
			} else {
				l.path = append(append(l.path, '.'), k...)
				err = l.field(depth + 1)
			}
			l.path = l.path[:n]
			if err == nil {
				more, err = s.next('}')
			}
		}
		return err
	case '[':
		more, err := s.open('[')
		for more && err == nil {
			switch s.peek() {
			case '{', '[':
				err = s.skip(depth + 1)
			default:
				err = l.scalar(false)
			}
			if err == nil {
				more, err = s.next(']')
			}
		}
		return err
	}
	return l.scalar(depth == 0)
}

// scalar indexes the scalar ahead under l.path; top says it is a direct
// member of the record, where the ID and file fields sit.
func (l *loader) scalar(top bool) error {
	s := l.s
	var kind dsl.Kind
	var t []byte
	var err error
	at := s.pos
	if s.peek() == '"' {
		kind = dsl.KindString
		t, err = s.str()
	} else {
		kind, t, err = s.scalar()
	}
	if err != nil {
		return err
	}
	if top {
		switch string(l.path) {
		case l.b.idField:
			if kind != dsl.KindString && kind != dsl.KindNumber {
				return s.errAt(s.offset(at), "%s must be a string or a number", l.b.idField)
			}
			switch {
			case l.hasID:
				return s.errAt(s.offset(at), "a second %s in one %s", l.b.idField, l.b.noun)
			case len(t) == 0:
				return s.errAt(s.offset(at), "empty %s", l.b.idField)
			}
			l.id, l.hasID = append(l.id[:0], t...), true
		case "fileId", "fileIdHash":
			if kind == dsl.KindString || kind == dsl.KindNumber {
				l.file, l.hasFile = append(l.file[:0], t...), true
			}
		}
	}
	if kind != dsl.KindInvalid {
		l.emit(l.path, kind, t, nil)
	}
	return nil
}

// emit hands over the value t of key in the current record: a top-level
// field's when unit is nil, a property item's otherwise (with its unit,
// possibly empty).
func (l *loader) emit(key []byte, kind dsl.Kind, t []byte, unit []byte) {
	if len(key) == 0 {
		return // a query cannot name the empty key
	}
	// Records of one file list their fields in nearly the same order, so
	// the key of the n-th value is usually that of the previous record's
	// n-th value: then the op says so, and the indexing goroutine, which
	// numbers keys, takes the number it found for that one (the last it
	// found for an n-th value).
	bt := l.batch
	op := valueOp{nth: uint32(l.nth), rec: l.rec, kind: kind, item: unit != nil}
	if l.nth < len(l.prevEnd.s) && bytes.Equal(l.prevKey(l.nth), key) {
		op.hinted = true
	} else {
		op.koff = uint32(len(bt.arena))
		bt.arena = append(bt.arena, key...)
	}
	l.curKeys.pushAll(key)
	l.curEnd.push(uint32(len(l.curKeys.s)))
	l.nth++
	op.off = uint32(len(bt.arena))
	bt.arena = append(bt.arena, t...)
	op.end = uint32(len(bt.arena))
	bt.arena = append(bt.arena, unit...)
	op.uend = uint32(len(bt.arena))
	bt.ops = append(bt.ops, op)
	if len(bt.ops) == batchSize {
		l.flush()
	}
}

// prevKey is the key of the n-th value of the previous record.
func (l *loader) prevKey(n int) []byte {
	start := uint32(0)
	if n > 0 {
		start = l.prevEnd.s[n-1]
	}
	return l.prevKeys.s[start:l.prevEnd.s[n]]
}

// reset readies the loader for a new file, keeping its memory.
func (l *loader) reset(fileID string, out, free chan *valueBatch) {
	l.fileID, l.out, l.free = fileID, out, free
	l.batch = <-free
	l.rec, l.nth = 0, 0
	// No record before the first: no key is hinted from another file.
	l.prevKeys.s, l.curKeys.s = l.prevKeys.s[:0], l.curKeys.s[:0]
	l.prevEnd.s, l.curEnd.s = l.prevEnd.s[:0], l.curEnd.s[:0]
	l.window.s = l.window.s[:0]
}

// release frees the loader's scratch.
func (l *loader) release() {
	l.prevKeys.free()
	l.curKeys.free()
	l.prevEnd.free()
	l.curEnd.free()
	l.window.free()
}

// flush hands the current batch to the indexing goroutine.
func (l *loader) flush() {
	if len(l.batch.ops) == 0 {
		return
	}
	l.out <- l.batch
	l.batch = <-l.free
}

// properties reads the properties array: groups of items whose value is
// indexed under the item's key.
func (l *loader) properties() error {
	s := l.s
	more, err := s.openList("properties", "property groups")
	for more && err == nil {
		if s.peek() != '{' {
			return s.errHere("a property group must be an object")
		}
		gmore, gerr := s.open('{')
		for gmore && gerr == nil {
			var k []byte
			if k, gerr = s.key(); gerr != nil {
				return gerr
			}
			if string(k) == "items" {
				gerr = l.items()
			} else {
				gerr = s.skip(1)
			}
			if gerr == nil {
				gmore, gerr = s.next('}')
			}
		}
		if err = gerr; err == nil {
			more, err = s.next(']')
		}
	}
	return err
}

func (l *loader) items() error {
	s := l.s
	more, err := s.openList("items", "property items")
	for more && err == nil {
		if s.peek() != '{' {
			return s.errHere("a property item must be an object")
		}
		hasKey := false
		l.itemKind = dsl.KindInvalid
		l.itemUnit = l.itemUnit[:0]
		imore, ierr := s.open('{')
		for imore && ierr == nil {
			var k []byte
			if k, ierr = s.key(); ierr != nil {
				return ierr
			}
			switch string(k) {
			case "key":
				if s.peek() != '"' {
					return s.errHere("a property item's key must be a string")
				}
				var t []byte
				if t, ierr = s.str(); ierr == nil {
					l.itemKey, hasKey = append(l.itemKey[:0], t...), true
				}
			case "value":
				var t []byte
				switch s.peek() {
				case '"':
					l.itemKind = dsl.KindString
					t, ierr = s.str()
				case '{', '[':
					l.itemKind = dsl.KindInvalid
					ierr = s.skip(2)
				default:
					l.itemKind, t, ierr = s.scalar()
				}
				l.itemVal = append(l.itemVal[:0], t...)
			case "unit":
				if s.peek() != '"' {
					ierr = s.skip(2)
					break
				}
				var t []byte
				if t, ierr = s.str(); ierr == nil {
					l.itemUnit = append(l.itemUnit[:0], t...)
				}
			default:
				ierr = s.skip(2)
			}
			if ierr == nil {
				imore, ierr = s.next('}')
			}
		}
		if err = ierr; err != nil {
			return err
		}
		if hasKey && l.itemKind != dsl.KindInvalid {
			l.emit(l.itemKey, l.itemKind, l.itemVal, l.itemUnit)
		}
		more, err = s.next(']')
	}
	return err
}
