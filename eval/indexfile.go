package eval

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/bits"
	"os"
	"path/filepath"
	"slices"
	"unsafe"

	"github.com/RoaringBitmap/roaring/v2"
)

// The index file: see "Index files" in the package documentation.
const (
	indexMagic   = "BFQINDEX"
	indexVersion = 3
	headerSize   = 24
	sectionSize  = 24
)

// The sections of an index file, in order, in four groups each checked
// on its first use: the meta and the keys' directory when the file is
// opened; the record IDs when a query first needs them (not to count);
// the summary when a table first shows a record; the keys' data, from
// secMultiRec on, one key at a time against its keyCRC.
const (
	secMeta = iota
	secKeyNames
	secKeyOff
	secKeyHash
	secKeyVal
	secKeyTab
	secKeyNum
	secKeyRecs
	secKeyCRC
	secUnitKeys
	secUnitOff
	secUnits
	secMultiKeys
	secMultiOff
	secIDs
	secIDOff
	secSummary // numSummary sections
)

const (
	secMultiRec = secSummary + numSummary + iota
	secMultiFirst
	secKinds
	secOff
	secBlob
	secTable
	secSetOff
	secPost
	secBigSet
	secBigOff
	secBigs
	secNumV
	numSections
)

// sectionGroups are the first section of each group checked whole, and
// the end of the last: the directory, the record IDs and the summary.
var sectionGroups = [...]int{secMeta, secIDs, secSummary, secMultiRec}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// indexMeta is the first section: what the index was built from.
type indexMeta struct {
	Records int         `json:"records"`
	Parts   []PartPrint `json:"parts"`
}

// PartPrint is the fingerprint of one file an index was built from: its
// path as in the manifest, size, modification time and a CRC-32C of its
// content.
type PartPrint struct {
	Path    string `json:"path"`
	FileID  string `json:"fileId,omitempty"`
	Size    int64  `json:"size"`
	ModTime int64  `json:"mtime"` // nanoseconds since 1970
	CRC     uint32 `json:"crc32c"`
}

// keyCRC is the checksum of key k's data in the value sections; the
// ranges it covers are those keyAt reads.
func (ix *Index) keyCRC(k int) (uint32, error) {
	r, err := ix.keyRanges(k)
	if err != nil {
		return 0, err
	}
	c := uint32(0)
	for _, b := range r {
		c = crc32.Update(c, castagnoli, b)
	}
	return c, nil
}

// keyRanges returns the bytes of key k in each value section, after
// checking that its offsets lie within them.
func (ix *Index) keyRanges(k int) ([][]byte, error) {
	v0, v1 := ix.keyVal[k], ix.keyVal[k+1]
	nv := v1 - v0
	s0 := v0 + uint32(k)
	if uint64(v1)+1 > uint64(len(ix.off)) || uint64(s0)+uint64(nv)+2 > uint64(len(ix.setOff)) {
		return nil, errors.New("value range out of bounds")
	}
	off := ix.off[v0 : v1+1]
	if !nondecreasing(off) || off[nv] > uint32(len(ix.blob)) {
		return nil, errors.New("text offsets out of order or bounds")
	}
	setOff := ix.setOff[s0 : s0+nv+2]
	if !nondecreasing(setOff) || setOff[nv+1] > uint32(len(ix.post)) {
		return nil, errors.New("set offsets out of order or bounds")
	}
	b0, _ := slices.BinarySearch(ix.bigSet, s0)
	b1, _ := slices.BinarySearch(ix.bigSet, s0+nv+1)
	if b1+1 > len(ix.bigOff) || !nondecreasing64(ix.bigOff[b0:b1+1]) || ix.bigOff[b1] > uint64(len(ix.bigs)) {
		return nil, errors.New("bitmap offsets out of order or bounds")
	}
	m0, m1 := ix.multiRange(k)
	return [][]byte{
		asBytes(ix.multiRec[m0:m1]),
		asBytes(ix.multiFirst[m0:m1]),
		ix.kinds[v0:v1],
		asBytes(off),
		ix.blob[off[0]:off[nv]],
		asBytes(ix.table[ix.keyTab[k]:ix.keyTab[k+1]]),
		asBytes(setOff),
		asBytes(ix.post[setOff[0]:setOff[nv+1]]),
		asBytes(ix.bigSet[b0:b1]),
		asBytes(ix.bigOff[b0 : b1+1]),
		ix.bigs[ix.bigOff[b0]:ix.bigOff[b1]],
		asBytes(ix.numV[ix.keyNum[k]:ix.keyNum[k+1]]),
	}, nil
}

// multiRange is where key k's records holding several of its values
// are in multiRec and multiFirst: an empty range when it has none.
func (ix *Index) multiRange(k int) (int, int) {
	if i, ok := slices.BinarySearch(ix.multiKeys, uint32(k)); ok {
		return int(ix.multiOff[i]), int(ix.multiOff[i+1])
	}
	return 0, 0
}

func nondecreasing(s []uint32) bool {
	for i := 1; i < len(s); i++ {
		if s[i] < s[i-1] {
			return false
		}
	}
	return true
}

func nondecreasing64(s []uint64) bool {
	for i := 1; i < len(s); i++ {
		if s[i] < s[i-1] {
			return false
		}
	}
	return true
}

// littleEndian is whether this machine stores words as index files do,
// so that sections can be used in place.
var littleEndian = func() bool { x := uint16(1); return *(*byte)(unsafe.Pointer(&x)) == 1 }()

// asBytes is the memory of a slice of words, as the file holds it on a
// little-endian machine.
func asBytes[T uint32 | uint64](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	if !littleEndian {
		b := make([]byte, 0, len(s)*int(unsafe.Sizeof(s[0])))
		for _, x := range s {
			switch v := any(x).(type) {
			case uint32:
				b = binary.LittleEndian.AppendUint32(b, v)
			case uint64:
				b = binary.LittleEndian.AppendUint64(b, v)
			}
		}
		return b
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*int(unsafe.Sizeof(s[0])))
}

// fromBytes is the inverse of asBytes: in place when the machine is
// little-endian and b is aligned, copied otherwise.
func fromBytes[T uint32 | uint64](b []byte) []T {
	var zero T
	size := int(unsafe.Sizeof(zero))
	n := len(b) / size
	if n == 0 {
		return nil
	}
	if littleEndian && uintptr(unsafe.Pointer(&b[0]))%uintptr(size) == 0 {
		return unsafe.Slice((*T)(unsafe.Pointer(&b[0])), n)
	}
	out := make([]T, n)
	for i := range out {
		switch p := any(&out[i]).(type) {
		case *uint32:
			*p = binary.LittleEndian.Uint32(b[i*4:])
		case *uint64:
			*p = binary.LittleEndian.Uint64(b[i*8:])
		}
	}
	return out
}

// sections lists ix's data in file order.
func (ix *Index) sections(meta []byte) [numSections][]byte {
	var s [numSections][]byte
	s[secMeta] = meta
	s[secIDs] = ix.ids
	s[secIDOff] = asBytes(ix.idOff)
	for i := range numSummary {
		s[secSummary+i] = asBytes(ix.summary[i])
	}
	s[secKeyNames] = ix.keyNames
	s[secKeyOff] = asBytes(ix.keyOff)
	s[secKeyHash] = asBytes(ix.keyHash)
	s[secKeyVal] = asBytes(ix.keyVal)
	s[secKeyTab] = asBytes(ix.keyTab)
	s[secKeyNum] = asBytes(ix.keyNum)
	s[secKeyRecs] = asBytes(ix.keyRecs)
	s[secKeyCRC] = asBytes(ix.keyCRCs)
	s[secUnitKeys] = asBytes(ix.unitKeys)
	s[secUnitOff] = asBytes(ix.unitOff)
	s[secUnits] = ix.units
	s[secMultiKeys] = asBytes(ix.multiKeys)
	s[secMultiOff] = asBytes(ix.multiOff)
	s[secMultiRec] = asBytes(ix.multiRec)
	s[secMultiFirst] = asBytes(ix.multiFirst)
	s[secKinds] = ix.kinds
	s[secOff] = asBytes(ix.off)
	s[secBlob] = ix.blob
	s[secTable] = asBytes(ix.table)
	s[secSetOff] = asBytes(ix.setOff)
	s[secPost] = asBytes(ix.post)
	s[secBigSet] = asBytes(ix.bigSet)
	s[secBigOff] = asBytes(ix.bigOff)
	s[secBigs] = ix.bigs
	s[secNumV] = asBytes(ix.numV)
	return s
}

// WriteIndexFile writes ix to the file name, through a temporary file in
// the same directory and a rename, so that a reader sees the old file or
// the new one, whole. parts is the fingerprint of the files ix was read
// from, which OpenOptions compares with the files before using it.
func WriteIndexFile(ix *Index, name string, parts []PartPrint) error {
	if ix.keyCRCs == nil {
		ix.keyCRCs = make([]uint32, len(ix.keyRecs))
		for k := range ix.keyCRCs {
			c, err := ix.keyCRC(k)
			if err != nil {
				return fmt.Errorf("%s: key %q: %w", name, ix.keyName(k), err)
			}
			ix.keyCRCs[k] = c
		}
	}
	meta, err := json.Marshal(indexMeta{Records: ix.n, Parts: parts})
	if err != nil {
		return err
	}
	secs := ix.sections(meta)
	tmp, err := os.CreateTemp(filepath.Dir(name), ".tmp-index-*")
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(tmp, 1<<20)
	hdr := make([]byte, headerSize, headerSize+numSections*sectionSize)
	copy(hdr, indexMagic)
	binary.LittleEndian.PutUint32(hdr[8:], indexVersion)
	binary.LittleEndian.PutUint32(hdr[12:], numSections)
	pos := uint64(headerSize + numSections*sectionSize)
	for i, s := range secs {
		pos = align8(pos)
		var e [sectionSize]byte
		binary.LittleEndian.PutUint64(e[0:], pos)
		binary.LittleEndian.PutUint64(e[8:], uint64(len(s)))
		if i < secMultiRec {
			binary.LittleEndian.PutUint32(e[16:], crc32.Checksum(s, castagnoli))
		}
		hdr = append(hdr, e[:]...)
		pos += uint64(len(s))
	}
	binary.LittleEndian.PutUint32(hdr[16:], crc32.Checksum(hdr[headerSize:], castagnoli))
	binary.LittleEndian.PutUint32(hdr[20:], crc32.Checksum(hdr[:20], castagnoli))
	w.Write(hdr)
	at := uint64(len(hdr))
	var zeros [8]byte
	for _, s := range secs {
		pad := align8(at) - at
		w.Write(zeros[:pad])
		w.Write(s)
		at += pad + uint64(len(s))
	}
	werr := w.Flush()
	serr := tmp.Sync()
	cerr := tmp.Close()
	if err := errors.Join(werr, serr, cerr, os.Chmod(tmp.Name(), 0o644)); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), name)
}

func align8(x uint64) uint64 { return (x + 7) &^ 7 }

// IndexFileError is a damaged, truncated or foreign index file: its path
// and what is wrong with it.
type IndexFileError struct {
	Path string
	Msg  string
}

func (e *IndexFileError) Error() string { return "index file " + e.Path + ": " + e.Msg }

// openIndexFile maps (or reads) the index file name and checks its
// header, its sections' bounds and its directory. The record IDs, the
// summary and the keys' data are checked on first use. The returned
// close releases the mapping.
func openIndexFile(name, display string) (*Index, *indexMeta, func() error, error) {
	data, release, err := mapFile(name)
	if err != nil {
		return nil, nil, nil, err
	}
	ix, meta, err := parseIndexFile(data, display)
	if err != nil {
		release()
		return nil, nil, nil, err
	}
	return ix, meta, release, nil
}

// parseIndexFile makes an Index of the bytes of an index file, reading
// its header, section table and directory only.
func parseIndexFile(data []byte, name string) (ix *Index, meta *indexMeta, err error) {
	bad := func(format string, args ...any) error {
		return &IndexFileError{Path: name, Msg: fmt.Sprintf(format, args...)}
	}
	if len(data) < len(indexMagic) || string(data[:8]) != indexMagic {
		return nil, nil, bad("not a bfquery index (no %q at its start)", indexMagic)
	}
	if len(data) < headerSize {
		return nil, nil, bad("truncated: %d bytes, shorter than its header", len(data))
	}
	if crc32.Checksum(data[:20], castagnoli) != binary.LittleEndian.Uint32(data[20:]) {
		return nil, nil, bad("header checksum mismatch")
	}
	if v := binary.LittleEndian.Uint32(data[8:]); v != indexVersion {
		return nil, nil, bad("format version %d: this bfquery reads version %d", v, indexVersion)
	}
	if n := binary.LittleEndian.Uint32(data[12:]); n != numSections {
		return nil, nil, bad("%d sections: version %d has %d", n, indexVersion, numSections)
	}
	table := headerSize + numSections*sectionSize
	if len(data) < table {
		return nil, nil, bad("truncated: %d bytes, shorter than its section table", len(data))
	}
	if crc32.Checksum(data[headerSize:table], castagnoli) != binary.LittleEndian.Uint32(data[16:]) {
		return nil, nil, bad("section table checksum mismatch")
	}
	ix = &Index{name: name, mapped: true}
	var secs [numSections][]byte
	for i := range numSections {
		e := data[headerSize+i*sectionSize:]
		off, n := binary.LittleEndian.Uint64(e), binary.LittleEndian.Uint64(e[8:])
		if off%8 != 0 || off > uint64(len(data)) || n > uint64(len(data))-off {
			return nil, nil, bad("truncated: section %d ends at byte %d of %d", i, off+n, len(data))
		}
		secs[i] = data[off : off+n : off+n]
		if i < secMultiRec {
			ix.secCRC[i] = binary.LittleEndian.Uint32(e[16:])
		}
	}
	if err := ix.checkSections(secs[:], sectionGroups[0], sectionGroups[1]); err != nil {
		return nil, nil, err
	}
	meta = new(indexMeta)
	if err := json.Unmarshal(secs[secMeta], meta); err != nil {
		return nil, nil, bad("meta: %v", err)
	}
	ix.n = meta.Records
	ix.ids, ix.idOff = secs[secIDs], fromBytes[uint32](secs[secIDOff])
	ix.keyNames, ix.keyOff = secs[secKeyNames], fromBytes[uint32](secs[secKeyOff])
	ix.keyHash, ix.keyVal = fromBytes[uint32](secs[secKeyHash]), fromBytes[uint32](secs[secKeyVal])
	ix.keyTab, ix.keyNum = fromBytes[uint32](secs[secKeyTab]), fromBytes[uint32](secs[secKeyNum])
	ix.keyRecs, ix.keyCRCs = fromBytes[uint32](secs[secKeyRecs]), fromBytes[uint32](secs[secKeyCRC])
	ix.unitKeys, ix.unitOff, ix.units = fromBytes[uint32](secs[secUnitKeys]), fromBytes[uint32](secs[secUnitOff]), secs[secUnits]
	ix.multiKeys, ix.multiOff = fromBytes[uint32](secs[secMultiKeys]), fromBytes[uint32](secs[secMultiOff])
	ix.multiRec, ix.multiFirst = fromBytes[uint32](secs[secMultiRec]), fromBytes[uint32](secs[secMultiFirst])
	ix.kinds, ix.off, ix.blob = secs[secKinds], fromBytes[uint32](secs[secOff]), secs[secBlob]
	ix.table, ix.setOff, ix.post = fromBytes[uint32](secs[secTable]), fromBytes[uint32](secs[secSetOff]), fromBytes[uint32](secs[secPost])
	ix.bigSet, ix.bigOff, ix.bigs = fromBytes[uint32](secs[secBigSet]), fromBytes[uint64](secs[secBigOff]), secs[secBigs]
	ix.numV = fromBytes[uint32](secs[secNumV])
	for i := range numSummary {
		ix.summary[i] = fromBytes[uint32](secs[secSummary+i])
	}
	if msg := ix.checkDirectory(); msg != "" {
		return nil, nil, bad("%s", msg)
	}
	return ix, meta, nil
}

// checkSections checks sections [from, to) of an index file against
// their checksums.
func (ix *Index) checkSections(secs [][]byte, from, to int) error {
	for i := from; i < to; i++ {
		if crc32.Checksum(secs[i], castagnoli) != ix.secCRC[i] {
			return &IndexFileError{Path: ix.name, Msg: fmt.Sprintf("section %d checksum mismatch", i)}
		}
	}
	return nil
}

// increasingKeys reports whether keys are key numbers below nk in
// increasing order.
func increasingKeys(keys []uint32, nk int) bool {
	for i, k := range keys {
		if k >= uint32(nk) || i > 0 && k <= keys[i-1] {
			return false
		}
	}
	return true
}

// checkDirectory checks the directory's sizes and bounds, and the sizes
// of the other sections, so that using them cannot go out of bounds; it
// returns what is wrong, or "". It reads O(keys), not O(records): the
// record IDs, summary and keys' data are checked on first use.
func (ix *Index) checkDirectory() string {
	n, nk, nv := ix.n, len(ix.keyOff)-1, len(ix.kinds)
	switch {
	case n < 0 || len(ix.idOff) != n+1:
		return "record IDs out of order or bounds"
	case nk < 0 || ix.keyOff[0] != 0 || !nondecreasing(ix.keyOff) || ix.keyOff[nk] > uint32(len(ix.keyNames)):
		return "key names out of order or bounds"
	case len(ix.keyVal) != nk+1 || len(ix.keyTab) != nk+1 || len(ix.keyNum) != nk+1 || len(ix.keyRecs) != nk || len(ix.keyCRCs) != nk:
		return "key directory sizes disagree"
	case ix.keyVal[0] != 0 || !nondecreasing(ix.keyVal) || ix.keyVal[nk] != uint32(nv) || len(ix.off) != nv+1:
		return "value ranges out of order or bounds"
	case ix.keyTab[0] != 0 || !nondecreasing(ix.keyTab) || ix.keyTab[nk] != uint32(len(ix.table)):
		return "hash tables out of order or bounds"
	case ix.keyNum[0] != 0 || !nondecreasing(ix.keyNum) || ix.keyNum[nk] != uint32(len(ix.numV)):
		return "numeric views out of order or bounds"
	case len(ix.setOff) != nv+nk+1 || len(ix.bigOff) != len(ix.bigSet)+1:
		return "record sets sizes disagree"
	case len(ix.keyHash) == 0 || bits.OnesCount(uint(len(ix.keyHash))) != 1:
		return "key hash table size is not a power of two"
	case len(ix.unitOff) != len(ix.unitKeys)+1 || ix.unitOff[0] != 0 || !nondecreasing(ix.unitOff) || ix.unitOff[len(ix.unitKeys)] != uint32(len(ix.units)) || !increasingKeys(ix.unitKeys, nk):
		return "units out of order or bounds"
	case len(ix.multiOff) != len(ix.multiKeys)+1 || ix.multiOff[0] != 0 || !nondecreasing(ix.multiOff) || ix.multiOff[len(ix.multiKeys)] != uint32(len(ix.multiRec)) || len(ix.multiFirst) != len(ix.multiRec) || !increasingKeys(ix.multiKeys, nk):
		return "first candidates out of order or bounds"
	}
	for _, e := range ix.keyHash {
		if e > uint32(nk) {
			return "key hash table out of bounds"
		}
	}
	for k := range nk {
		if t := ix.keyTab[k+1] - ix.keyTab[k]; t != 0 && (bits.OnesCount32(t) != 1 || t < 2*(ix.keyVal[k+1]-ix.keyVal[k])) {
			return fmt.Sprintf("key %q: hash table of %d slots", ix.keyName(k), t)
		}
	}
	for i := range numSummary {
		if len(ix.summary[i]) != n {
			return "summary sizes disagree"
		}
	}
	return ""
}

// checkIDs checks, in an index file, the record IDs before their first
// use: every answer but a count prints them.
func (ix *Index) checkIDs() error {
	if !ix.mapped {
		return nil
	}
	ix.idsChecked.Do(func() {
		secs := [][]byte{secIDs: ix.ids, secIDOff: asBytes(ix.idOff)}
		if ix.idsErr = ix.checkSections(secs, secIDs, secIDOff+1); ix.idsErr != nil {
			return
		}
		if ix.idOff[0] != 0 || !nondecreasing(ix.idOff) || ix.idOff[ix.n] > uint32(len(ix.ids)) {
			ix.idsErr = &IndexFileError{Path: ix.name, Msg: "record IDs out of order or bounds"}
		}
	})
	return ix.idsErr
}

// checkSummary checks, in an index file, before tables first show a
// record: the summary, the keys whose first values it holds, and that
// the values are theirs.
func (ix *Index) checkSummary() error {
	if !ix.mapped {
		return nil
	}
	ix.sumChecked.Do(func() { ix.sumErr = ix.checkSummaryOnce() })
	return ix.sumErr
}

func (ix *Index) checkSummaryOnce() error {
	if err := ix.checkIDs(); err != nil {
		return err
	}
	secs := make([][]byte, secSummary+numSummary)
	for i := range numSummary {
		secs[secSummary+i] = asBytes(ix.summary[i])
	}
	if err := ix.checkSections(secs, secSummary, secSummary+numSummary); err != nil {
		return err
	}
	for i, name := range summaryKeys {
		v0, v1 := uint32(0), uint32(0)
		if k := ix.keyNumber(name); k >= 0 {
			if _, err := ix.keyAt(k); err != nil {
				return err
			}
			v0, v1 = ix.keyVal[k], ix.keyVal[k+1]
		}
		for _, v := range ix.summary[i] {
			if v != 0 && (v-1 < v0 || v-1 >= v1) {
				return &IndexFileError{Path: ix.name, Msg: fmt.Sprintf("summary of %s out of bounds", name)}
			}
		}
	}
	return nil
}

// checkKey checks key k's data before its first use: its checksum, then
// what a query will read of it.
func (ix *Index) checkKey(k int) error {
	bad := func(msg string) error {
		return &IndexFileError{Path: ix.name, Msg: fmt.Sprintf("key %q: %s", ix.keyName(k), msg)}
	}
	c, err := ix.keyCRC(k)
	if err != nil {
		return bad(err.Error())
	}
	if c != ix.keyCRCs[k] {
		return bad("checksum mismatch")
	}
	v0, v1 := ix.keyVal[k], ix.keyVal[k+1]
	nv := v1 - v0
	s0 := v0 + uint32(k)
	for _, e := range ix.table[ix.keyTab[k]:ix.keyTab[k+1]] {
		if e > nv {
			return bad("hash table out of bounds")
		}
	}
	for _, v := range ix.numV[ix.keyNum[k]:ix.keyNum[k+1]] {
		if v >= nv {
			return bad("numeric view out of bounds")
		}
	}
	for _, r := range ix.post[ix.setOff[s0]:ix.setOff[s0+nv+1]] {
		if r >= uint32(ix.n) {
			return bad("record number out of bounds")
		}
	}
	for _, v := range ix.off[v0+1 : v1+1] {
		if v == 0 || ix.blob[v-1] != 0 {
			return bad("text without its 0 byte")
		}
	}
	m0, m1 := ix.multiRange(k)
	for j, r := range ix.multiRec[m0:m1] {
		if r >= uint32(ix.n) || j > 0 && r <= ix.multiRec[m0+j-1] {
			return bad("first candidates out of order or bounds")
		}
	}
	for _, v := range ix.multiFirst[m0:m1] {
		if v >= nv {
			return bad("first candidate out of bounds")
		}
	}
	b0, _ := slices.BinarySearch(ix.bigSet, s0)
	b1, _ := slices.BinarySearch(ix.bigSet, s0+nv+1)
	for j := b0; j < b1; j++ {
		var bm roaring.Bitmap
		if _, err := bm.FromBuffer(ix.bigs[ix.bigOff[j]:ix.bigOff[j+1]]); err != nil {
			return bad("bitmap: " + err.Error())
		}
		if err := bm.Validate(); err != nil {
			return bad("bitmap: " + err.Error())
		}
		if !bm.IsEmpty() && bm.Maximum() >= uint32(ix.n) {
			return bad("record number out of bounds")
		}
	}
	return nil
}

// readAll reads a file into memory, for systems without mmap.
func readAll(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// 8-byte alignment of the buffer lets sections be used in place.
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	words := make([]uint64, (fi.Size()+7)/8)
	b := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(words))), len(words)*8)[:fi.Size()]
	if _, err := io.ReadFull(f, b); err != nil {
		return nil, err
	}
	return b, nil
}
