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
	"strings"

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
	// One encoder for each file being written at once: the runs and the
	// elements.
	x.shared = newShared(runtime.GOMAXPROCS(0) + 1)
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
// goroutine of its own, and each run of properties rows on another,
// several at once, while the next records are read.
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
	shared shared
}

func (x *exporter) ext() string { return "." + string(x.opt.Format) }

func (x *exporter) startTarget(tm *eval.TargetManifest) error {
	x.tm, x.runs, x.seq, x.run = tm, 0, 0, x.newRun()
	for _, table := range []string{ElementsTable, PropertiesTable} {
		if err := os.MkdirAll(filepath.Join(x.dir, PartitionDir(table, tm.ID)), 0o755); err != nil {
			return err
		}
	}
	w, err := createRows(filepath.Join(x.dir, PartitionDir(ElementsTable, tm.ID), "part-00000"+x.ext()), x.opt.Format, "", x.opt.RowGroupRows, x.shared, ElementColumns, elementFields)
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
	x.run.addRecord(sel, rec)
	if x.run.n >= x.opt.RunRows {
		return x.flushRun()
	}
	return nil
}

// flushRun hands the current run to a goroutine that writes it, once
// fewer runs than processors are being written: reading the next records
// overlaps with writing these.
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
			err := writeRun(name, f, tt, rows, x.shared, r)
			x.recycle(r)
			return err
		})
	}
	return nil
}
