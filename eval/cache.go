package eval

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tidwall/gjson"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/internal/robustio"
)

// ManifestName is the name of the manifest in a cache directory.
const ManifestName = "manifest.json"

// ManifestVersion is the cache format version this package reads and
// writes.
const ManifestVersion = 1

// Manifest describes a cache directory: which targets it holds and where
// their records are. See the package documentation for the format.
type Manifest struct {
	Version int              `json:"version"`
	Targets []TargetManifest `json:"targets"`
}

// TargetManifest describes one target of a cache directory.
type TargetManifest struct {
	Type     dsl.TargetType `json:"type"`
	ID       string         `json:"id"`
	Source   string         `json:"source,omitempty"` // URL the records were pulled from
	Pulled   time.Time      `json:"pulled"`
	Counts   Counts         `json:"counts"`
	Elements []Part         `json:"elements,omitempty"`
	Rooms    []Part         `json:"rooms,omitempty"`
	Areas    []Part         `json:"areas,omitempty"`
}

// Counts says how many records a target has; loading checks them, so that
// an interrupted pull is noticed rather than answered from.
type Counts struct {
	Elements int `json:"elements"`
	Rooms    int `json:"rooms"`
	Areas    int `json:"areas"`
}

// Part is one file of records, by its slash-separated path relative to
// the cache directory. FileID, for a part of an integration, is the file
// its records belong to: their IDs print as FileID.elementId.
type Part struct {
	Path   string `json:"path"`
	FileID string `json:"fileId,omitempty"`
}

// WriteManifest writes m as dir/manifest.json, through a temporary file
// and a rename so that a reader never sees half a manifest.
func WriteManifest(dir string, m *Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".manifest-*.json")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(append(b, '\n'))
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr, os.Chmod(tmp.Name(), 0o644)); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	// Readers may have the manifest open: robustio waits for them on
	// Windows, where it could not be replaced meanwhile.
	return robustio.Rename(tmp.Name(), filepath.Join(dir, ManifestName))
}

// ReadManifest reads and checks the manifest at the root of fsys. Errors
// are *dsl.Error positioned in the manifest; name is the manifest's name
// in them.
func ReadManifest(fsys fs.FS, name string) (*Manifest, error) {
	src, err := fs.ReadFile(fsys, ManifestName)
	if err != nil {
		return nil, err
	}
	m, _, err := parseManifest(src, name)
	return m, err
}

// memberIndex finds the member name quoted (as encoding/json quotes it)
// in src, followed by a colon: the first such, or -1.
func memberIndex(src []byte, quoted string) int {
	for from := 0; ; {
		i := bytes.Index(src[from:], []byte(quoted))
		if i < 0 {
			return -1
		}
		i += from
		rest := bytes.TrimLeft(src[i+len(quoted):], " \t\r\n")
		if len(rest) > 0 && rest[0] == ':' {
			return i
		}
		from = i + 1
	}
}

// manifestError positions msg at the value of a gjson path in src, or at
// the start when the path is absent.
func manifestError(src []byte, name, gpath, msg string) error {
	off := 0
	if gpath != "" {
		off = gjson.GetBytes(src, gpath).Index
	}
	pos := dsl.PositionAt(string(src), off)
	pos.Filename = name
	return &dsl.Error{Pos: pos, Msg: msg}
}

func parseManifest(src []byte, name string) (*Manifest, []byte, error) {
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		off := int64(0)
		msg := err.Error()
		switch {
		case errors.Is(err, io.ErrUnexpectedEOF):
			off = int64(len(src))
		case errors.As(err, &se):
			off = se.Offset
		case errors.As(err, &te):
			off, msg = te.Offset, fmt.Sprintf("%s: cannot be %s", te.Field, te.Value)
			// Offset is the end of the value; point at its start when the
			// field's path reaches it.
			if r := gjson.GetBytes(src, te.Field); r.Index > 0 {
				off = int64(r.Index)
			}
		default:
			// An unknown member: at its name, or where the decoder stopped.
			off = dec.InputOffset()
			if name, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
				if i := memberIndex(src, name); i >= 0 {
					off = int64(i)
				}
			}
		}
		pos := dsl.PositionAt(string(src), int(off))
		pos.Filename = name
		return nil, nil, &dsl.Error{Pos: pos, Msg: strings.TrimPrefix(msg, "json: ")}
	}
	if m.Version != ManifestVersion {
		return nil, nil, manifestError(src, name, "version", fmt.Sprintf("unsupported cache format version %d: this bfquery reads version %d", m.Version, ManifestVersion))
	}
	seen := map[string]bool{}
	for i, t := range m.Targets {
		at := "targets." + strconv.Itoa(i)
		switch t.Type {
		case dsl.TargetFile, dsl.TargetIntegration:
		default:
			return nil, nil, manifestError(src, name, at+".type", fmt.Sprintf(`target type %q: must be "file" or "integration"`, t.Type))
		}
		if t.ID == "" {
			return nil, nil, manifestError(src, name, at, "target without id")
		}
		if seen[string(t.Type)+" "+t.ID] {
			return nil, nil, manifestError(src, name, at+".id", fmt.Sprintf("target %s %s listed twice", t.Type, t.ID))
		}
		seen[string(t.Type)+" "+t.ID] = true
		for kind, parts := range [][]Part{t.Elements, t.Rooms, t.Areas} {
			for j, p := range parts {
				if !fs.ValidPath(p.Path) || p.Path == "." {
					return nil, nil, manifestError(src, name, fmt.Sprintf("%s.%s.%d.path", at, [...]string{"elements", "rooms", "areas"}[kind], j), fmt.Sprintf("path %q must be relative to the cache directory, without '..'", p.Path))
				}
			}
		}
	}
	return &m, src, nil
}

// Target is one target of a cache: a file or an integration, with its
// lists of records (elements, rooms, areas), each opened on first use.
type Target struct {
	Type   dsl.TargetType // "" for a single opened file, which answers for any target
	ID     string
	Source string
	Pulled time.Time
	lists  [3]*targetList // by dsl.Select; nil where the target has none
}

// targetList is one list of records of a target, opened on first use:
// a cache answering from a few lists of a few targets maps or checks no
// more than those.
type targetList struct {
	n    int // its records, as the manifest counts them
	mu   sync.Mutex
	open func() (*Index, error) // nil once called
	ix   *Index
	err  error
	// reload, set while ix is mapped from an index file, loads the list
	// from its JSON instead, for damage of that file found after the
	// list was opened (see Cache.Repair).
	reload func(problem string) (*Index, error)
}

func (l *targetList) index() (*Index, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open != nil {
		l.ix, l.err = l.open()
		l.open = nil
	}
	return l.ix, l.err
}

// mend replaces the list's index by its JSON's, if the index is mapped
// from the file that fe found damaged, and reports whether it did.
func (l *targetList) mend(fe *IndexFileError) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.reload == nil || l.ix == nil || l.ix.name != fe.Path {
		return false
	}
	l.ix, l.err = l.reload(fe.Msg)
	l.reload = nil
	return true
}

// NewTarget makes a target of loaded indexes of its elements, rooms and
// areas, nil for a list it does not have. A target with an empty type
// answers for every target ID (see NewCache).
func NewTarget(typ dsl.TargetType, id string, elements, rooms, areas *Index) *Target {
	t := &Target{Type: typ, ID: id}
	for sel, ix := range []*Index{elements, rooms, areas} {
		if ix != nil {
			t.lists[sel] = &targetList{n: ix.Len(), open: func() (*Index, error) { return ix, nil }}
		}
	}
	return t
}

// Has reports whether the target has a list of what sel selects.
func (t *Target) Has(sel dsl.Select) bool { return t.list(sel) != nil }

// Len returns the number of records of what sel selects, 0 when the
// target has none, without opening them: the count the manifest checks.
func (t *Target) Len(sel dsl.Select) int {
	if l := t.list(sel); l != nil {
		return l.n
	}
	return 0
}

func (t *Target) list(sel dsl.Select) *targetList {
	if int(sel) < 0 || int(sel) >= len(t.lists) {
		return nil
	}
	return t.lists[sel]
}

// Index returns the target's index of what sel selects, opening it on
// first use (see OpenOptions), or nil and no error when the target has
// none.
func (t *Target) Index(sel dsl.Select) (*Index, error) {
	ix, err := t.open(sel)
	if err != nil || ix == nil {
		return nil, err
	}
	if err := ix.checkIDs(); err != nil {
		return nil, err
	}
	return ix, nil
}

// open returns the index of sel, opened, its record IDs not yet checked:
// for counts, which do not print them.
func (t *Target) open(sel dsl.Select) (*Index, error) {
	l := t.list(sel)
	if l == nil {
		return nil, nil
	}
	return l.index()
}

// Cache is a set of loaded targets. It is immutable and safe for
// concurrent use.
type Cache struct {
	targets []*Target
	mu      sync.Mutex
	release []func() error // unmap the index files in use
}

// NewCache makes a cache of already loaded targets. A target with an
// empty Type answers for every target ID.
func NewCache(targets ...*Target) *Cache { return &Cache{targets: targets} }

// Open loads a cache directory (one holding manifest.json) or a single
// file of elements, which then answers whatever target a query names. A
// directory's index files are used where they are current (see
// OpenOptions).
func Open(name string) (*Cache, error) { return OpenOptions(name, Options{}) }

// Options says how OpenOptions treats the index files of a cache
// directory.
type Options struct {
	// NoIndex loads the JSON and neither reads nor writes index files.
	NoIndex bool
	// Notify, if not nil, gets one line for each index file that is not
	// used as it is: stale or damaged, and then rebuilt or ignored.
	Notify func(msg string)
}

// OpenOptions is Open with options. A list of records of a target
// without an index file is loaded from its JSON. One with an index file
// is opened on its first use, so that opening costs what queries read:
// mapped from the file when it is current. An index file that is stale
// (its files changed since) or damaged is never used: the list is then
// loaded from its JSON, the file rebuilt from it where the directory is
// writable and ignored otherwise, and opts.Notify is told which; errors
// of that JSON come from the first use.
func OpenOptions(name string, opts Options) (*Cache, error) {
	fi, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return openFS(os.DirFS(name), name, opts)
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ix, err := LoadIndex(f, name, dsl.SelectElements)
	if err != nil {
		return nil, err
	}
	return NewCache(NewTarget("", "", ix, nil, nil)), nil
}

// OpenFS loads the cache directory at the root of fsys (for instance an
// embedded one). Index files are not used.
func OpenFS(fsys fs.FS) (*Cache, error) { return openFS(fsys, "", Options{NoIndex: true}) }

// cacheDir is what opening the lists of a cache directory needs.
type cacheDir struct {
	fsys  fs.FS
	dir   string // where index files are, "" for none
	src   []byte // the manifest, for positions in errors
	mname string
	opts  Options
}

func (d *cacheDir) join(p string) string {
	if d.dir == "" {
		return p
	}
	return filepath.Join(d.dir, filepath.FromSlash(p))
}

// openFS opens a cache directory; dir prefixes file names in errors, and
// is where index files are, unless opts.NoIndex.
func openFS(fsys fs.FS, dir string, opts Options) (*Cache, error) {
	d := &cacheDir{fsys: fsys, dir: dir, opts: opts}
	if opts.NoIndex {
		d.dir = ""
	}
	d.mname = (&cacheDir{dir: dir}).join(ManifestName)
	src, err := fs.ReadFile(fsys, ManifestName)
	if err != nil {
		return nil, fmt.Errorf("%s is not a bfquery cache: %w", cmpOr(dir, "."), err)
	}
	m, _, err := parseManifest(src, d.mname)
	if err != nil {
		return nil, err
	}
	d.src = src
	c := &Cache{}
	for i := range m.Targets {
		tm := &m.Targets[i]
		t := &Target{Type: tm.Type, ID: tm.ID, Source: tm.Source, Pulled: tm.Pulled}
		for _, l := range targetLists(tm) {
			if len(l.parts) == 0 {
				if l.want != 0 {
					return nil, manifestError(src, d.mname, fmt.Sprintf("targets.%d.counts.%s", i, l.field),
						fmt.Sprintf("%s %s counts %d %s but lists no file of them", tm.Type, tm.ID, l.want, l.field))
				}
				continue
			}
			tl := &targetList{n: l.want}
			t.lists[l.sel] = tl
			if d.dir != "" {
				name := indexPath(d.dir, tm, l.sel, l.parts)
				if _, err := os.Lstat(name); err == nil {
					tl.open = func() (*Index, error) {
						ix, mapped, err := c.openList(d, i, tm, l, name)
						if mapped {
							tl.reload = func(problem string) (*Index, error) {
								ix, err := d.load(i, tm, l)
								if err == nil {
									d.rebuild(name, problem, ix, l.parts)
								}
								return ix, err
							}
						}
						return ix, err
					}
					continue
				}
			}
			ix, err := d.load(i, tm, l)
			if err != nil {
				c.Close()
				return nil, err
			}
			tl.open = func() (*Index, error) { return ix, nil }
		}
		c.targets = append(c.targets, t)
	}
	return c, nil
}

// openList opens a list of records that has an index file at name:
// mapped when it is current (mapped is then true), loaded from the JSON
// otherwise, the file then rebuilt or ignored.
func (c *Cache) openList(d *cacheDir, i int, tm *TargetManifest, l list, name string) (_ *Index, mapped bool, _ error) {
	st := openIndex(d.dir, name, l.parts, l.want)
	if st.ix != nil {
		c.mu.Lock()
		c.release = append(c.release, st.release)
		c.mu.Unlock()
		return st.ix, true, nil
	}
	ix, err := d.load(i, tm, l)
	if err != nil {
		return nil, false, err
	}
	if st.problem != "" {
		d.rebuild(name, st.problem, ix, l.parts)
	}
	return ix, false, nil
}

// rebuild writes the index file name, which is stale or damaged as
// problem says, from ix, loaded from the JSON, where the directory is
// writable, and says which it did through Options.Notify.
func (d *cacheDir) rebuild(name, problem string, ix *Index, parts []Part) {
	msg := "rebuilt"
	if err := writeIndex(d.dir, name, ix, parts); err != nil {
		msg = "ignored, as it cannot be rebuilt (" + err.Error() + "); the JSON answers"
	}
	if d.opts.Notify != nil {
		d.opts.Notify(fmt.Sprintf("index file %s: %s: %s", name, problem, msg))
	}
}

// Repair mends the damage of an index file that err reports, found after
// the list of records was opened (the parts of a file are checked on
// first use): the list is loaded from its JSON instead and the file
// rebuilt where the directory is writable, as opening does, with a line
// to Options.Notify. It reports whether it replaced a list, so that the
// caller can ask again: Count, Query and Run do so themselves;
// callers of Target.Index and of an Index's methods do it with Retry.
func (c *Cache) Repair(err error) bool {
	var fe *IndexFileError
	if !errors.As(err, &fe) {
		return false
	}
	for _, t := range c.targets {
		for _, l := range t.lists {
			if l != nil && l.mend(fe) {
				return true
			}
		}
	}
	return false
}

// Retry runs f, and once more if f failed on damage of an index file
// that Repair then mended: for callers of Target.Index and of an Index's
// methods.
func (c *Cache) Retry(f func() error) error {
	err := f()
	if err != nil && c.Repair(err) {
		err = f()
	}
	return err
}

// load loads a list of records of target i from its JSON and checks its
// count.
func (d *cacheDir) load(i int, tm *TargetManifest, l list) (*Index, error) {
	ix, err := loadParts(d.fsys, d.join, l.sel, l.parts)
	if err != nil {
		return nil, err
	}
	if ix.n != l.want {
		return nil, manifestError(d.src, d.mname, fmt.Sprintf("targets.%d.counts.%s", i, l.field),
			fmt.Sprintf("%s %s counts %d %s but its files hold %d", tm.Type, tm.ID, l.want, l.field, ix.n))
	}
	return ix, nil
}

// list is one list of records of a target: elements, rooms or areas.
type list struct {
	sel   dsl.Select
	parts []Part
	want  int
	field string
}

func targetLists(tm *TargetManifest) []list {
	return []list{
		{dsl.SelectElements, tm.Elements, tm.Counts.Elements, "elements"},
		{dsl.SelectRooms, tm.Rooms, tm.Counts.Rooms, "rooms"},
		{dsl.SelectAreas, tm.Areas, tm.Counts.Areas, "areas"},
	}
}

// loadParts loads the JSON of one list of records.
func loadParts(fsys fs.FS, join func(string) string, sel dsl.Select, parts []Part) (*Index, error) {
	b := newBuilder(join(parts[0].Path), sel)
	defer b.free()
	for _, p := range parts {
		f, err := fsys.Open(p.Path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", join(ManifestName), err)
		}
		err = b.read(f, join(p.Path), p.FileID)
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	return b.finish()
}

// Close releases the index files a cache maps. The cache must not be
// used after.
func (c *Cache) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for _, r := range c.release {
		errs = append(errs, r())
	}
	c.release = nil
	return errors.Join(errs...)
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Targets returns the cache's targets in manifest order.
func (c *Cache) Targets() []*Target { return append([]*Target(nil), c.targets...) }

// Target returns the target of type t with the given id.
func (c *Cache) Target(t dsl.TargetType, id string) (*Target, error) {
	var have []string
	for _, tg := range c.targets {
		if tg.Type == "" || tg.Type == t && tg.ID == id {
			return tg, nil
		}
		have = append(have, string(tg.Type)+" "+tg.ID)
	}
	if len(have) == 0 {
		return nil, fmt.Errorf("%s %s is not in the cache, which is empty", t, id)
	}
	return nil, fmt.Errorf("%s %s is not in the cache, which holds %s", t, id, strings.Join(have, ", "))
}

// Index returns the index of what sel selects in target (t, id),
// opening it on first use.
func (c *Cache) Index(t dsl.TargetType, id string, sel dsl.Select) (*Index, error) {
	return c.index(t, id, sel, (*Target).Index)
}

func (c *Cache) index(t dsl.TargetType, id string, sel dsl.Select, open func(*Target, dsl.Select) (*Index, error)) (*Index, error) {
	tg, err := c.Target(t, id)
	if err != nil {
		return nil, err
	}
	if !tg.Has(sel) {
		return nil, fmt.Errorf("the cache holds no %s of %s %s", strings.TrimSuffix(sel.String(), "Id")+"s", t, id)
	}
	return open(tg, sel)
}

// Keys lists the keys of what sel selects in target (t, id), as
// Index.Keys does, without reading a record's ID.
func (c *Cache) Keys(t dsl.TargetType, id string, sel dsl.Select) ([]KeyStat, error) {
	ix, err := c.index(t, id, sel, (*Target).open)
	if err != nil {
		return nil, err
	}
	return ix.Keys(), nil
}

// Count returns how many records of what sel selects req matches, over
// its targets: the size of each match set, without reading a record's
// ID.
func (c *Cache) Count(req dsl.Request, sel dsl.Select) (n int, err error) {
	err = c.Retry(func() (err error) {
		n, err = c.count(req, sel)
		return err
	})
	return n, err
}

func (c *Cache) count(req dsl.Request, sel dsl.Select) (int, error) {
	if err := req.Check(); err != nil {
		return 0, err
	}
	n := 0
	for _, id := range req.TargetIDs() {
		ix, err := c.index(req.TargetType(), id, sel, (*Target).open)
		if err != nil {
			return 0, err
		}
		s, err := ix.Search(req.Query())
		if err != nil {
			return 0, err
		}
		n += s.Len()
	}
	return n, nil
}

// Result is the answer for one target, shaped like an element of the
// API's data: {"elementIds":[…],"targetId":"…"}.
type Result struct {
	TargetID string
	Select   dsl.Select
	IDs      []string
}

// MarshalJSON writes the result as BIMFACE does, IDs in cache order.
func (r Result) MarshalJSON() ([]byte, error) {
	ids := r.IDs
	if ids == nil {
		ids = []string{}
	}
	idsJSON, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	tid, err := json.Marshal(r.TargetID)
	if err != nil {
		return nil, err
	}
	b := []byte(`{"` + r.Select.IDsField() + `":`)
	b = append(b, idsJSON...)
	b = append(b, `,"targetId":`...)
	b = append(b, tid...)
	return append(b, '}'), nil
}

// Query answers req for what sel selects, one Result per target ID in the
// order of the request.
func (c *Cache) Query(req dsl.Request, sel dsl.Select) (out []Result, err error) {
	err = c.Retry(func() (err error) {
		out, err = c.query(req, sel)
		return err
	})
	return out, err
}

func (c *Cache) query(req dsl.Request, sel dsl.Select) ([]Result, error) {
	if err := req.Check(); err != nil {
		return nil, err
	}
	out := make([]Result, 0, len(req.TargetIDs()))
	for _, id := range req.TargetIDs() {
		ix, err := c.Index(req.TargetType(), id, sel)
		if err != nil {
			return nil, err
		}
		ids, err := ix.Find(req.Query())
		if err != nil {
			return nil, err
		}
		out = append(out, Result{TargetID: id, Select: sel, IDs: ids})
	}
	return out, nil
}
