package pull

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
	"github.com/bfquery/bfquery/internal/robustio"
)

// DefaultConcurrency is how many batch requests run at once unless
// Options.Concurrency says otherwise.
const DefaultConcurrency = 4

// Options say what to pull and where.
type Options struct {
	Type dsl.TargetType // dsl.TargetFile or dsl.TargetIntegration
	ID   string         // the file or integration ID
	Dir  string         // the cache directory, created if missing

	// Concurrency is how many batch requests run at once,
	// DefaultConcurrency if zero.
	Concurrency int
	// BatchSize is how many element IDs one request reads,
	// bimface.MaxBatchIDs if zero.
	BatchSize int

	// Refresh pulls the target again even if the cache holds it.
	Refresh bool

	// Progress, if set, is called after each stage starts and after each
	// batch is saved, never concurrently.
	Progress func(Progress)
}

// Progress is how far a pull has got.
type Progress struct {
	Stage Stage
	// Done and Total count elements: those saved (by this run and by
	// earlier ones) and all of the target's.
	Done, Total int
	// Resumed is how many elements earlier runs had saved.
	Resumed int
	// Elapsed is the time since this run started.
	Elapsed time.Duration
}

// Rate returns the elements saved per second by this run.
func (p Progress) Rate() float64 {
	if p.Elapsed <= 0 {
		return 0
	}
	return float64(p.Done-p.Resumed) / p.Elapsed.Seconds()
}

// ETA estimates the time left for the elements at this run's rate; 0 if
// there is no rate yet.
func (p Progress) ETA() time.Duration {
	r := p.Rate()
	if r <= 0 {
		return 0
	}
	return time.Duration(float64(p.Total-p.Done) / r * float64(time.Second))
}

// Stage is a step of a pull.
type Stage string

// The stages, in order. The elements' index is read from the batches
// during StageElements; StageIndex is what is left of the index files
// once the manifest is written: waiting for that reading, and the
// tables built after it, to be done; the rooms' and areas' indexes; and
// writing the files.
const (
	StageIDs      Stage = "ids"
	StageElements Stage = "elements"
	StageSpaces   Stage = "rooms and areas"
	StageIndex    Stage = "index"
	StageDone     Stage = "done"
)

// Result says what a pull did.
type Result struct {
	// Target is the target's entry in the manifest.
	Target eval.TargetManifest
	// UpToDate is set when the cache already held the target and nothing
	// was pulled.
	UpToDate bool
	// Resumed counts elements found saved by an earlier run, Fetched
	// those this run read.
	Resumed, Fetched int
	Elapsed          time.Duration
}

// plan is the saved state of a pull in progress.
type plan struct {
	Version int            `json:"version"`
	Type    dsl.TargetType `json:"type"`
	ID      string         `json:"id"`
	Dir     string         `json:"dir"` // the pull's directory, relative to the cache
	Started time.Time      `json:"started"`
	Batches []batch        `json:"batches"`
}

// batch is one element request. FileID is the file of an integration's
// batch: batches never mix files, so their records need no fileId field.
type batch struct {
	FileID string   `json:"fileId,omitempty"`
	IDs    []string `json:"ids"`
}

const planVersion = 1

// tmpPrefix starts the names of temporary files; resume removes them.
const tmpPrefix = ".tmp-"

// Pull downloads a target into opts.Dir, or finishes an interrupted pull
// of it. See the package documentation for how.
//
// If ctx is cancelled Pull returns ctx.Err(); what it had saved is kept
// for the next run.
func Pull(ctx context.Context, c *bimface.Client, opts Options) (res *Result, err error) {
	start := time.Now()
	if c == nil {
		return nil, errors.New("pull: nil client")
	}
	if opts.Type != dsl.TargetFile && opts.Type != dsl.TargetIntegration {
		return nil, fmt.Errorf("pull: target type %q: must be file or integration", opts.Type)
	}
	if opts.ID == "" || strings.ContainsAny(opts.ID, `/\`) || opts.ID == "." || opts.ID == ".." {
		return nil, fmt.Errorf("pull: bad target ID %q", opts.ID)
	}
	if opts.Dir == "" {
		return nil, errors.New("pull: no cache directory")
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = DefaultConcurrency
	}
	if opts.BatchSize <= 0 || opts.BatchSize > bimface.MaxBatchIDs {
		opts.BatchSize = bimface.MaxBatchIDs
	}
	_, statErr := os.Stat(opts.Dir)
	created := errors.Is(statErr, fs.ErrNotExist)
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("pull: %w", err)
	}
	if created {
		// A pull that fails before it has written anything leaves no
		// empty directory behind (os.Remove keeps one that holds files).
		defer func() {
			if err != nil {
				_ = os.Remove(opts.Dir)
			}
		}()
	}
	if err := checkCacheDir(opts.Dir); err != nil {
		return nil, err
	}
	// One pull of a target at a time: a second one would write the same
	// plan and batches. Pulls of other targets share the directory and
	// take turns only to update the manifest.
	release, locked, err := lockFile(ctx, filepath.Join(opts.Dir, ".lock-"+string(opts.Type)+"-"+opts.ID), 0)
	if err != nil {
		return nil, fmt.Errorf("pull: %w", err)
	}
	if !locked {
		return nil, fmt.Errorf("pull: another pull of %s %s into %s is running", opts.Type, opts.ID, opts.Dir)
	}
	defer release()
	p := &puller{c: c, opts: opts, start: start}
	res, err = p.run(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

type puller struct {
	c     *bimface.Client
	opts  Options
	start time.Time

	mu      sync.Mutex
	done    int
	total   int
	resumed int
}

func (p *puller) planPath() string {
	return filepath.Join(p.opts.Dir, ".pull-"+string(p.opts.Type)+"-"+p.opts.ID+".json")
}

// prefix is the target's path under the API's base URL.
func (p *puller) prefix() string {
	kind := "files/"
	if p.opts.Type == dsl.TargetIntegration {
		kind = "integrations/"
	}
	return "data/v2/" + kind + url.PathEscape(p.opts.ID) + "/"
}

func (p *puller) report(stage Stage) {
	if p.opts.Progress == nil {
		return
	}
	p.opts.Progress(Progress{Stage: stage, Done: p.done, Total: p.total, Resumed: p.resumed, Elapsed: time.Since(p.start)})
}

func (p *puller) run(ctx context.Context) (*Result, error) {
	m, err := readManifest(p.opts.Dir)
	if err != nil {
		return nil, err
	}
	cur := findTarget(m, p.opts.Type, p.opts.ID)
	pl, err := readPlan(p.planPath())
	if err != nil {
		return nil, err
	}
	if pl != nil && cur >= 0 && partsIn(m.Targets[cur], pl.Dir) {
		// The manifest was written but the plan not yet removed: the
		// index files may not have been written either.
		if err := p.writeIndexes(nil, &m.Targets[cur]); err != nil {
			return nil, err
		}
		return p.finished(m.Targets[cur], pl.Dir)
	}
	if pl == nil {
		if cur >= 0 && !p.opts.Refresh {
			return &Result{Target: m.Targets[cur], UpToDate: true}, nil
		}
		if pl, err = p.newPlan(ctx); err != nil {
			return nil, err
		}
	}
	if pl.Type != p.opts.Type || pl.ID != p.opts.ID || pl.Version != planVersion {
		return nil, fmt.Errorf("pull: %s is not a plan of %s %s", p.planPath(), p.opts.Type, p.opts.ID)
	}
	gen := filepath.Join(p.opts.Dir, filepath.FromSlash(pl.Dir))
	if err := os.MkdirAll(gen, 0o755); err != nil {
		return nil, fmt.Errorf("pull: %w", err)
	}
	if err := removeTemps(gen); err != nil {
		return nil, err
	}

	var todo []int
	saved := make([]bool, len(pl.Batches))
	for i, b := range pl.Batches {
		p.total += len(b.IDs)
		if _, err := os.Stat(filepath.Join(gen, batchName(i))); err == nil {
			p.done += len(b.IDs)
			saved[i] = true
		} else if errors.Is(err, fs.ErrNotExist) {
			todo = append(todo, i)
		} else {
			return nil, fmt.Errorf("pull: %w", err)
		}
	}
	p.resumed = p.done
	var x *elementIndexer
	if whenIndex == indexDuring && len(pl.Batches) > 0 {
		x = startIndexer(p.opts.Dir, pl, saved)
		defer x.close()
	}
	p.report(StageElements)
	if err := p.elements(ctx, gen, pl, todo, x); err != nil {
		return nil, err
	}
	p.report(StageSpaces)
	if err := p.spaces(ctx, gen); err != nil {
		return nil, err
	}

	tm, err := p.targetManifest(gen, pl)
	if err != nil {
		return nil, err
	}
	if err := p.updateManifest(ctx, tm); err != nil {
		return nil, err
	}
	if err := p.writeIndexes(x, &tm); err != nil {
		return nil, err
	}
	res, err := p.finished(tm, pl.Dir)
	if err != nil {
		return nil, err
	}
	res.UpToDate = false
	res.Resumed, res.Fetched = p.resumed, p.done-p.resumed
	p.report(StageDone)
	return res, nil
}

// checkCacheDir refuses to write into a directory that holds files but
// is not a cache: one with a manifest, or a first pull under way.
func checkCacheDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("pull: %w", err)
	}
	others := 0
	for _, e := range entries {
		switch name := e.Name(); {
		case name == eval.ManifestName, strings.HasPrefix(name, ".pull-") && strings.HasSuffix(name, ".json"):
			return nil
		case strings.HasPrefix(name, ".lock-"), strings.HasPrefix(name, tmpPrefix),
			e.IsDir() && (strings.HasPrefix(name, string(dsl.TargetFile)+"-") || strings.HasPrefix(name, string(dsl.TargetIntegration)+"-")):
			// A pull under way, maybe of another target, that has not yet
			// written its plan or the manifest.
		default:
			others++
		}
	}
	if others > 0 {
		return fmt.Errorf("pull: %s holds files but is not a bfquery cache: pull into a new or empty directory", dir)
	}
	return nil
}

// updateManifest puts tm in the manifest: read afresh and written under a
// lock, since pulls of other targets into the same directory may have
// added theirs meanwhile.
func (p *puller) updateManifest(ctx context.Context, tm eval.TargetManifest) error {
	release, _, err := lockFile(ctx, filepath.Join(p.opts.Dir, ".lock-manifest"), 20*time.Millisecond)
	if err != nil {
		return fmt.Errorf("pull: locking the manifest: %w", err)
	}
	defer release()
	m, err := readManifest(p.opts.Dir)
	if err != nil {
		return err
	}
	if cur := findTarget(m, tm.Type, tm.ID); cur >= 0 {
		m.Targets[cur] = tm
	} else {
		m.Targets = append(m.Targets, tm)
	}
	if err := eval.WriteManifest(p.opts.Dir, m); err != nil {
		return fmt.Errorf("pull: writing the manifest: %w", err)
	}
	return syncDir(p.opts.Dir)
}

// finished removes the plan and the target's other pull directories once
// the manifest lists the pull's directory.
func (p *puller) finished(tm eval.TargetManifest, dir string) (*Result, error) {
	if err := os.Remove(p.planPath()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("pull: %w", err)
	}
	old, err := filepath.Glob(filepath.Join(p.opts.Dir, genPrefix(p.opts.Type, p.opts.ID)+"*"))
	if err != nil {
		return nil, fmt.Errorf("pull: %w", err)
	}
	for _, o := range old {
		if filepath.Base(o) != dir {
			if err := os.RemoveAll(o); err != nil {
				return nil, fmt.Errorf("pull: removing an older pull: %w", err)
			}
		}
	}
	return &Result{Target: tm, UpToDate: true}, nil
}

func genPrefix(t dsl.TargetType, id string) string { return string(t) + "-" + id + "-" }

func batchName(i int) string { return fmt.Sprintf("elements-%06d.ndjson", i) }

// newPlan lists the element IDs, batches them and saves the plan.
func (p *puller) newPlan(ctx context.Context) (*plan, error) {
	p.report(StageIDs)
	var ids []string
	var err error
	if p.opts.Type == dsl.TargetFile {
		ids, err = p.c.Files.ElementIDs(ctx, p.opts.ID, nil)
	} else {
		ids, err = p.c.Integrations.ElementIDs(ctx, p.opts.ID, nil)
	}
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	pl := &plan{
		Version: planVersion, Type: p.opts.Type, ID: p.opts.ID, Started: now,
		Dir: genPrefix(p.opts.Type, p.opts.ID) + strconv.FormatInt(now.UnixNano(), 36),
	}
	seen := make(map[string]bool, len(ids))
	byFile := map[string]int{} // the open batch of each file
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		file := ""
		if p.opts.Type == dsl.TargetIntegration {
			file, _, _ = strings.Cut(id, ".")
		}
		j, ok := byFile[file]
		if !ok || len(pl.Batches[j].IDs) == p.opts.BatchSize {
			j = len(pl.Batches)
			byFile[file] = j
			pl.Batches = append(pl.Batches, batch{FileID: file, IDs: make([]string, 0, min(p.opts.BatchSize, len(ids)))})
		}
		pl.Batches[j].IDs = append(pl.Batches[j].IDs, id)
	}
	b, err := json.Marshal(pl)
	if err != nil {
		return nil, err
	}
	if err := writeAtomic(p.planPath(), func(w io.Writer) error { _, err := w.Write(b); return err }); err != nil {
		return nil, err
	}
	return pl, nil
}

func readPlan(name string) (*plan, error) {
	b, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("pull: %w", err)
	}
	var pl plan
	if err := json.Unmarshal(b, &pl); err != nil {
		return nil, fmt.Errorf("pull: %s: %w", name, err)
	}
	// One name in the cache directory, on every system: a backslash
	// separates names on Windows, and a colon there names a stream.
	if !fs.ValidPath(pl.Dir) || strings.ContainsAny(pl.Dir, `/\:`) {
		return nil, fmt.Errorf("pull: %s: bad directory %q", name, pl.Dir)
	}
	return &pl, nil
}

// elements reads the batches todo and saves each to its file, handing
// it to x, if not nil, to index.
func (p *puller) elements(ctx context.Context, gen string, pl *plan, todo []int, x *elementIndexer) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(p.opts.Concurrency)
	for _, i := range todo {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			b := pl.Batches[i]
			var recs []json.RawMessage
			var err error
			if p.opts.Type == dsl.TargetFile {
				recs, err = p.c.Files.ElementsRaw(gctx, p.opts.ID, b.IDs, nil)
			} else {
				recs, err = p.c.Integrations.ElementsRaw(gctx, p.opts.ID, b.IDs)
			}
			if err != nil {
				return err
			}
			if err := writeAtomic(filepath.Join(gen, batchName(i)), func(w io.Writer) error { return writeRecords(w, recs) }); err != nil {
				return err
			}
			if x != nil {
				x.saved(i)
			}
			p.mu.Lock()
			p.done += len(b.IDs)
			p.report(StageElements)
			p.mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return ctx.Err()
}

// spaces reads the rooms and the areas of every floor, unless an earlier
// run saved them.
func (p *puller) spaces(ctx context.Context, gen string) error {
	roomsFile, areasFile := filepath.Join(gen, "rooms.ndjson"), filepath.Join(gen, "areas.ndjson")
	_, rerr := os.Stat(roomsFile)
	_, aerr := os.Stat(areasFile)
	if rerr == nil && aerr == nil {
		return nil
	}
	for _, s := range []struct {
		file string
		sel  dsl.Select
		done bool
	}{{roomsFile, dsl.SelectRooms, rerr == nil}, {areasFile, dsl.SelectAreas, aerr == nil}} {
		if s.done {
			continue
		}
		all, err := p.c.SpacesRaw(ctx, p.opts.Type, p.opts.ID, s.sel)
		if err != nil {
			return err
		}
		if err := writeAtomic(s.file, func(w io.Writer) error { return writeRecords(w, all) }); err != nil {
			return err
		}
	}
	return nil
}

// targetManifest counts the saved records and describes them.
func (p *puller) targetManifest(gen string, pl *plan) (eval.TargetManifest, error) {
	tm := eval.TargetManifest{
		Type:   p.opts.Type,
		ID:     p.opts.ID,
		Source: p.c.BaseURL().String() + p.prefix() + "elements",
		Pulled: time.Now().UTC().Truncate(time.Second),
	}
	for i, b := range pl.Batches {
		n, err := countLines(filepath.Join(gen, batchName(i)))
		if err != nil {
			return tm, err
		}
		tm.Counts.Elements += n
		tm.Elements = append(tm.Elements, eval.Part{Path: path.Join(pl.Dir, batchName(i)), FileID: b.FileID})
	}
	for _, s := range []struct {
		name  string
		count *int
		parts *[]eval.Part
	}{{"rooms.ndjson", &tm.Counts.Rooms, &tm.Rooms}, {"areas.ndjson", &tm.Counts.Areas, &tm.Areas}} {
		n, err := countLines(filepath.Join(gen, s.name))
		if err != nil {
			return tm, err
		}
		*s.count = n
		if n > 0 {
			*s.parts = []eval.Part{{Path: path.Join(pl.Dir, s.name)}}
		}
	}
	return tm, nil
}

// writeRecords writes one record per line.
func writeRecords(w io.Writer, recs []json.RawMessage) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	var compact bytes.Buffer
	for _, r := range recs {
		r = bytes.TrimSpace(r)
		if bytes.IndexByte(r, '\n') >= 0 || bytes.IndexByte(r, '\r') >= 0 {
			compact.Reset()
			if err := json.Compact(&compact, r); err != nil {
				return err
			}
			r = compact.Bytes()
		}
		bw.Write(r)
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

func countLines(name string) (int, error) {
	f, err := os.Open(name)
	if err != nil {
		return 0, fmt.Errorf("pull: %w", err)
	}
	defer f.Close()
	buf := make([]byte, 256<<10)
	n := 0
	for {
		k, err := f.Read(buf)
		n += bytes.Count(buf[:k], []byte{'\n'})
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return 0, fmt.Errorf("pull: %w", err)
		}
	}
}

// writeAtomic writes name through a temporary file in the same directory,
// synced before the rename, so that name holds all of it or does not
// exist.
func writeAtomic(name string, fn func(io.Writer) error) error {
	dir := filepath.Dir(name)
	tmp, err := os.CreateTemp(dir, tmpPrefix+filepath.Base(name)+"-*")
	if err != nil {
		return fmt.Errorf("pull: %w", err)
	}
	werr := fn(tmp)
	serr := tmp.Sync()
	cerr := tmp.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("pull: writing %s: %w", name, err)
	}
	if err := robustio.Rename(tmp.Name(), name); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("pull: %w", err)
	}
	return nil
}

// syncDir makes renames in dir durable.
func syncDir(dir string) error {
	if err := robustio.SyncDir(dir); err != nil {
		return fmt.Errorf("pull: syncing %s: %w", dir, err)
	}
	return nil
}

// removeTemps deletes the temporary files an interrupted run left.
func removeTemps(dir string) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("pull: %w", err)
	}
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), tmpPrefix) {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
				return fmt.Errorf("pull: %w", err)
			}
		}
	}
	return nil
}

func readManifest(dir string) (*eval.Manifest, error) {
	m, err := eval.ReadManifest(os.DirFS(dir), filepath.Join(dir, eval.ManifestName))
	if errors.Is(err, fs.ErrNotExist) {
		return &eval.Manifest{Version: eval.ManifestVersion}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("pull: %w", err)
	}
	return m, nil
}

func findTarget(m *eval.Manifest, t dsl.TargetType, id string) int {
	for i, tm := range m.Targets {
		if tm.Type == t && tm.ID == id {
			return i
		}
	}
	return -1
}

// partsIn reports whether the target's records are in dir.
func partsIn(tm eval.TargetManifest, dir string) bool {
	for _, parts := range [][]eval.Part{tm.Elements, tm.Rooms, tm.Areas} {
		for _, p := range parts {
			return strings.HasPrefix(p.Path, dir+"/")
		}
	}
	return false
}
