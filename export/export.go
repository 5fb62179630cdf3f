package export

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

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

// exporter writes the partitions of one target at a time.
type exporter struct {
	opt   Options
	dir   string
	stats *Stats

	tm       *eval.TargetManifest
	elements rowWriter[Element]
	erows    []Element
	seq      int64
	run      run
	runs     int
	flushing chan error // the previous run's write, when one is under way
}

// prop is a properties row kept for sorting: strings point into the
// records' own texts, so a row costs its fields and no copy.
type prop struct {
	id, group, key, text, unit, vtype string
	num                               float64
	kind                              dsl.Kind
	sel                               dsl.Select
	flags                             uint8
}

const (
	hasGroup = 1 << iota
	hasUnit
	hasVType
	hasNum
)

type run []prop

func (x *exporter) ext() string { return "." + string(x.opt.Format) }

func (x *exporter) startTarget(tm *eval.TargetManifest) error {
	x.tm, x.runs, x.seq = tm, 0, 0
	for _, table := range []string{ElementsTable, PropertiesTable} {
		if err := os.MkdirAll(filepath.Join(x.dir, PartitionDir(table, tm.ID)), 0o755); err != nil {
			return err
		}
	}
	w, err := createRows(filepath.Join(x.dir, PartitionDir(ElementsTable, tm.ID), "part-00000"+x.ext()), x.opt.Format, "", ElementColumns, elementFields)
	if err != nil {
		return err
	}
	x.elements = w
	x.stats.Files++
	return nil
}

func (x *exporter) endTarget() error {
	if x.tm == nil {
		return nil
	}
	err := x.flushElements()
	if cerr := x.elements.Close(); err == nil {
		err = cerr
	}
	x.elements = nil
	if err == nil {
		err = x.flushRun(true)
	}
	x.tm = nil
	return err
}

// abort waits for a run being written, so that nothing writes into the
// temporary directory once it is removed.
func (x *exporter) abort() {
	if x.flushing != nil {
		<-x.flushing
		x.flushing = nil
	}
	if x.elements != nil {
		x.elements.Close()
	}
}

func (x *exporter) flushElements() error {
	if len(x.erows) == 0 {
		return nil
	}
	_, err := x.elements.Write(x.erows)
	x.erows = x.erows[:0]
	return err
}

func (x *exporter) add(sel dsl.Select, rec *eval.RawRecord) error {
	tt := string(x.tm.Type)
	fileID := rec.FileID
	if x.tm.Type == dsl.TargetFile && fileID == "" {
		fileID = x.tm.ID
	}
	e := Element{TargetType: tt, Kind: KindName(sel), Seq: x.seq, ID: rec.ID, FileID: fileID, RecordID: rec.RawID}
	standard(&e, rec, sel)
	x.seq++
	x.stats.Records++
	x.erows = append(x.erows, e)
	if len(x.erows) == 4096 {
		if err := x.flushElements(); err != nil {
			return err
		}
	}
	for _, f := range rec.Fields {
		p := prop{id: rec.ID, key: f.Key, text: f.Text, kind: f.Kind, sel: sel}
		if v, ok := number(f.Kind, f.Text); ok {
			p.num, p.flags = v, hasNum
		}
		x.run = append(x.run, p)
	}
	for _, it := range rec.Properties {
		p := prop{id: rec.ID, group: it.Group, key: it.Key, kind: it.Kind, sel: sel, unit: it.Unit, vtype: it.ValueType, flags: hasGroup}
		if it.Kind != dsl.KindInvalid {
			p.text = it.Text
			if v, ok := number(it.Kind, it.Text); ok {
				p.num = v
				p.flags |= hasNum
			}
		}
		if it.Unit != "" {
			p.flags |= hasUnit
		}
		if it.ValueType != "" {
			p.flags |= hasVType
		}
		x.run = append(x.run, p)
	}
	if len(x.run) >= x.opt.RunRows {
		return x.flushRun(false)
	}
	return nil
}

// flushRun hands the current run to a goroutine that sorts and writes it,
// after waiting for the previous one: reading the next records overlaps
// with writing these. last waits for the write to end.
func (x *exporter) flushRun(last bool) error {
	if x.flushing != nil {
		if err := <-x.flushing; err != nil {
			x.flushing = nil
			return err
		}
		x.flushing = nil
	}
	if len(x.run) > 0 || x.runs == 0 {
		r := x.run
		x.run = make(run, 0, min(len(r), x.opt.RunRows+4096))
		name := filepath.Join(x.dir, PartitionDir(PropertiesTable, x.tm.ID), fmt.Sprintf("part-%05d%s", x.runs, x.ext()))
		x.runs++
		x.stats.Files++
		x.stats.Properties += int64(len(r))
		done := make(chan error, 1)
		tt := string(x.tm.Type)
		go func() { done <- writeRun(name, x.opt.Format, tt, r) }()
		x.flushing = done
	}
	if last && x.flushing != nil {
		err := <-x.flushing
		x.flushing = nil
		return err
	}
	return nil
}

var (
	kindNames = map[dsl.Kind]*string{}
	trueV     = true
	falseV    = false
	selNames  = map[dsl.Select]string{}
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

// writeRun sorts a run's rows by key (a stable bucket sort: a key's rows
// keep record order) and writes them as one file.
func writeRun(name string, f Format, targetType string, r run) (err error) {
	w, err := createRows(name, f, "key", PropertyColumns, propertyFields)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, w.Close()) }()
	buckets := map[string][]int32{}
	var keys []string
	for i := range r {
		k := r[i].key
		b, ok := buckets[k]
		if !ok {
			keys = append(keys, k)
		}
		buckets[k] = append(b, int32(i))
	}
	slices.Sort(keys)
	batch := make([]Property, 0, 4096)
	for _, k := range keys {
		for _, i := range buckets[k] {
			p := &r[i]
			row := Property{TargetType: targetType, Kind: selNames[p.sel], ID: p.id, Key: p.key, ValueKind: kindNames[p.kind]}
			if p.flags&hasGroup != 0 {
				row.Group = &p.group
			}
			if p.kind != dsl.KindInvalid {
				row.ValueText = &p.text
			}
			if p.flags&hasNum != 0 {
				row.ValueNum = &p.num
			}
			if p.kind == dsl.KindBool {
				if p.text == "true" {
					row.ValueBool = &trueV
				} else {
					row.ValueBool = &falseV
				}
			}
			if p.flags&hasUnit != 0 {
				row.Unit = &p.unit
			}
			if p.flags&hasVType != 0 {
				row.ValueType = &p.vtype
			}
			batch = append(batch, row)
			if len(batch) == cap(batch) {
				if _, err := w.Write(batch); err != nil {
					return err
				}
				batch = batch[:0]
			}
		}
	}
	if len(batch) > 0 {
		_, err = w.Write(batch)
	}
	return err
}
