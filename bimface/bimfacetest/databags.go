package bimfacetest

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/dsl"
)

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
	if st.databags[key] == nil && s.full(w, len(st.databags), "offline databags") {
		return
	}
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
	st.databagDue[key] = time.Now().Add(s.translateDelay)
	if s.translateDelay == 0 {
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
