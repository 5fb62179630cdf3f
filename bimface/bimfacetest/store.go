package bimfacetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing/fstest"
	"time"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
	"github.com/bfquery/bfquery/internal/modelgen"
)

// DefaultSupport returns what the file server's /support answers unless
// WithSupport says otherwise: BIMFACE's list and its 1 GiB limit.
func DefaultSupport() bimface.Support {
	return bimface.Support{
		Length: 1 << 30,
		Types:  []string{"rvt", "rfa", "dwg", "dxf", "skp", "ifc", "dgn", "obj", "stl", "3ds", "dae", "ply", "igms", "zip", "gtj", "bfcatzip"},
	}
}

// DefaultProjectID is the project every translation of a simulator
// belongs to, for POST /v1/{projectId}/translations.
const DefaultProjectID = 10000000006016

// DefaultGeneratedElements is the size of the model a translation
// generates for an uploaded file that WithModel does not name.
const DefaultGeneratedElements = 300

// firstID is where the simulator's file, append file and integration IDs
// start; they look like BIMFACE's.
const firstID = 1900000000000000

// store holds what was uploaded and the jobs on it. Its own lock guards
// it, apart from the simulator's.
type store struct {
	mu      sync.Mutex
	nextID  int64
	files   map[int64]*storedFile
	appends map[int64]*appendFile
	// policies are the upload policies handed out, by objectKey.
	policies     map[string]policyGrant
	integrations map[int64]*job
	comparisons  map[int64]*job
	databags     map[targetKey]*bimface.Databag
	databagDue   map[targetKey]time.Time
	shares       map[targetKey]*bimface.ShareLink
	// targets are the files and integrations made by translations and
	// integrations, served beside Data's.
	targets map[targetKey]*target

	translateDelay time.Duration
	failures       []failure
	models         map[string]*Data
	genElements    int
	support        bimface.Support
	projectID      int64
	received       int64 // upload body bytes received
}

type storedFile struct {
	bean     bimface.File
	blob     *blob
	sourceID string
	created  time.Time
	tr       *job // its translation, once started
}

type appendFile struct {
	mu sync.Mutex // held for a whole data request, so a position read waits for it
	// guarded by mu: the bytes so far, on disk, and their hash
	path string
	hash hash.Hash32
	// guarded by store.mu:
	bean bimface.AppendFile
	src  string
}

// job is a translation or an integration: it ends at due.
type job struct {
	id       int64
	due      time.Time
	reason   string // why it will fail; empty if it will succeed
	done     bool
	callback string
	tr       bimface.Translation
	in       bimface.Integration
	req      bimface.IntegrateRequest
	cmp      bimface.Comparison
	created  time.Time
}

type failure struct {
	match  func(bimface.File) bool
	reason string
}

type policyGrant struct {
	name, sourceID, policy string
	expire                 time.Time
}

func newStore() *store {
	return &store{
		nextID:       firstID,
		files:        map[int64]*storedFile{},
		appends:      map[int64]*appendFile{},
		policies:     map[string]policyGrant{},
		integrations: map[int64]*job{},
		comparisons:  map[int64]*job{},
		databags:     map[targetKey]*bimface.Databag{},
		databagDue:   map[targetKey]time.Time{},
		shares:       map[targetKey]*bimface.ShareLink{},
		targets:      map[targetKey]*target{},
		models:       map[string]*Data{},
		genElements:  DefaultGeneratedElements,
		support:      DefaultSupport(),
		projectID:    DefaultProjectID,
	}
}

func (st *store) newID() int64 {
	st.nextID++
	return st.nextID
}

// WithTranslateDelay makes translations, integrations and offline
// databags take d (none unless set): until then their status is
// processing.
func WithTranslateDelay(d time.Duration) Option {
	return func(s *Simulator) error {
		if d < 0 {
			return fmt.Errorf("WithTranslateDelay: negative duration %v", d)
		}
		s.store.translateDelay = d
		return nil
	}
}

// WithTranslateFailure makes the translation of every uploaded file that
// match accepts fail with reason. See FailFile for one file.
func WithTranslateFailure(match func(bimface.File) bool, reason string) Option {
	return func(s *Simulator) error {
		if match == nil || reason == "" {
			return errors.New("WithTranslateFailure: nil match or empty reason")
		}
		s.store.failures = append(s.store.failures, failure{match, reason})
		return nil
	}
}

// FailFile is a match for WithTranslateFailure: the file with this ID,
// or with this name.
func FailFile(idOrName string) func(bimface.File) bool {
	return func(f bimface.File) bool {
		return strconv.FormatInt(f.FileID, 10) == idOrName || f.Name == idOrName
	}
}

// WithModel makes the translation of an uploaded file named name give
// the model of data's first file target (a cache that bfquery pull
// wrote, say), under the new file's ID. Files no WithModel names get a
// generated model of WithGeneratedElements elements, seeded by their
// file ID.
func WithModel(name string, data *Data) Option {
	return func(s *Simulator) error {
		if data == nil || data.firstFile() == nil {
			return fmt.Errorf("WithModel(%q): data has no file target", name)
		}
		s.store.models[name] = data
		return nil
	}
}

// WithGeneratedElements sets the size of generated models
// (DefaultGeneratedElements unless set).
func WithGeneratedElements(n int) Option {
	return func(s *Simulator) error {
		if n < 1 {
			return fmt.Errorf("WithGeneratedElements: %d must be positive", n)
		}
		s.store.genElements = n
		return nil
	}
}

// WithSupport sets the file server's /support answer, which uploads are
// also checked against (DefaultSupport() unless set).
func WithSupport(sup bimface.Support) Option {
	return func(s *Simulator) error {
		s.store.support = sup
		return nil
	}
}

// UploadedBytes returns how many bytes of upload bodies the file server
// has received, in all uploads, whether kept or cut short.
func (s *Simulator) UploadedBytes() int64 {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	return s.store.received
}

// FileContent returns the bytes of an uploaded file.
func (s *Simulator) FileContent(fileID int64) ([]byte, bool) {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	f, ok := s.store.files[fileID]
	if !ok {
		return nil, false
	}
	b, err := os.ReadFile(f.blob.path)
	return b, err == nil
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

// target finds a target of Data, or one a finished job made.
func (s *Simulator) target(key targetKey) *target {
	if t := s.data.targets[key]; t != nil {
		return t
	}
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	return s.store.targets[key]
}

// settle ends the jobs that are due. Ending a job is done lazily, on the
// next request, and by a timer that also sends its callback.
func (s *Simulator) settle() {
	if s.isClosed() {
		// Jobs stand still once the simulator is closed.
		return
	}
	now := time.Now()
	var ended []notice
	st := s.store
	st.mu.Lock()
	for _, f := range st.files {
		if j := f.tr; j != nil && !j.done && !now.Before(j.due) {
			s.finishTranslation(f)
			ended = append(ended, notice{j.callback, "fileId", j.id, j.tr.Status, j.tr.Reason})
		}
	}
	for _, j := range st.integrations {
		if !j.done && !now.Before(j.due) {
			s.finishIntegration(j)
			ended = append(ended, notice{j.callback, "integrateId", j.id, j.in.Status, j.in.Reason})
		}
	}
	for _, j := range st.comparisons {
		if !j.done && !now.Before(j.due) {
			s.finishComparison(j)
			ended = append(ended, notice{j.callback, "compareId", j.id, j.cmp.Status, j.cmp.Reason})
		}
	}
	for k, due := range st.databagDue {
		if !now.Before(due) {
			if d := st.databags[k]; d != nil && d.Status == bimface.StatusProcessing {
				d.Status = bimface.StatusSuccess
			}
			delete(st.databagDue, k)
		}
	}
	st.mu.Unlock()
	for _, n := range ended {
		s.goCallback(n)
	}
}

// finishTranslation ends f's translation, giving the file its model;
// st.mu is held.
func (s *Simulator) finishTranslation(f *storedFile) {
	j := f.tr
	j.done = true
	if j.reason == "" {
		t, err := s.modelFor(f)
		if err != nil {
			j.reason = "model generation failed: " + err.Error()
		} else {
			s.store.targets[t.key] = t
		}
	}
	if j.reason != "" {
		j.tr.Status, j.tr.Reason = bimface.StatusFailed, j.reason
		return
	}
	j.tr.Status = bimface.StatusSuccess
	j.tr.DatabagID = fmt.Sprintf("%032x", f.bean.FileID)
	j.tr.Thumbnail = []string{"https://m.bimface.com/" + j.tr.DatabagID + "/thumbnail/96.png", "https://m.bimface.com/" + j.tr.DatabagID + "/thumbnail/256.png"}
}

// modelFor makes the model of a translated file: the WithModel one for
// its name, or a generated one.
func (s *Simulator) modelFor(f *storedFile) (*target, error) {
	id := strconv.FormatInt(f.bean.FileID, 10)
	key := targetKey{dsl.TargetFile, id}
	if d := s.store.models[f.bean.Name]; d != nil {
		src := d.firstFile()
		return &target{key: key, ev: src.ev, sets: src.sets}, nil
	}
	n, seed := s.store.genElements, uint64(f.bean.FileID)
	fsys := fstest.MapFS{}
	put := func(name string, write func(io.Writer) error) error {
		var b bytes.Buffer
		if err := write(&b); err != nil {
			return err
		}
		fsys[name] = &fstest.MapFile{Data: b.Bytes()}
		return nil
	}
	tm := eval.TargetManifest{
		Type: dsl.TargetFile, ID: id, Pulled: time.Now().UTC(),
		Counts:   eval.Counts{Elements: n, Rooms: modelgen.Rooms(n), Areas: modelgen.Areas(n)},
		Elements: []eval.Part{{Path: "elements.ndjson"}},
		Rooms:    []eval.Part{{Path: "rooms.ndjson"}},
		Areas:    []eval.Part{{Path: "areas.ndjson"}},
	}
	err := errors.Join(
		put("elements.ndjson", func(w io.Writer) error {
			return modelgen.WriteElements(w, modelgen.Config{Elements: n, Seed: seed}, modelgen.NDJSON)
		}),
		put("rooms.ndjson", func(w io.Writer) error { return modelgen.WriteRooms(w, n, seed, modelgen.NDJSON) }),
		put("areas.ndjson", func(w io.Writer) error { return modelgen.WriteAreas(w, n, seed, modelgen.NDJSON) }),
	)
	if err != nil {
		return nil, err
	}
	return loadOne(fsys, tm)
}

// loadOne loads the one target of a manifest written into fsys.
func loadOne(fsys fstest.MapFS, tm eval.TargetManifest) (*target, error) {
	b, err := json.Marshal(eval.Manifest{Version: eval.ManifestVersion, Targets: []eval.TargetManifest{tm}})
	if err != nil {
		return nil, err
	}
	fsys[eval.ManifestName] = &fstest.MapFile{Data: b}
	d, err := LoadFS(fsys)
	if err != nil {
		return nil, err
	}
	return d.targets[targetKey{tm.Type, tm.ID}], nil
}

// finishIntegration ends an integration: its elements are those of its
// files, each element's floor and specialty set to its source's when the
// source names them. st.mu is held.
func (s *Simulator) finishIntegration(j *job) {
	j.done = true
	id := strconv.FormatInt(j.id, 10)
	if j.reason == "" {
		fsys := fstest.MapFS{}
		tm := eval.TargetManifest{Type: dsl.TargetIntegration, ID: id, Pulled: time.Now().UTC()}
		for i, src := range j.req.Sources {
			fid := strconv.FormatInt(src.FileID, 10)
			ft := s.store.targets[targetKey{dsl.TargetFile, fid}]
			if ft == nil || ft.sets[dsl.SelectElements] == nil {
				j.reason = "file " + fid + " has no model"
				break
			}
			var b bytes.Buffer
			for _, rec := range ft.sets[dsl.SelectElements].raw {
				b.Write(integrateElement(rec, fid, &j.req, src))
				b.WriteByte('\n')
			}
			name := "elements-" + strconv.Itoa(i) + ".ndjson"
			fsys[name] = &fstest.MapFile{Data: b.Bytes()}
			tm.Elements = append(tm.Elements, eval.Part{Path: name, FileID: fid})
			tm.Counts.Elements += len(ft.sets[dsl.SelectElements].raw)
		}
		if j.reason == "" {
			t, err := loadOne(fsys, tm)
			if err != nil {
				j.reason = "integration failed: " + err.Error()
			} else {
				s.store.targets[t.key] = t
			}
		}
	}
	if j.reason != "" {
		j.in.Status, j.in.Reason = bimface.StatusFailed, j.reason
		return
	}
	j.in.Status = bimface.StatusSuccess
	j.in.Thumbnail = []string{fmt.Sprintf("https://m.bimface.com/%032x/thumbnail/96.png", j.id)}
}

// integrateElement makes a file's element an element of an integration,
// applying the request in this order: the source's floor and specialty
// (every floor and specialty item); the floor mapping (an element whose
// floorId is a mapping's fileFloorId gets its projectFloorId, and its
// projectFloorName as floor); then each property override that targets
// the file (or names no file): where the element's keyToMatch has a
// valueToMatch, its keyToOverride items get the valueToOverride, or
// one is added to the first group if it has none.
func integrateElement(rec json.RawMessage, fileID string, req *bimface.IntegrateRequest, src bimface.IntegrateSource) json.RawMessage {
	var overrides []bimface.PropertyOverride
	for _, o := range req.PropertyOverrides {
		if len(o.TargetFileIDs) == 0 || slices.Contains(o.TargetFileIDs, fileID) {
			overrides = append(overrides, o)
		}
	}
	if src.Floor == "" && src.Specialty == "" && len(req.FloorMapping) == 0 && len(overrides) == 0 {
		return rec
	}
	var el map[string]json.RawMessage
	var groups []bimface.PropertyGroup
	if json.Unmarshal(rec, &el) != nil || json.Unmarshal(el["properties"], &groups) != nil {
		return rec
	}
	str := func(v string) json.RawMessage { b, _ := json.Marshal(v); return b }
	// set gives every item of key the value v, reporting whether any had key.
	set := func(key string, v json.RawMessage) bool {
		found := false
		for gi := range groups {
			for ii := range groups[gi].Items {
				if it := &groups[gi].Items[ii]; it.Key == key {
					it.Value, found = v, true
				}
			}
		}
		return found
	}
	texts := func(key string) []string {
		var out []string
		for _, g := range groups {
			for _, it := range g.Items {
				if it.Key == key {
					out = append(out, it.Text())
				}
			}
		}
		return out
	}
	if src.Floor != "" {
		set("floor", str(src.Floor))
	}
	if src.Specialty != "" {
		set("specialty", str(src.Specialty))
	}
	for _, m := range req.FloorMapping {
		if slices.Contains(texts("floorId"), m.FileFloorID) {
			set("floorId", str(m.ProjectFloorID))
			if m.ProjectFloorName != "" {
				set("floor", str(m.ProjectFloorName))
			}
			break
		}
	}
	for _, o := range overrides {
		have := texts(o.KeyToMatch)
		for _, v := range o.ValueOverrides {
			if !slices.Contains(have, v.ValueToMatch) {
				continue
			}
			if !set(o.KeyToOverride, str(v.ValueToOverride)) && len(groups) > 0 {
				groups[0].Items = append(groups[0].Items, bimface.PropertyItem{Key: o.KeyToOverride, Value: str(v.ValueToOverride)})
			}
			break
		}
	}
	el["properties"], _ = json.Marshal(groups)
	out, err := json.Marshal(el)
	if err != nil {
		return rec
	}
	return out
}

// callbackTimeout bounds the sending of one callback; Close ends it
// sooner.
const callbackTimeout = 10 * time.Second

// notice is a callback to send.
type notice struct {
	url, idName    string
	id             int64
	status, reason string
}

// sendCallback tells a job's callback URL that it ended, signed as
// BIMFACE signs it. A callback that cannot be delivered is dropped, as
// is one to an internal address unless WithInternalURLs.
func (s *Simulator) sendCallback(n notice) {
	u, err := url.Parse(n.url)
	if err != nil {
		return
	}
	q := u.Query()
	idName, id, status, reason := n.idName, strconv.FormatInt(n.id, 10), n.status, n.reason
	s.mu.Lock()
	nonce := s.newToken("nonce")
	s.mu.Unlock()
	q.Set(idName, id)
	q.Set("status", status)
	if reason != "" {
		q.Set("reason", reason)
	}
	q.Set("nonce", nonce)
	q.Set("signature", bimface.CallbackSignature(s.appKey, s.appSecret, id, status, nonce))
	u.RawQuery = q.Encode()
	ctx, cancel := context.WithTimeout(s.ctx, callbackTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return
	}
	req.Header.Set("Content-Type", "application/json")
	if resp, err := s.outbound.Do(req); err == nil {
		resp.Body.Close()
	}
}

// suffix is a file name's lower-case suffix without the dot.
func suffix(name string) string { return strings.ToLower(strings.TrimPrefix(path.Ext(name), ".")) }
