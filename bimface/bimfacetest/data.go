package bimfacetest

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
)

// Data is what a simulator serves: a loaded cache, for queries, and the
// records of its files as JSON, for element, room and area reads (the
// cache's index does not keep the JSON). It is read-only once loaded and
// may back several simulators.
type Data struct {
	cache   *eval.Cache
	targets map[targetKey]*target
}

type targetKey struct {
	typ dsl.TargetType
	id  string
}

// target is one file or integration: its records per selection, in the
// order of the cache's index, so that record i has the index's ID(i).
type target struct {
	key  targetKey
	ev   *eval.Target
	sets [3]*records // elements, rooms, areas; nil when the cache has none

	once    sync.Once
	derived *derived
}

type records struct {
	ix   *eval.Index
	raw  []json.RawMessage
	byID map[string]int
}

// Load reads the cache directory dir, errors naming its files by their
// paths under dir. See LoadFS.
func Load(dir string) (*Data, error) { return LoadOptions(dir, eval.Options{}) }

// LoadOptions is Load opening the cache with opts: its index files, and
// who is told of one stale or damaged (see eval.OpenOptions).
func LoadOptions(dir string, opts eval.Options) (*Data, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("%s is not a directory: the simulator serves a cache directory, as bfquery pull writes", dir)
	}
	c, err := eval.OpenOptions(dir, opts)
	if err != nil {
		return nil, err
	}
	return load(os.DirFS(dir), c, filepath.Join(dir, eval.ManifestName))
}

// LoadFS reads the cache directory at the root of fsys: its index through
// eval.OpenFS, and every record's JSON from the files its manifest lists.
func LoadFS(fsys fs.FS) (*Data, error) {
	c, err := eval.OpenFS(fsys)
	if err != nil {
		return nil, err
	}
	return load(fsys, c, eval.ManifestName)
}

func load(fsys fs.FS, c *eval.Cache, manifest string) (*Data, error) {
	m, err := eval.ReadManifest(fsys, manifest)
	if err != nil {
		return nil, err
	}
	d := &Data{cache: c, targets: map[targetKey]*target{}}
	for _, tm := range m.Targets {
		ev, err := c.Target(tm.Type, tm.ID)
		if err != nil {
			return nil, err
		}
		t := &target{key: targetKey{tm.Type, tm.ID}, ev: ev}
		for sel, parts := range [][]eval.Part{tm.Elements, tm.Rooms, tm.Areas} {
			ix, err := ev.Index(dsl.Select(sel))
			if err != nil {
				return nil, err
			}
			if ix == nil {
				continue
			}
			rs := &records{ix: ix, byID: make(map[string]int, ix.Len())}
			for _, p := range parts {
				if rs.raw, err = readPart(fsys, p.Path, rs.raw); err != nil {
					return nil, err
				}
			}
			if len(rs.raw) != ix.Len() {
				return nil, fmt.Errorf("%s %s: %d records read, the index has %d", tm.Type, tm.ID, len(rs.raw), ix.Len())
			}
			for i := range rs.raw {
				rs.byID[ix.ID(i)] = i
			}
			t.sets[sel] = rs
		}
		d.targets[t.key] = t
	}
	return d, nil
}

// Cache returns the loaded cache, to compare the simulator's answers with
// local ones.
func (d *Data) Cache() *eval.Cache { return d.cache }

// readPart appends the records of one file of the cache to out, as
// eval reads them (eval.RawRecords); eval has already checked the file.
func readPart(fsys fs.FS, name string, out []json.RawMessage) ([]json.RawMessage, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := eval.RawRecords(f, name)
	if err != nil {
		return nil, err
	}
	return append(out, recs...), nil
}

// firstFile is the first file target of d, or nil.
func (d *Data) firstFile() *target {
	for _, t := range d.cache.Targets() {
		if t.Type == dsl.TargetFile {
			return d.targets[targetKey{dsl.TargetFile, t.ID}]
		}
	}
	return nil
}
