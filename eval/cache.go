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

// Target is one loaded target: a file or an integration, with the
// indexes of its elements, rooms and areas (nil when the cache has none).
type Target struct {
	Type     dsl.TargetType // "" for a single opened file, which answers for any target
	ID       string
	Source   string
	Pulled   time.Time
	Elements *Index
	Rooms    *Index
	Areas    *Index
}

// Index returns the target's index for sel, or nil.
func (t *Target) Index(sel dsl.Select) *Index {
	switch sel {
	case dsl.SelectElements:
		return t.Elements
	case dsl.SelectRooms:
		return t.Rooms
	case dsl.SelectAreas:
		return t.Areas
	}
	return nil
}

// Cache is a set of loaded targets. It is immutable and safe for
// concurrent use.
type Cache struct {
	targets []*Target
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

// OpenOptions is Open with options. Without an index file a target's
// records are loaded from its JSON; with a current one, the index is
// mapped from it, and opening costs what queries read of it. An index
// file that is stale (its files changed since) or damaged is never used:
// it is rebuilt from the JSON where the directory is writable, ignored
// otherwise, and opts.Notify is told which.
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
	return NewCache(&Target{Elements: ix}), nil
}

// OpenFS loads the cache directory at the root of fsys (for instance an
// embedded one). Index files are not used.
func OpenFS(fsys fs.FS) (*Cache, error) { return openFS(fsys, "", Options{NoIndex: true}) }

// openFS loads a cache directory; dir prefixes file names in errors, and
// is where index files are, unless opts.NoIndex.
func openFS(fsys fs.FS, dir string, opts Options) (*Cache, error) {
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
	c := &Cache{}
	for i, tm := range m.Targets {
		t := &Target{Type: tm.Type, ID: tm.ID, Source: tm.Source, Pulled: tm.Pulled}
		for _, part := range targetLists(&tm, t) {
			if len(part.parts) == 0 {
				if part.want != 0 {
					return nil, manifestError(src, join(ManifestName), fmt.Sprintf("targets.%d.counts.%s", i, part.field),
						fmt.Sprintf("%s %s counts %d %s but lists no file of them", tm.Type, tm.ID, part.want, part.field))
				}
				continue
			}
			var st indexState
			if !opts.NoIndex && dir != "" {
				if st = openIndex(dir, &tm, part.sel, part.parts, part.want); st.ix != nil {
					*part.dst = st.ix
					c.release = append(c.release, st.release)
					continue
				}
			}
			ix, err := loadParts(fsys, join, part.sel, part.parts)
			if err != nil {
				c.Close()
				return nil, err
			}
			if ix.n != part.want {
				c.Close()
				return nil, manifestError(src, join(ManifestName), fmt.Sprintf("targets.%d.counts.%s", i, part.field),
					fmt.Sprintf("%s %s counts %d %s but its files hold %d", tm.Type, tm.ID, part.want, part.field, ix.n))
			}
			*part.dst = ix
			if st.problem != "" {
				// A damaged or stale index file is never used: rebuilt where
				// the directory is writable, ignored otherwise.
				msg := "rebuilt"
				if err := writeIndex(dir, st.path, ix, part.parts); err != nil {
					msg = "ignored, as it cannot be rebuilt (" + err.Error() + "); the JSON answers"
				}
				if opts.Notify != nil {
					opts.Notify(fmt.Sprintf("index file %s: %s: %s", st.path, st.problem, msg))
				}
			}
		}
		c.targets = append(c.targets, t)
	}
	return c, nil
}

// list is one list of records of a target: elements, rooms or areas.
type list struct {
	sel   dsl.Select
	parts []Part
	want  int
	field string
	dst   **Index
}

func targetLists(tm *TargetManifest, t *Target) []list {
	return []list{
		{dsl.SelectElements, tm.Elements, tm.Counts.Elements, "elements", &t.Elements},
		{dsl.SelectRooms, tm.Rooms, tm.Counts.Rooms, "rooms", &t.Rooms},
		{dsl.SelectAreas, tm.Areas, tm.Counts.Areas, "areas", &t.Areas},
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

// Index returns the index of what sel selects in target (t, id).
func (c *Cache) Index(t dsl.TargetType, id string, sel dsl.Select) (*Index, error) {
	tg, err := c.Target(t, id)
	if err != nil {
		return nil, err
	}
	ix := tg.Index(sel)
	if ix == nil {
		return nil, fmt.Errorf("the cache holds no %s of %s %s", strings.TrimSuffix(sel.String(), "Id")+"s", t, id)
	}
	return ix, nil
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
func (c *Cache) Query(req dsl.Request, sel dsl.Select) ([]Result, error) {
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
