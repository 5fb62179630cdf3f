package bimfacetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"testing/fstest"
	"time"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
)

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
	if s.full(w, len(st.integrations), "integrations") {
		return
	}
	prio := req.Priority
	if prio == 0 {
		prio = 2
	}
	j := &job{id: st.newID(), due: time.Now().Add(s.translateDelay), callback: req.Callback, req: req, created: time.Now()}
	j.in = bimface.Integration{IntegrateID: j.id, Name: req.Name, Priority: prio, Status: bimface.StatusProcessing, SourceID: req.SourceID, CreateTime: chinaNow()}
	st.integrations[j.id] = j
	s.startJob(j, func() notice {
		s.finishIntegration(j)
		return notice{j.callback, "integrateId", j.id, j.in.Status, j.in.Reason}
	})
	writeData(w, j.in)
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
		s.store.forget(targetKey{dsl.TargetIntegration, strconv.FormatInt(j.id, 10)})
		writeData(w, "success")
	}
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
