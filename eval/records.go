package eval

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/bfquery/bfquery/dsl"
)

// RawRecord is one record as a file of records holds it, for readers that
// want the data rather than an index (an export). Its fields and property
// items are the candidates of the package documentation, plus what the
// index does not keep: each item's group, unit and valueType.
type RawRecord struct {
	// ID is the printed ID (fileId.elementId in an integration); RawID the
	// record's own elementId or id, as written (a number's literal).
	ID, RawID string
	// FileID is the file the printed ID names, the part before its first
	// dot (from the record's fileId or fileIdHash member, the manifest
	// part's FileID or the ID itself), or "" when the ID has no dot.
	FileID string
	// Fields are the scalars reached by walking the record's top-level
	// object, outside properties, with their dotted paths, in document
	// order: exactly the field candidates of a key (nulls left out).
	Fields []Field
	// Properties are the property items that have a key, in document
	// order, including those without a value (Kind is then
	// dsl.KindInvalid). An item is a candidate of its Key when it has a
	// value and Key is not empty.
	Properties []Property
}

// Field is one top-level scalar of a record.
type Field struct {
	Key  string // dotted path: boundingBox.min.x
	Kind dsl.Kind
	Text string // a string's value, a number's literal, true or false
}

// Property is one property item of a record.
type Property struct {
	Group string
	Key   string
	Kind  dsl.Kind // dsl.KindInvalid when the value is missing, null, an object or an array
	Text  string   // as for Field
	Unit  string
	// ValueType is BIMFACE's valueType as written (a number's literal or
	// a string), "" when absent.
	ValueType string
}

// ReadRecords reads one file of records in any form LoadIndex accepts and
// calls fn for each record, in file order. It reports the errors LoadIndex
// reports, at the same positions, including a duplicate ID within the
// file; fileID is the prefix of the printed IDs of records without a file
// of their own, as for a manifest part. fn's record is reused for the next
// one: fn may keep its strings, not the record or its slices. An error
// from fn stops reading and is returned as it is.
func ReadRecords(r io.Reader, name string, sel dsl.Select, fileID string, fn func(*RawRecord) error) error {
	return newRecordReader(name, sel).read(r, name, fileID, fn)
}

// WalkCache reads the cache directory at the root of fsys and calls fn
// for every record: target by target in manifest order, for each its
// elements, then rooms, then areas, each in file order. It checks what
// Open checks (the manifest, that IDs are unique in a target's elements,
// rooms or areas, and the counts), so an error may come after fn has seen
// records: a caller that writes what it is given must be ready to drop
// it. keep, when not nil, chooses the targets to read; the others are not
// read, nor checked beyond their manifest entry. dir prefixes file names
// in errors. It returns the manifest.
func WalkCache(fsys fs.FS, dir string, keep func(*TargetManifest) bool, fn func(t *TargetManifest, sel dsl.Select, rec *RawRecord) error) (*Manifest, error) {
	join := func(p string) string {
		if dir == "" {
			return p
		}
		return filepath.Join(dir, filepath.FromSlash(p))
	}
	src, err := fs.ReadFile(fsys, ManifestName)
	if err != nil {
		return nil, fmt.Errorf("%s is not a bfquery cache: %w", cmpOr(dir, "."), err)
	}
	m, _, err := parseManifest(src, join(ManifestName))
	if err != nil {
		return nil, err
	}
	for i := range m.Targets {
		tm := &m.Targets[i]
		if keep != nil && !keep(tm) {
			continue
		}
		for _, part := range []struct {
			sel   dsl.Select
			parts []Part
			want  int
			field string
		}{
			{dsl.SelectElements, tm.Elements, tm.Counts.Elements, "elements"},
			{dsl.SelectRooms, tm.Rooms, tm.Counts.Rooms, "rooms"},
			{dsl.SelectAreas, tm.Areas, tm.Counts.Areas, "areas"},
		} {
			if len(part.parts) == 0 {
				if part.want != 0 {
					return nil, manifestError(src, join(ManifestName), fmt.Sprintf("targets.%d.counts.%s", i, part.field),
						fmt.Sprintf("%s %s counts %d %s but lists no file of them", tm.Type, tm.ID, part.want, part.field))
				}
				continue
			}
			rr := newRecordReader(join(part.parts[0].Path), part.sel)
			for _, p := range part.parts {
				f, err := fsys.Open(p.Path)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", join(ManifestName), err)
				}
				err = rr.read(f, join(p.Path), p.FileID, func(rec *RawRecord) error { return fn(tm, part.sel, rec) })
				f.Close()
				if err != nil {
					return nil, err
				}
			}
			if rr.n != part.want {
				return nil, manifestError(src, join(ManifestName), fmt.Sprintf("targets.%d.counts.%s", i, part.field),
					fmt.Sprintf("%s %s counts %d %s but its files hold %d", tm.Type, tm.ID, part.want, part.field, rr.n))
			}
		}
	}
	return m, nil
}

// recordReader reads the records of one or more files of a kind (IDs are
// unique across them). Its walk of a record follows loader's, rule for
// rule and error for error; records_test.go checks both against each
// other.
type recordReader struct {
	noun, idField string
	n             int
	idSet         map[string]int
	files         []string
	fileBase      []int

	s      *scanner
	fileID string
	fn     func(*RawRecord) error

	rec   RawRecord
	path  []byte
	arena []byte // the record's texts, made into one string at its end
	fs    []fieldSpan
	ps    []propSpan
	id    []byte
	hasID bool
	file  []byte
	hasF  bool
}

type span struct{ a, b int }

type fieldSpan struct {
	key, text span
	kind      dsl.Kind
}

type propSpan struct {
	group, key, text, unit, valueType span
	kind                              dsl.Kind
}

func newRecordReader(name string, sel dsl.Select) *recordReader {
	// newBuilder knows the nouns and ID fields of each kind of record.
	b := newBuilder(name, sel)
	return &recordReader{noun: b.noun, idField: b.idField, idSet: map[string]int{}}
}

// put appends t to the record's arena.
func (rr *recordReader) put(t []byte) span {
	a := len(rr.arena)
	rr.arena = append(rr.arena, t...)
	return span{a, len(rr.arena)}
}

func (rr *recordReader) read(r io.Reader, name, fileID string, fn func(*RawRecord) error) error {
	r, done, err := input(r, name)
	if err != nil {
		return err
	}
	defer done()
	rr.files = append(rr.files, name)
	rr.fileBase = append(rr.fileBase, rr.n)
	rr.s, rr.fileID, rr.fn = newScanner(r, name), fileID, fn
	err = rr.document()
	if err == nil {
		err = rr.s.readErr()
	}
	return err
}

// describe names record rec as builder.describe does.
func (rr *recordReader) describe(rec int) string {
	i := sort.Search(len(rr.fileBase), func(i int) bool { return rr.fileBase[i] > rec }) - 1
	s := rr.noun + " " + strconv.Itoa(rec-rr.fileBase[i]+1)
	if i < len(rr.files)-1 {
		s += " of " + rr.files[i]
	}
	return s
}

func (rr *recordReader) document() error {
	s := rr.s
	if s.atEnd() {
		return s.errHere("empty input: expected a JSON array, a BIMFACE envelope or %ss one per line", rr.noun)
	}
	switch s.peek() {
	case '[':
		if err := rr.records(); err != nil {
			return err
		}
		return rr.end("the array")
	case '{':
		if rr.isEnvelope() {
			return rr.envelope()
		}
		for !s.atEnd() {
			if err := rr.record(); err != nil {
				return err
			}
		}
		return nil
	}
	return s.unexpected("a JSON array, a BIMFACE envelope or " + rr.noun + "s one per line")
}

func (rr *recordReader) isEnvelope() bool {
	return (&loader{s: rr.s}).isEnvelope()
}

func (rr *recordReader) end(what string) error {
	if !rr.s.atEnd() {
		return rr.s.errHere("unexpected data after %s", what)
	}
	return nil
}

func (rr *recordReader) envelope() error {
	s := rr.s
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
				err = rr.records()
			case '{':
				err = rr.record()
			case 'n':
				_, _, err = s.scalar()
			default:
				return s.unexpected("an array of " + rr.noun + "s in data")
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
	if err := rr.end("the envelope"); err != nil {
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

func (rr *recordReader) records() error {
	s := rr.s
	more, err := s.open('[')
	for more && err == nil {
		if err = rr.record(); err == nil {
			more, err = s.next(']')
		}
	}
	return err
}

// record reads one record and hands it to fn.
func (rr *recordReader) record() error {
	s := rr.s
	if s.peek() != '{' {
		return s.unexpected("an " + rr.noun + " object")
	}
	s.pin = s.pos
	defer func() { s.pin = -1 }()
	start := s.offset(s.pos)
	rr.arena, rr.fs, rr.ps = rr.arena[:0], rr.fs[:0], rr.ps[:0]
	rr.hasID, rr.hasF = false, false
	more, err := s.open('{')
	for more && err == nil {
		var k []byte
		if k, err = s.key(); err != nil {
			return err
		}
		switch {
		case string(k) == "properties":
			err = rr.properties()
		case bytes.IndexByte(k, '.') >= 0:
			err = s.skip(0)
		default:
			rr.path = append(rr.path[:0], k...)
			err = rr.field(0)
		}
		if err == nil {
			more, err = s.next('}')
		}
	}
	if err != nil {
		return err
	}
	if !rr.hasID {
		return s.errAt(start, "%s without %s", rr.noun, rr.idField)
	}
	var id []byte
	switch {
	case bytes.IndexByte(rr.id, '.') >= 0:
	case rr.hasF:
		id = append(append(id, rr.file...), '.')
	case rr.fileID != "":
		id = append(append(id, rr.fileID...), '.')
	}
	id = append(id, rr.id...)
	if first, dup := rr.idSet[string(id)]; dup {
		return s.errAt(start, "duplicate %s %q: %s has it too", rr.idField, id, rr.describe(first))
	}
	rr.idSet[string(id)] = rr.n
	rr.n++

	rec := &rr.rec
	rec.ID = string(id)
	rec.RawID = rec.ID[len(rec.ID)-len(rr.id):]
	rec.FileID, _, _ = strings.Cut(rec.ID, ".")
	if rec.FileID == rec.ID {
		rec.FileID = ""
	}
	text := string(rr.arena)
	at := func(sp span) string { return text[sp.a:sp.b] }
	rec.Fields = rec.Fields[:0]
	for _, f := range rr.fs {
		rec.Fields = append(rec.Fields, Field{Key: at(f.key), Kind: f.kind, Text: at(f.text)})
	}
	rec.Properties = rec.Properties[:0]
	for _, p := range rr.ps {
		rec.Properties = append(rec.Properties, Property{
			Group: at(p.group), Key: at(p.key), Kind: p.kind, Text: at(p.text), Unit: at(p.unit), ValueType: at(p.valueType),
		})
	}
	return rr.fn(rec)
}

// field reads the value at rr.path as loader.field does.
func (rr *recordReader) field(depth int) error {
	s := rr.s
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
			n := len(rr.path)
			if bytes.IndexByte(k, '.') >= 0 {
				err = s.skip(depth + 1)
			} else {
				rr.path = append(append(rr.path, '.'), k...)
				err = rr.field(depth + 1)
			}
			rr.path = rr.path[:n]
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
				err = rr.scalar(false)
			}
			if err == nil {
				more, err = s.next(']')
			}
		}
		return err
	}
	return rr.scalar(depth == 0)
}

// scalar reads the scalar ahead under rr.path, as loader.scalar does.
func (rr *recordReader) scalar(top bool) error {
	s := rr.s
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
		switch string(rr.path) {
		case rr.idField:
			if kind != dsl.KindString && kind != dsl.KindNumber {
				return s.errAt(s.offset(at), "%s must be a string or a number", rr.idField)
			}
			switch {
			case rr.hasID:
				return s.errAt(s.offset(at), "a second %s in one %s", rr.idField, rr.noun)
			case len(t) == 0:
				return s.errAt(s.offset(at), "empty %s", rr.idField)
			}
			rr.id, rr.hasID = append(rr.id[:0], t...), true
		case "fileId", "fileIdHash":
			if kind == dsl.KindString || kind == dsl.KindNumber {
				rr.file, rr.hasF = append(rr.file[:0], t...), true
			}
		}
	}
	if kind != dsl.KindInvalid && len(rr.path) > 0 {
		rr.fs = append(rr.fs, fieldSpan{key: rr.put(rr.path), text: rr.put(t), kind: kind})
	}
	return nil
}

// properties reads the property groups as loader.properties does, keeping
// each item's group.
func (rr *recordReader) properties() error {
	s := rr.s
	more, err := s.openList("properties", "property groups")
	for more && err == nil {
		if s.peek() != '{' {
			return s.errHere("a property group must be an object")
		}
		first := len(rr.ps)
		var group span
		gmore, gerr := s.open('{')
		for gmore && gerr == nil {
			var k []byte
			if k, gerr = s.key(); gerr != nil {
				return gerr
			}
			switch {
			case string(k) == "items":
				gerr = rr.items()
			case string(k) == "group" && s.peek() == '"':
				var t []byte
				if t, gerr = s.str(); gerr == nil {
					group = rr.put(t)
				}
			default:
				gerr = s.skip(1)
			}
			if gerr == nil {
				gmore, gerr = s.next('}')
			}
		}
		if err = gerr; err == nil {
			// The group's name may come after its items.
			for i := first; i < len(rr.ps); i++ {
				rr.ps[i].group = group
			}
			more, err = s.next(']')
		}
	}
	return err
}

// text reads a string, or any other scalar's literal, for an item's unit
// or valueType; objects and arrays are skipped and read as "".
func (rr *recordReader) text() (span, error) {
	s := rr.s
	switch s.peek() {
	case '"':
		t, err := s.str()
		return rr.put(t), err
	case '{', '[':
		return span{}, s.skip(2)
	}
	kind, t, err := s.scalar()
	if kind == dsl.KindInvalid {
		return span{}, err
	}
	return rr.put(t), err
}

func (rr *recordReader) items() error {
	s := rr.s
	more, err := s.openList("items", "property items")
	for more && err == nil {
		if s.peek() != '{' {
			return s.errHere("a property item must be an object")
		}
		hasKey := false
		var p propSpan
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
					p.key, hasKey = rr.put(t), true
				}
			case "value":
				var t []byte
				switch s.peek() {
				case '"':
					p.kind = dsl.KindString
					t, ierr = s.str()
				case '{', '[':
					p.kind = dsl.KindInvalid
					ierr = s.skip(2)
				default:
					p.kind, t, ierr = s.scalar()
				}
				p.text = rr.put(t)
				if p.kind == dsl.KindInvalid {
					p.text = span{}
				}
			case "unit":
				p.unit, ierr = rr.text()
			case "valueType":
				p.valueType, ierr = rr.text()
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
		if hasKey {
			rr.ps = append(rr.ps, p)
		}
		more, err = s.next(']')
	}
	return err
}
