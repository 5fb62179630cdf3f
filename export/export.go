package export

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"unsafe"

	"golang.org/x/sync/errgroup"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
)

// Options says what Export writes.
type Options struct {
	Format Format // Parquet when empty
	// Files and Integrations choose targets of the cache; when both are
	// empty every target is exported.
	Files, Integrations []string
	// RunRows is how many properties rows are sorted by key together and
	// written as one file (DefaultRunRows when 0): it bounds the memory an
	// export takes whatever the model's size.
	RunRows int
	// RowGroupRows is the number of rows of a Parquet row group
	// (DefaultRowGroupRows when 0).
	RowGroupRows int
}

// DefaultRunRows is the default Options.RunRows: about 250 MB of rows.
const DefaultRunRows = 2 << 20

// Stats counts what Export wrote.
type Stats struct {
	Targets    int
	Records    int   // rows of the elements table
	Properties int64 // rows of the properties table
	Files      int   // files written
}

// Table names: the dataset's two directories.
const (
	ElementsTable   = "elements"
	PropertiesTable = "properties"
)

// PartitionDir is the directory of a target's files in table, relative to
// a dataset directory: table/target_id=ID.
func PartitionDir(table, targetID string) string {
	return filepath.Join(table, "target_id="+targetID)
}

// Export writes the records of the cache directory cache into the dataset
// directory out (created if needed), one partition per target in each
// table. A target's partitions replace any earlier export of the same
// target ID, so that several caches, or the same one again, go into one
// dataset. Partitions appear only once the whole cache has been read and
// checked: a failed export leaves out as it was.
func Export(cache, out string, opt Options) (*Stats, error) {
	return ExportFS(os.DirFS(cache), cache, out, opt)
}

// ExportFS is Export of the cache directory at the root of fsys (for
// instance an embedded one); name prefixes its file names in errors.
func ExportFS(fsys fs.FS, name, out string, opt Options) (*Stats, error) {
	cache := name
	if opt.Format == "" {
		opt.Format = Parquet
	}
	if _, err := ParseFormat(string(opt.Format)); err != nil {
		return nil, err
	}
	if opt.RunRows <= 0 {
		opt.RunRows = DefaultRunRows
	}
	if opt.RowGroupRows <= 0 {
		opt.RowGroupRows = DefaultRowGroupRows
	}
	m, err := eval.ReadManifest(fsys, filepath.Join(cache, eval.ManifestName))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s is not a bfquery cache: %w", cmp.Or(cache, "."), err)
		}
		return nil, err
	}
	keep, err := choose(m, opt)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(out, ".export-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)

	x := &exporter{opt: opt, dir: tmp, stats: &Stats{}}
	x.writes, x.failed = errgroup.WithContext(context.Background())
	x.writes.SetLimit(runtime.GOMAXPROCS(0))
	x.free = make(chan *run, runtime.GOMAXPROCS(0)+1)
	var cur *eval.TargetManifest
	var curSel dsl.Select
	started := map[string]bool{}
	_, err = eval.WalkCache(fsys, cache, func(tm *eval.TargetManifest) bool { return keep[targetKey(tm)] },
		func(tm *eval.TargetManifest, sel dsl.Select, rec *eval.RawRecord) error {
			if tm != cur {
				if err := x.endTarget(); err != nil {
					return err
				}
				if err := x.startTarget(tm); err != nil {
					return err
				}
				cur, started[targetKey(tm)] = tm, true
			}
			if sel != curSel {
				x.seq, curSel = 0, sel
			}
			return x.add(sel, rec)
		})
	if err == nil {
		err = x.endTarget()
	}
	// A target without records still gets its (empty) partitions, so that
	// a new export of it replaces the old.
	for i := range m.Targets {
		if tm := &m.Targets[i]; err == nil && keep[targetKey(tm)] && !started[targetKey(tm)] {
			if err = x.startTarget(tm); err == nil {
				err = x.endTarget()
			}
		}
	}
	if err == nil {
		err = x.writes.Wait()
	}
	if err != nil {
		x.abort()
		return nil, err
	}
	// The whole cache was read and checked: move the partitions in.
	for _, tm := range m.Targets {
		if !keep[targetKey(&tm)] {
			continue
		}
		for _, table := range []string{ElementsTable, PropertiesTable} {
			dst := filepath.Join(out, PartitionDir(table, tm.ID))
			if err := os.RemoveAll(dst); err != nil {
				return nil, err
			}
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return nil, err
			}
			if err := os.Rename(filepath.Join(tmp, PartitionDir(table, tm.ID)), dst); err != nil {
				return nil, err
			}
		}
		x.stats.Targets++
	}
	return x.stats, nil
}

func targetKey(tm *eval.TargetManifest) string { return string(tm.Type) + " " + tm.ID }

// choose returns the targets to export, checking that those asked for are
// in the cache and that no two share a partition.
func choose(m *eval.Manifest, opt Options) (map[string]bool, error) {
	keep := map[string]bool{}
	have := map[string]bool{}
	var names []string
	for _, tm := range m.Targets {
		have[targetKey(&tm)] = true
		names = append(names, targetKey(&tm))
	}
	ask := func(t dsl.TargetType, ids []string) error {
		for _, id := range ids {
			k := string(t) + " " + id
			if !have[k] {
				if len(names) == 0 {
					return fmt.Errorf("%s is not in the cache, which is empty", k)
				}
				return fmt.Errorf("%s is not in the cache, which holds %s", k, strings.Join(names, ", "))
			}
			keep[k] = true
		}
		return nil
	}
	if err := errors.Join(ask(dsl.TargetFile, opt.Files), ask(dsl.TargetIntegration, opt.Integrations)); err != nil {
		return nil, err
	}
	if len(opt.Files)+len(opt.Integrations) == 0 {
		for k := range have {
			keep[k] = true
		}
	}
	ids := map[string]string{}
	for _, tm := range m.Targets {
		if !keep[targetKey(&tm)] {
			continue
		}
		if !validID(tm.ID) {
			return nil, fmt.Errorf("%s: a target ID in a dataset must be letters, digits, '-', '_' or '.', not %q", targetKey(&tm), tm.ID)
		}
		if other, ok := ids[tm.ID]; ok {
			return nil, fmt.Errorf("%s and %s would share the partition target_id=%s: export them into different datasets", other, targetKey(&tm), tm.ID)
		}
		ids[tm.ID] = targetKey(&tm)
	}
	return keep, nil
}

// validID reports whether id can name a directory as it is, the same on
// every system and for every engine's hive-partition reader.
func validID(id string) bool {
	if id == "" || id == "." || id == ".." {
		return false
	}
	for _, r := range id {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// exporter writes the partitions of one target at a time. Records are
// read on the caller's goroutine; the elements file is written on a
// goroutine of its own, and each run of properties rows is sorted and
// written on another, several at once, while the next records are read.
type exporter struct {
	opt   Options
	dir   string
	stats *Stats

	tm       *eval.TargetManifest
	elements *elementWriter
	batch    *elementBatch
	std      std
	seq      int64
	run      *run
	runs     int
	// writes are the runs being written, at most one per processor;
	// failed is done once one has failed.
	writes *errgroup.Group
	failed context.Context
	free   chan *run // runs written out, for reuse
}

// run holds the properties rows of one run without pointers, so that the
// garbage collector has nothing to scan in it: texts sit in one byte arena,
// and keys, groups, units and value types, which repeat, are interned.
// Rows are kept in blocks that never move once allocated.
type run struct {
	arena []byte
	rows  [][]prop
	spare [][]prop // the blocks allocated, rows the first of them
	n     int
	strs  []string
	index map[string]uint32
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

// runBlock is the number of rows of a block of a run.
const runBlock = 1 << 16

type span32 struct{ off, n uint32 }

// prop is one properties row of a run; key, group, unit and vtype are
// indexes in the run's strs (+1, so that 0 is none).
type prop struct {
	id, text                span32
	key, group, unit, vtype uint32
	pos                     int32 // Property.Pos
	num                     float64
	kind                    dsl.Kind
	sel                     dsl.Select
	hasNum                  bool
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
	r.arena, r.rows, r.n, r.strs = r.arena[:0], r.rows[:0], 0, r.strs[:0]
	clear(r.index)
	r.last[0], r.last[1] = r.last[0][:0], r.last[1][:0]
	select {
	case x.free <- r:
	default:
	}
}

func (r *run) put(s string) span32 {
	off := len(r.arena)
	r.arena = append(r.arena, s...)
	return span32{uint32(off), uint32(len(s))}
}

// intern returns the index of s in the run's strs (+1). s is copied, so
// that the run keeps no record's text.
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

func (r *run) add(p prop) {
	if r.n%runBlock == 0 {
		if b := len(r.rows); b < len(r.spare) {
			r.rows = append(r.rows, r.spare[b][:0])
		} else {
			r.spare = append(r.spare, make([]prop, 0, runBlock))
			r.rows = append(r.rows, r.spare[b])
		}
	}
	b := &r.rows[len(r.rows)-1]
	*b = append(*b, p)
	r.n++
}

// text returns a text of the arena without copying it: the arena is not
// written to once the run is being written out.
func (r *run) text(s span32) string {
	if s.n == 0 {
		return ""
	}
	return unsafe.String(&r.arena[s.off], int(s.n))
}

func (x *exporter) ext() string { return "." + string(x.opt.Format) }

func (x *exporter) startTarget(tm *eval.TargetManifest) error {
	x.tm, x.runs, x.seq, x.run = tm, 0, 0, x.newRun()
	for _, table := range []string{ElementsTable, PropertiesTable} {
		if err := os.MkdirAll(filepath.Join(x.dir, PartitionDir(table, tm.ID)), 0o755); err != nil {
			return err
		}
	}
	w, err := createRows(filepath.Join(x.dir, PartitionDir(ElementsTable, tm.ID), "part-00000"+x.ext()), x.opt.Format, "", x.opt.RowGroupRows, ElementColumns, elementFields)
	if err != nil {
		return err
	}
	x.elements = newElementWriter(w)
	x.batch = x.elements.batch()
	x.stats.Files++
	return nil
}

func (x *exporter) endTarget() error {
	if x.tm == nil {
		return nil
	}
	x.elements.write(x.batch)
	err := x.elements.close()
	x.elements, x.batch = nil, nil
	if err == nil {
		err = x.flushRun()
	}
	x.tm = nil
	return err
}

// abort waits for the files being written, so that nothing writes into
// the temporary directory once it is removed.
func (x *exporter) abort() {
	if x.elements != nil {
		x.elements.close()
	}
	x.writes.Wait()
}

func (x *exporter) add(sel dsl.Select, rec *eval.RawRecord) error {
	tt := string(x.tm.Type)
	fileID := rec.FileID
	if x.tm.Type == dsl.TargetFile && fileID == "" {
		fileID = x.tm.ID
	}
	standard(&x.std, rec, sel)
	x.batch.add(Element{TargetType: tt, Kind: selNames[sel], Seq: x.seq, ID: rec.ID, FileID: fileID, RecordID: rec.RawID}, &x.std)
	if x.batch.full() {
		x.elements.write(x.batch)
		x.batch = x.elements.batch()
	}
	x.seq++
	x.stats.Records++
	r := x.run
	id := r.put(rec.ID)
	for i, f := range rec.Fields {
		p := prop{id: id, pos: int32(i), key: r.internKey(0, i, f.Key), text: r.put(f.Text), kind: f.Kind, sel: sel}
		p.num, p.hasNum = number(f.Kind, f.Text)
		r.add(p)
	}
	group, groupID := "", uint32(0)
	for i, it := range rec.Properties {
		// Items of a group come together.
		if groupID == 0 || it.Group != group {
			group, groupID = it.Group, r.intern(it.Group)
		}
		p := prop{id: id, pos: int32(len(rec.Fields) + i), group: groupID, key: r.internKey(1, i, it.Key), kind: it.Kind, sel: sel}
		if it.Kind != dsl.KindInvalid {
			p.text = r.put(it.Text)
			p.num, p.hasNum = number(it.Kind, it.Text)
		}
		if it.Unit != "" {
			p.unit = r.intern(it.Unit)
		}
		if it.ValueType != "" {
			p.vtype = r.intern(it.ValueType)
		}
		r.add(p)
	}
	if x.run.n >= x.opt.RunRows {
		return x.flushRun()
	}
	return nil
}

// flushRun hands the current run to a goroutine that sorts and writes
// it, once fewer runs than processors are being written: reading the
// next records overlaps with writing these. A run being written keeps
// pointers into no record, so that records are freed as they are read.
func (x *exporter) flushRun() error {
	if err := x.failed.Err(); err != nil {
		// A write failed: Wait reports it.
		return x.writes.Wait()
	}
	if x.run.n > 0 || x.runs == 0 {
		r := x.run
		x.run = x.newRun()
		name := filepath.Join(x.dir, PartitionDir(PropertiesTable, x.tm.ID), fmt.Sprintf("part-%05d%s", x.runs, x.ext()))
		x.runs++
		x.stats.Files++
		x.stats.Properties += int64(r.n)
		tt, f, rows := string(x.tm.Type), x.opt.Format, x.opt.RowGroupRows
		x.writes.Go(func() error {
			err := writeRun(name, f, tt, rows, r)
			x.recycle(r)
			return err
		})
	}
	return nil
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

// writeRun sorts a run's rows by key (a counting sort: a key's rows keep
// record order) and writes them as one file.
func writeRun(name string, f Format, targetType string, groupRows int, r *run) (err error) {
	w, err := createRows(name, f, "key", groupRows, PropertyColumns, propertyFields)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, w.Close()) }()
	// Keys in order, then each key's first position in the sorted rows.
	start := make([]int, len(r.strs)+2)
	for _, b := range r.rows {
		for i := range b {
			start[b[i].key+1]++
		}
	}
	keys := make([]uint32, 0, len(r.strs))
	for k := range r.strs {
		if start[k+2] > 0 {
			keys = append(keys, uint32(k+1))
		}
	}
	slices.SortFunc(keys, func(a, b uint32) int { return strings.Compare(r.strs[a-1], r.strs[b-1]) })
	pos := make([]int, len(r.strs)+1)
	at := 0
	for _, k := range keys {
		pos[k] = at
		at += start[k+1]
	}
	order := make([]*prop, r.n)
	for _, b := range r.rows {
		for i := range b {
			order[pos[b[i].key]] = &b[i]
			pos[b[i].key]++
		}
	}
	str := func(i uint32) *string {
		if i == 0 {
			return nil
		}
		return &r.strs[i-1]
	}
	batch := make([]Property, 0, 4096)
	ids := make([]string, 0, 4096)
	texts := make([]string, 0, 4096)
	nums := make([]float64, 0, 4096)
	flush := func() error {
		_, err := w.Write(batch)
		batch, ids, texts, nums = batch[:0], ids[:0], texts[:0], nums[:0]
		return err
	}
	// A key's rows start a row group when they would not fit in what is
	// left of the current one, so that a key spans as few row groups as
	// its rows need: a reader looking for one key skips the others.
	cur, inGroup := uint32(0), 0
	for _, p := range order {
		if p.key != cur {
			cur = p.key
			if n := start[cur+1]; inGroup > 0 && inGroup+n > groupRows {
				if err := flush(); err != nil {
					return err
				}
				if err := w.EndGroup(); err != nil {
					return err
				}
				inGroup = 0
			}
		}
		if inGroup++; inGroup == groupRows {
			inGroup = 0 // the writer ends a full row group itself
		}
		ids = append(ids, r.text(p.id))
		row := Property{TargetType: targetType, Kind: selNames[p.sel], ID: ids[len(ids)-1], Pos: p.pos,
			Group: str(p.group), Key: r.strs[p.key-1], ValueKind: kindNames[p.kind], Unit: str(p.unit), ValueType: str(p.vtype)}
		if p.kind != dsl.KindInvalid {
			texts = append(texts, r.text(p.text))
			row.ValueText = &texts[len(texts)-1]
		}
		if p.hasNum {
			nums = append(nums, p.num)
			row.ValueNum = &nums[len(nums)-1]
		}
		if p.kind == dsl.KindBool {
			row.ValueBool = &falseV
			if r.text(p.text) == "true" {
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
	if len(batch) > 0 {
		return flush()
	}
	return nil
}
