package bimfacetest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing/fstest"
	"time"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
	"github.com/bfquery/bfquery/internal/modelgen"
)

// translate answers PUT /translate.
func (s *Simulator) translate(w http.ResponseWriter, r *http.Request) {
	var req bimface.TranslateRequest
	if !decodeBody(w, r, &req) || !validCallback(w, req.Callback) || !validPriority(w, req.Priority) {
		return
	}
	if req.Source.Compressed && req.Source.RootName == "" {
		badRequest(w, "rootName is required for a compressed file")
		return
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	f := st.files[req.Source.FileID]
	switch {
	case f == nil:
		writeError(w, http.StatusNotFound, bimface.CodeFileNotFound, fmt.Sprintf("file %d not found", req.Source.FileID))
		return
	case f.bean.Status != bimface.StatusSuccess:
		writeError(w, http.StatusBadRequest, bimface.CodeFileNotComplete, fmt.Sprintf("file %d is not uploaded completely", req.Source.FileID))
		return
	}
	if f.tr != nil && f.tr.tr.Status != bimface.StatusFailed {
		// BIMFACE answers a second request with the translation it has.
		writeData(w, f.tr.tr)
		return
	}
	prio := req.Priority
	if prio == 0 {
		prio = 2
	}
	j := &job{id: f.bean.FileID, due: time.Now().Add(s.translateDelay), callback: req.Callback, created: time.Now()}
	for _, fl := range s.failures {
		if fl.match(f.bean) {
			j.reason = fl.reason
			break
		}
	}
	j.tr = bimface.Translation{FileID: f.bean.FileID, Name: f.bean.Name, Priority: prio, Status: bimface.StatusProcessing, CreateTime: chinaNow()}
	f.tr = j
	s.startJob(j, func() notice {
		s.finishTranslation(f)
		return notice{j.callback, "fileId", j.id, j.tr.Status, j.tr.Reason}
	})
	writeData(w, j.tr)
}

func (s *Simulator) translateStatus(w http.ResponseWriter, r *http.Request) {
	id, ok := queryID(w, r, "fileId")
	if !ok {
		return
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	f := st.files[id]
	switch {
	case f == nil:
		writeError(w, http.StatusNotFound, bimface.CodeFileNotFound, fmt.Sprintf("file %d not found", id))
	case f.tr == nil:
		writeError(w, http.StatusNotFound, bimface.CodeFileNotTranslated, fmt.Sprintf("file %d has not been translated", id))
	default:
		writeData(w, f.tr.tr)
	}
}

// translationStatusCode is the number a translation list filters by, for
// each state of a translation.
var translationStatusCode = map[string]int{
	bimface.StatusPrepare:    bimface.TranslationStatusPreparing,
	bimface.StatusProcessing: bimface.TranslationStatusProcessing,
	bimface.StatusSuccess:    bimface.TranslationStatusSucceeded,
	bimface.StatusFailed:     bimface.TranslationStatusFailed,
}

// searchAfter is the simulator's paging key: the create time in
// milliseconds and the file ID of the last entry sent.
func searchAfter(f *storedFile) []any {
	return []any{f.created.UnixMilli(), f.bean.FileID}
}

// translations answers POST /v1/{projectId}/translations, with the
// newer endpoints' success code.
func (s *Simulator) translations(w http.ResponseWriter, r *http.Request) {
	pid, err := strconv.ParseInt(r.PathValue("projectId"), 10, 64)
	if err != nil || pid != s.projectID {
		writeError(w, http.StatusNotFound, "project.not.found", fmt.Sprintf("project %s not found", r.PathValue("projectId")))
		return
	}
	var req struct {
		bimface.TranslationFilter
		SearchAfter []json.RawMessage `json:"searchAfter"`
	}
	if !decodeBody(w, r, &req) {
		return
	}
	size := req.PageSize
	if size == 0 {
		size = 20
	}
	if size < 1 || size > 1000 {
		badRequest(w, "pageSize %d: must be 1 to 1000", size)
		return
	}
	var start, end time.Time
	for _, d := range []struct {
		v string
		t *time.Time
	}{{req.StartDate, &start}, {req.EndDate, &end}} {
		if d.v != "" {
			if *d.t, err = time.Parse(time.RFC3339, d.v); err != nil {
				badRequest(w, "date %q: must be yyyy-MM-ddTHH:mm:ss.SSSZ", d.v)
				return
			}
		}
	}
	var afterID int64
	if req.SearchAfter != nil {
		if len(req.SearchAfter) != 2 || json.Unmarshal(req.SearchAfter[1], &afterID) != nil {
			badRequest(w, "searchAfter: not one this server gave")
			return
		}
	}
	st := s.store
	st.mu.Lock()
	var files []*storedFile
	for _, f := range st.files {
		if f.tr == nil || f.bean.FileID <= afterID {
			continue
		}
		code := translationStatusCode[f.tr.tr.Status]
		switch {
		case req.Status != nil && *req.Status != code,
			req.Suffix != "" && !strings.EqualFold(req.Suffix, f.bean.Suffix),
			req.Keyword != "" && !strings.Contains(f.bean.Name, req.Keyword) && req.Keyword != strconv.FormatInt(f.bean.FileID, 10),
			!start.IsZero() && f.tr.created.Before(start),
			!end.IsZero() && f.tr.created.After(end):
			continue
		}
		files = append(files, f)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].bean.FileID < files[j].bean.FileID })
	page := struct {
		PageSize    int                         `json:"pageSize"`
		List        []bimface.TranslationDetail `json:"list"`
		SearchAfter []any                       `json:"searchAfter"`
	}{PageSize: size, List: []bimface.TranslationDetail{}}
	for i, f := range files {
		if i == size {
			page.SearchAfter = searchAfter(files[i-1])
			break
		}
		page.List = append(page.List, bimface.TranslationDetail{
			FileID: f.bean.FileID, ProjectID: json.Number(strconv.FormatInt(pid, 10)), Name: f.bean.Name,
			Status: f.tr.tr.Status, Reason: f.tr.tr.Reason, DatabagID: f.tr.tr.DatabagID, Length: f.bean.Length,
			CreateTime: f.tr.created.UTC().Format("2006-01-02T15:04:05.000Z"), RealFileType: f.bean.Suffix,
			AppKey: s.appKey, OutputFormat: "bimtiles",
		})
	}
	st.mu.Unlock()
	b, _ := json.Marshal(struct {
		Code    string  `json:"code"`
		Message *string `json:"message"`
		Data    any     `json:"data"`
	}{bimface.CodeServiceSuccess, nil, page})
	w.Header().Set("Content-Type", "application/json")
	w.Write(b)
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
	if d := s.models[f.bean.Name]; d != nil {
		src := d.firstFile()
		return &target{key: key, ev: src.ev, sets: src.sets}, nil
	}
	n, seed := s.genElements, uint64(f.bean.FileID)
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
