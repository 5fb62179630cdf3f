package bimfacetest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/dsl"
)

func (s *Simulator) jobRoutes(m *http.ServeMux) {
	a := s.accessOnly
	m.HandleFunc("PUT /translate", a(s.translate))
	m.HandleFunc("GET /translate", a(s.translateStatus))
	m.HandleFunc("POST /v1/{projectId}/translations", a(s.translations))
	m.HandleFunc("PUT /integrate", a(s.integrate))
	m.HandleFunc("GET /integrate", a(s.integrateStatus))
	m.HandleFunc("DELETE /integrate", a(s.integrateDelete))
	m.HandleFunc("POST /v2/compare", a(s.compare))
	m.HandleFunc("GET /v2/compare", a(s.compareStatus))
	m.HandleFunc("DELETE /v2/compare", a(s.compareDelete))
	for coll, typ := range map[string]dsl.TargetType{"files": dsl.TargetFile, "integrations": dsl.TargetIntegration, "comparisions": targetComparison} {
		m.HandleFunc("PUT /"+coll+"/{id}/offlineDatabag", a(func(w http.ResponseWriter, r *http.Request) { s.databagCreate(w, r, typ) }))
		m.HandleFunc("GET /"+coll+"/{id}/offlineDatabag", a(func(w http.ResponseWriter, r *http.Request) { s.databagList(w, r, typ) }))
	}
	m.HandleFunc("GET /data/databag/downloadUrl", a(s.databagURL))
	m.HandleFunc("POST /share", a(s.shareCreate))
	m.HandleFunc("GET /share", a(s.shareGet))
	m.HandleFunc("GET /shares", a(s.shareList))
	m.HandleFunc("DELETE /share", a(s.shareDelete))
	m.HandleFunc("DELETE /shares", a(s.shareDeleteMany))
}

func validCallback(w http.ResponseWriter, cb string) bool {
	if cb == "" {
		return true
	}
	if u, err := url.Parse(cb); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		writeError(w, http.StatusBadRequest, bimface.CodeURLInvalid, fmt.Sprintf("callback %q is not a valid URL", cb))
		return false
	}
	return true
}

func validPriority(w http.ResponseWriter, p int) bool {
	if p != 0 && (p < 1 || p > 3) {
		writeError(w, http.StatusBadRequest, bimface.CodePriorityNotSupport, fmt.Sprintf("priority %d: must be 1, 2 or 3", p))
		return false
	}
	return true
}

func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	body, ok := readBody(w, r)
	if !ok {
		return false
	}
	if err := json.Unmarshal(body, v); err != nil {
		badRequest(w, "invalid body: %v", err)
		return false
	}
	return true
}

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
	j := &job{id: f.bean.FileID, due: time.Now().Add(st.translateDelay), callback: req.Callback, created: time.Now()}
	for _, fl := range st.failures {
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
	if err != nil || pid != s.store.projectID {
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

// integrate answers PUT /integrate.
func (s *Simulator) integrate(w http.ResponseWriter, r *http.Request) {
	var req bimface.IntegrateRequest
	if !decodeBody(w, r, &req) || !validCallback(w, req.Callback) || !validPriority(w, req.Priority) {
		return
	}
	if len(req.Sources) == 0 {
		badRequest(w, "sources is required")
		return
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, src := range req.Sources {
		f := st.files[src.FileID]
		var code, msg string
		switch {
		case f == nil:
			code, msg = bimface.CodeFileNotFound, "file %d not found"
		case f.bean.Suffix != "rvt":
			code, msg = bimface.CodeFileTypeNotSupport, "file %d is not a Revit file"
		case f.tr == nil:
			code, msg = bimface.CodeFileHasNotTranslated, "file %d has not been translated"
		case !f.tr.done:
			code, msg = bimface.CodeFileIsTranslating, "file %d is being translated"
		case f.tr.tr.Status != bimface.StatusSuccess:
			code, msg = bimface.CodeFileTranslateFailed, "the translation of file %d failed"
		default:
			continue
		}
		writeError(w, http.StatusBadRequest, code, fmt.Sprintf(msg, src.FileID))
		return
	}
	prio := req.Priority
	if prio == 0 {
		prio = 2
	}
	j := &job{id: st.newID(), due: time.Now().Add(st.translateDelay), callback: req.Callback, req: req, created: time.Now()}
	j.in = bimface.Integration{IntegrateID: j.id, Name: req.Name, Priority: prio, Status: bimface.StatusProcessing, SourceID: req.SourceID, CreateTime: chinaNow()}
	st.integrations[j.id] = j
	s.startJob(j, func() notice {
		s.finishIntegration(j)
		return notice{j.callback, "integrateId", j.id, j.in.Status, j.in.Reason}
	})
	writeData(w, j.in)
}

// jobByQuery finds the job of jobs that the query parameter param names,
// answering 404 with code if there is none; st.mu is held.
func jobByQuery(w http.ResponseWriter, r *http.Request, jobs map[int64]*job, param, code, what string) *job {
	id, ok := queryID(w, r, param)
	if !ok {
		return nil
	}
	j := jobs[id]
	if j == nil {
		writeError(w, http.StatusNotFound, code, fmt.Sprintf("%s %d not found", what, id))
	}
	return j
}

func (s *Simulator) integrationByQuery(w http.ResponseWriter, r *http.Request) *job {
	return jobByQuery(w, r, s.store.integrations, "integrateId", bimface.CodeIntegrationNotFound, "integration")
}

func (s *Simulator) integrateStatus(w http.ResponseWriter, r *http.Request) {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	if j := s.integrationByQuery(w, r); j != nil {
		writeData(w, j.in)
	}
}

func (s *Simulator) integrateDelete(w http.ResponseWriter, r *http.Request) {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	if j := s.integrationByQuery(w, r); j != nil {
		delete(s.store.integrations, j.id)
		delete(s.store.targets, targetKey{dsl.TargetIntegration, strconv.FormatInt(j.id, 10)})
		writeData(w, "success")
	}
}

// databagReady checks that the job a databag is made of has succeeded;
// st.mu is held.
func (s *Simulator) databagReady(w http.ResponseWriter, typ dsl.TargetType, id int64) bool {
	st := s.store
	var code, msg string
	switch typ {
	case dsl.TargetFile:
		f := st.files[id]
		switch {
		case f == nil:
			code, msg = bimface.CodeFileNotFound, "file %d not found"
		case f.tr == nil:
			code, msg = bimface.CodeFileNotTranslated, "file %d has not been translated"
		case !f.tr.done:
			code, msg = bimface.CodeFileTranslating, "file %d is being translated"
		case f.tr.tr.Status != bimface.StatusSuccess:
			code, msg = bimface.CodeFileTranslateFailure, "the translation of file %d failed"
		default:
			return true
		}
	case dsl.TargetIntegration:
		j := st.integrations[id]
		if code, msg = jobNotReady(j, func() string { return j.in.Status }, "integration",
			bimface.CodeIntegrationNotFound, bimface.CodeIntegrationTranslating, bimface.CodeIntegrationTranslateFails); code == "" {
			return true
		}
	default:
		j := st.comparisons[id]
		if code, msg = jobNotReady(j, func() string { return j.cmp.Status }, "comparison",
			bimface.CodeCompareNotFound, bimface.CodeCompareNotFinished, bimface.CodeCompareFailed); code == "" {
			return true
		}
	}
	status := http.StatusBadRequest
	if strings.HasSuffix(code, ".not.found") {
		status = http.StatusNotFound
	}
	writeError(w, status, code, fmt.Sprintf(msg, id))
	return false
}

// jobNotReady is the error code and message format for a job that is
// missing, running or failed, or "" when it has succeeded; status reads
// its state.
func jobNotReady(j *job, status func() string, what, missing, running, failed string) (code, msg string) {
	switch {
	case j == nil:
		return missing, what + " %d not found"
	case !j.done:
		return running, what + " %d is in progress"
	case status() != bimface.StatusSuccess:
		return failed, what + " %d failed"
	}
	return "", ""
}

func (s *Simulator) databagCreate(w http.ResponseWriter, r *http.Request, typ dsl.TargetType) {
	id, ok := pathID(w, r, "id")
	if !ok || !validCallback(w, r.URL.Query().Get("callback")) {
		return
	}
	var body struct {
		Config map[string]string `json:"config"`
	}
	if r.ContentLength != 0 && !decodeBody(w, r, &body) {
		return
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	if !s.databagReady(w, typ, id) {
		return
	}
	key := targetKey{typ, strconv.FormatInt(id, 10)}
	d := &bimface.Databag{DatabagVersion: "3.1", Status: bimface.StatusProcessing, CreateTime: chinaNow(), Length: 1 << 20}
	switch typ {
	case dsl.TargetFile:
		d.FileID = id
	case dsl.TargetIntegration:
		d.IntegrateID = id
	case targetComparison:
		d.CompareID = id
	}
	st.databags[key] = d
	st.databagDue[key] = time.Now().Add(st.translateDelay)
	if st.translateDelay == 0 {
		d.Status = bimface.StatusSuccess
	}
	writeData(w, d)
}

func (s *Simulator) databagList(w http.ResponseWriter, r *http.Request, typ dsl.TargetType) {
	id, ok := pathID(w, r, "id")
	if !ok {
		return
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	if !s.databagReady(w, typ, id) {
		return
	}
	out := []bimface.Databag{}
	if d := st.databags[targetKey{typ, strconv.FormatInt(id, 10)}]; d != nil {
		out = append(out, *d)
	}
	writeData(w, out)
}

func (s *Simulator) databagURL(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var key targetKey
	for _, p := range []struct {
		name string
		typ  dsl.TargetType
	}{{"fileId", dsl.TargetFile}, {"integrateId", dsl.TargetIntegration}, {"compareId", targetComparison}} {
		if v := q.Get(p.name); v != "" {
			if key.id != "" {
				badRequest(w, "give one of fileId, integrateId and compareId")
				return
			}
			key = targetKey{p.typ, v}
		}
	}
	if key.id == "" {
		badRequest(w, "one of fileId, integrateId and compareId is required")
		return
	}
	if t := q.Get("type"); t != "" && t != "offline" {
		writeError(w, http.StatusNotFound, "databag.not.found", fmt.Sprintf("no %s databag", t))
		return
	}
	st := s.store
	st.mu.Lock()
	d := st.databags[key]
	st.mu.Unlock()
	switch {
	case d == nil:
		writeError(w, http.StatusNotFound, "databag.not.found", fmt.Sprintf("%s %s has no offline databag", key.typ, key.id))
	case d.Status != bimface.StatusSuccess:
		writeError(w, http.StatusBadRequest, "databag.not.ready", fmt.Sprintf("the offline databag of %s %s is %s", key.typ, key.id, d.Status))
	case q.Get("databagVersion") != "" && q.Get("databagVersion") != d.DatabagVersion:
		writeError(w, http.StatusNotFound, "databag.not.found", "no databag of version "+q.Get("databagVersion"))
	default:
		writeData(w, fmt.Sprintf("%sdatabags/%s-%s.zip", baseURL(r), key.typ, key.id))
	}
}

// shareKey reads the one of fileId and integrateId a share request
// names, and checks the target exists; st.mu is held.
func (s *Simulator) shareKey(w http.ResponseWriter, r *http.Request) (targetKey, bool) {
	q := r.URL.Query()
	f, i := q.Get("fileId"), q.Get("integrateId")
	if (f == "") == (i == "") {
		badRequest(w, "give one of fileId and integrateId")
		return targetKey{}, false
	}
	key := targetKey{dsl.TargetFile, f}
	if i != "" {
		key = targetKey{dsl.TargetIntegration, i}
	}
	if s.data.targets[key] == nil && s.store.targets[key] == nil {
		notFound(w, key)
		return key, false
	}
	return key, true
}

func (s *Simulator) shareCreate(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	key, ok := s.shareKey(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	tok := s.newToken("share")
	s.mu.Unlock()
	l := &bimface.ShareLink{AppKey: s.appKey, URL: baseURL(r) + "preview/" + tok, SourceName: key.id, SourceType: map[dsl.TargetType]string{dsl.TargetFile: "1", dsl.TargetIntegration: "2"}[key.typ]}
	l.SourceID = st.newID()
	if v := q.Get("activeHours"); v != "" {
		h, err := strconv.Atoi(v)
		if err != nil || h < 1 {
			badRequest(w, "activeHours %q: must be a positive number", v)
			return
		}
		l.ExpireTime = time.Now().Add(time.Duration(h) * time.Hour).In(chinaTime).Format("2006-01-02 15:04:05")
	}
	if v := q.Get("expireDate"); v != "" {
		if _, err := time.Parse("2006-01-02", v); err != nil {
			badRequest(w, "expireDate %q: must be yyyy-MM-dd", v)
			return
		}
		l.ExpireTime = v + " 00:00:00"
	}
	if q.Get("needPassword") == "true" {
		l.Password = tok[len(tok)-6:]
	}
	st.shares[key] = l
	writeData(w, l)
}

func (s *Simulator) shareGet(w http.ResponseWriter, r *http.Request) {
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	key, ok := s.shareKey(w, r)
	if !ok {
		return
	}
	if l := st.shares[key]; l != nil {
		writeData(w, l)
		return
	}
	writeError(w, http.StatusNotFound, "share.not.found", fmt.Sprintf("%s %s is not shared", key.typ, key.id))
}

func (s *Simulator) shareList(w http.ResponseWriter, r *http.Request) {
	st := s.store
	st.mu.Lock()
	out := []bimface.ShareLink{}
	for _, l := range st.shares {
		out = append(out, *l)
	}
	st.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].SourceID < out[j].SourceID })
	// A paged list, {"list": [...], "page": {...}}, pageNo from 1 and
	// pageSize (shared/seeds/README.md, "GET /shares").
	q := r.URL.Query()
	no, size := 1, 20
	for _, p := range []struct {
		name string
		v    *int
		max  int
	}{{"pageNo", &no, 1 << 30}, {"pageSize", &size, 1000}} {
		if v := q.Get(p.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > p.max {
				badRequest(w, "%s=%q: must be an integer from 1 to %d", p.name, v, p.max)
				return
			}
			*p.v = n
		}
	}
	from := min(len(out), (no-1)*size)
	to := min(len(out), from+size)
	type page struct {
		PageNo     int `json:"pageNo"`
		PageSize   int `json:"pageSize"`
		TotalCount int `json:"totalCount"`
		TotalPages int `json:"totalPages"`
	}
	writeData(w, struct {
		List []bimface.ShareLink `json:"list"`
		Page page                `json:"page"`
	}{out[from:to], page{no, size, len(out), (len(out) + size - 1) / size}})
}

func (s *Simulator) shareDelete(w http.ResponseWriter, r *http.Request) {
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	if key, ok := s.shareKey(w, r); ok {
		delete(st.shares, key)
		writeData(w, "success")
	}
}

func (s *Simulator) shareDeleteMany(w http.ResponseWriter, r *http.Request) {
	ids := map[int64]bool{}
	for _, v := range r.URL.Query()["sourceIds"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			badRequest(w, "sourceIds %q: must be numbers", v)
			return
		}
		ids[id] = true
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	for k, l := range st.shares {
		if ids[l.SourceID] {
			delete(st.shares, k)
		}
	}
	writeData(w, "success")
}

// startJob finishes a translation or an integration at once when there is
// no delay, sending its callback, and otherwise leaves it to the timer.
func (s *Simulator) startJob(j *job, finish func() notice) {
	if d := s.store.translateDelay; d > 0 {
		s.schedule(d)
		return
	}
	s.goCallback(finish())
}
