package eval

import (
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"

	"github.com/bfquery/bfquery/dsl"
)

// IndexFileExt ends the names of index files.
const IndexFileExt = ".bfqidx"

// indexPath is where the index file of one list of a target is: beside
// the list's first file, as {type}-{id}.{elements|rooms|areas}.bfqidx.
func indexPath(dir string, tm *TargetManifest, sel dsl.Select, parts []Part) string {
	noun := [...]string{"elements", "rooms", "areas"}[sel]
	return filepath.Join(dir, filepath.FromSlash(path.Dir(parts[0].Path)), string(tm.Type)+"-"+tm.ID+"."+noun+IndexFileExt)
}

// fingerprint stats the parts and, with crc, reads them for their
// checksum.
func fingerprint(dir string, parts []Part, crc bool) ([]PartPrint, error) {
	out := make([]PartPrint, len(parts))
	for i, p := range parts {
		name := filepath.Join(dir, filepath.FromSlash(p.Path))
		fi, err := os.Stat(name)
		if err != nil {
			return nil, err
		}
		out[i] = PartPrint{Path: p.Path, FileID: p.FileID, Size: fi.Size(), ModTime: fi.ModTime().UnixNano()}
		if crc {
			if out[i].CRC, err = fileCRC(name); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

func fileCRC(name string) (uint32, error) {
	f, err := os.Open(name)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	h := crc32.New(castagnoli)
	if _, err := io.Copy(h, f); err != nil {
		return 0, err
	}
	return h.Sum32(), nil
}

// stale says why an index built from was no longer matches the parts in
// dir, or "" when it does. A part whose size and time are unchanged is
// taken as unchanged; one whose time alone changed (a copy) is compared
// by content.
func stale(dir string, parts []Part, was []PartPrint) string {
	if len(parts) != len(was) {
		return fmt.Sprintf("built from %d files, the manifest lists %d", len(was), len(parts))
	}
	now, err := fingerprint(dir, parts, false)
	if err != nil {
		return err.Error()
	}
	for i, p := range parts {
		w, n := was[i], now[i]
		switch {
		case w.Path != p.Path || w.FileID != p.FileID:
			return fmt.Sprintf("built from %s, the manifest lists %s", w.Path, p.Path)
		case w.Size != n.Size:
			return p.Path + " changed"
		case w.ModTime != n.ModTime:
			c, err := fileCRC(filepath.Join(dir, filepath.FromSlash(p.Path)))
			if err != nil {
				return err.Error()
			}
			if c != w.CRC {
				return p.Path + " changed"
			}
		}
	}
	return ""
}

// indexState is what openIndex found of one list's index file.
type indexState struct {
	path    string
	ix      *Index // the mapped index, when current
	release func() error
	problem string // why it is not used, when it exists
}

// openIndex opens the index file name of one list of records, if it
// exists and is current.
func openIndex(dir, name string, parts []Part, want int) indexState {
	st := indexState{path: name}
	ix, meta, release, err := openIndexFile(name, name)
	if errors.Is(err, fs.ErrNotExist) {
		return st
	}
	var ie *IndexFileError
	switch {
	case errors.As(err, &ie):
		st.problem = ie.Msg
		return st
	case err != nil:
		st.problem = err.Error()
		return st
	}
	why := stale(dir, parts, meta.Parts)
	if why == "" && meta.Records != want {
		why = fmt.Sprintf("it holds %d records, the manifest counts %d", meta.Records, want)
	}
	if why == "" {
		st.ix, st.release = ix, release
		return st
	}
	st.problem = "stale: " + why
	release()
	return st
}

// writeIndex writes ix, loaded from parts, as the index file at name.
func writeIndex(dir, name string, ix *Index, parts []Part) error {
	prints, err := fingerprint(dir, parts, true)
	if err != nil {
		return err
	}
	return WriteIndexFile(ix, name, prints)
}

// WriteIndexes writes the index files of the cache directory dir: of
// every target, or of the target (t, id) when t is not "". Each list of
// records is loaded from its JSON and written in turn, so that memory
// holds one at a time.
func WriteIndexes(dir string, t dsl.TargetType, id string) error {
	fsys := os.DirFS(dir)
	src, err := fs.ReadFile(fsys, ManifestName)
	if err != nil {
		return fmt.Errorf("%s is not a bfquery cache: %w", dir, err)
	}
	mname := filepath.Join(dir, ManifestName)
	m, _, err := parseManifest(src, mname)
	if err != nil {
		return err
	}
	join := func(p string) string { return filepath.Join(dir, filepath.FromSlash(p)) }
	found := t == ""
	for i := range m.Targets {
		tm := &m.Targets[i]
		if t != "" && (tm.Type != t || tm.ID != id) {
			continue
		}
		found = true
		for _, l := range targetLists(tm) {
			if len(l.parts) == 0 {
				continue
			}
			ix, err := loadParts(fsys, join, l.sel, l.parts)
			if err != nil {
				return err
			}
			if ix.n != l.want {
				return manifestError(src, mname, fmt.Sprintf("targets.%d.counts.%s", i, l.field),
					fmt.Sprintf("%s %s counts %d %s but its files hold %d", tm.Type, tm.ID, l.want, l.field, ix.n))
			}
			if err := writeIndex(dir, indexPath(dir, tm, l.sel, l.parts), ix, l.parts); err != nil {
				return fmt.Errorf("writing the index of %s %s: %w", tm.Type, tm.ID, err)
			}
		}
	}
	if !found {
		return fmt.Errorf("%s %s is not in the cache %s", t, id, dir)
	}
	return nil
}
