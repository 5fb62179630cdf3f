package eval

import (
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"

	"github.com/bfquery/bfquery/dsl"
)

// IndexBuilder builds the index file of one list of records of a target
// (its elements, rooms or areas) from the list's files, added one at a
// time in the manifest's order, each as soon as it is complete. A pull
// adds each batch file once it is written, while later batches are still
// being fetched, so that at its end only the index's tables are left to
// build and write. Each file is read once, for its records and for its
// fingerprint together. The index file written is the one WriteIndexes
// would write from the same files.
//
// An IndexBuilder is used by one goroutine at a time; Close frees what it
// holds, whatever state it is in.
type IndexBuilder struct {
	dir    string
	sel    dsl.Select
	b      *builder
	prints []PartPrint
	ix     *Index
	err    error // the first failure: the builder is then only closed
}

// NewIndexBuilder starts the index of list sel (dsl.SelectElements,
// SelectRooms or SelectAreas) of a target in the cache directory dir.
func NewIndexBuilder(dir string, sel dsl.Select) *IndexBuilder {
	return &IndexBuilder{dir: dir, sel: sel}
}

// Add reads the list's next file p, its path relative to the cache
// directory as the manifest will list it. The file must be complete and
// must not change afterwards; if it does, the index file is found stale
// when opened. After an error the builder can only be closed.
func (ib *IndexBuilder) Add(p Part) error {
	switch {
	case ib.err != nil:
		return ib.err
	case ib.ix != nil:
		return errors.New("eval: IndexBuilder.Add after Finish")
	}
	if err := ib.add(p); err != nil {
		ib.err = err
		return err
	}
	return nil
}

func (ib *IndexBuilder) add(p Part) error {
	name := filepath.Join(ib.dir, filepath.FromSlash(p.Path))
	if ib.b == nil {
		ib.b = newBuilder(name, ib.sel)
	}
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	h := crc32.New(castagnoli)
	cr := &countingReader{r: io.TeeReader(f, h)}
	if err := ib.b.read(cr, name, p.FileID); err != nil {
		return err
	}
	// The loader stops at the end of the records; whatever follows is
	// part of the file's checksum all the same.
	if _, err := io.Copy(io.Discard, cr); err != nil {
		return err
	}
	if cr.n != fi.Size() {
		return fmt.Errorf("%s: changed while it was read", name)
	}
	ib.prints = append(ib.prints, PartPrint{Path: p.Path, FileID: p.FileID, Size: fi.Size(), ModTime: fi.ModTime().UnixNano(), CRC: h.Sum32()})
	return nil
}

// partName names a file of records and the BIMFACE file its records
// belong to, if it says.
func partName(path, fileID string) string {
	if fileID == "" {
		return path
	}
	return path + " (file " + fileID + ")"
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// Finish builds the index's tables from the files added, freeing the
// memory reading used. It returns the number of records.
func (ib *IndexBuilder) Finish() (int, error) {
	switch {
	case ib.err != nil:
		return 0, ib.err
	case ib.ix != nil:
		return ib.ix.n, nil
	case ib.b == nil:
		return 0, errors.New("eval: IndexBuilder.Finish without a file")
	}
	ix, err := ib.b.finish()
	ib.b = nil
	if err != nil {
		ib.err = err
		return 0, err
	}
	ib.ix = ix
	return ix.n, nil
}

// Write writes the index file of the list of target tm, after Finish.
// tm is the target's entry as the manifest lists it: its files of the
// list must be those added, in that order, and its count the records
// they hold.
func (ib *IndexBuilder) Write(tm *TargetManifest) error {
	if ib.ix == nil {
		return errors.New("eval: IndexBuilder.Write before Finish")
	}
	for _, l := range targetLists(tm) {
		if l.sel != ib.sel {
			continue
		}
		if len(l.parts) != len(ib.prints) {
			return fmt.Errorf("%s %s lists %d files of %s, the index was built from %d", tm.Type, tm.ID, len(l.parts), l.field, len(ib.prints))
		}
		for i, p := range l.parts {
			if w := ib.prints[i]; w.Path != p.Path || w.FileID != p.FileID {
				return fmt.Errorf("%s %s lists %s as file %d of %s, the index was built from %s", tm.Type, tm.ID, partName(p.Path, p.FileID), i+1, l.field, partName(w.Path, w.FileID))
			}
		}
		if ib.ix.n != l.want {
			return fmt.Errorf("%s %s counts %d %s but its files hold %d", tm.Type, tm.ID, l.want, l.field, ib.ix.n)
		}
		if err := WriteIndexFile(ib.ix, indexPath(ib.dir, tm, l.sel, l.parts), ib.prints); err != nil {
			return fmt.Errorf("writing the index of %s %s: %w", tm.Type, tm.ID, err)
		}
		return nil
	}
	return fmt.Errorf("eval: IndexBuilder of an unknown list %d", ib.sel)
}

// Close frees the memory the builder holds. It may be called at any
// time, more than once.
func (ib *IndexBuilder) Close() {
	if ib.b != nil {
		ib.b.free()
		ib.b = nil
	}
	ib.ix = nil
}
