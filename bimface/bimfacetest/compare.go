package bimfacetest

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/dsl"
)

// targetComparison is the target type of comparisons, for databags and
// view tokens.
const targetComparison dsl.TargetType = "comparison"

// compare answers POST /v2/compare: both versions must exist and have
// been translated (or integrated) well; the comparison then ends after
// the translate delay, successfully.
func (s *Simulator) compare(w http.ResponseWriter, r *http.Request) {
	var req bimface.CompareRequest
	if !decodeBody(w, r, &req) || !validCallback(w, req.Callback) || !validPriority(w, req.Priority) {
		return
	}
	typ := dsl.TargetType(req.ComparedEntityType)
	switch typ {
	case "":
		typ = dsl.TargetFile
	case dsl.TargetFile, dsl.TargetIntegration:
	default:
		badRequest(w, "comparedEntityType %q: must be file or integration", req.ComparedEntityType)
		return
	}
	if req.PreviousID == 0 && req.FollowingID == 0 {
		badRequest(w, "previousId or followingId is required")
		return
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, id := range []int64{req.PreviousID, req.FollowingID} {
		if id != 0 && !s.comparable(typ, id) {
			writeError(w, http.StatusNotFound, bimface.CodeFileNotFound, fmt.Sprintf("%s %d not found, or not translated", typ, id))
			return
		}
	}
	if s.full(w, len(st.comparisons), "comparisons") {
		return
	}
	prio := req.Priority
	if prio == 0 {
		prio = 2
	}
	j := &job{id: st.newID(), due: time.Now().Add(s.translateDelay), callback: req.Callback, created: time.Now()}
	j.cmp = bimface.Comparison{CompareID: j.id, Name: req.Name, Priority: prio, Status: bimface.StatusProcessing, SourceID: req.SourceID, CreateTime: chinaNow()}
	st.comparisons[j.id] = j
	s.startJob(j, func() notice {
		s.finishComparison(j)
		return notice{j.callback, "compareId", j.id, j.cmp.Status, j.cmp.Reason}
	})
	writeData(w, j.cmp)
}

// comparable reports whether a file or integration can be compared: it
// was translated or integrated well, or it is one of Data's; st.mu is
// held.
func (s *Simulator) comparable(typ dsl.TargetType, id int64) bool {
	st := s.store
	switch typ {
	case dsl.TargetFile:
		if f := st.files[id]; f != nil {
			return f.tr != nil && f.tr.done && f.tr.tr.Status == bimface.StatusSuccess
		}
	case dsl.TargetIntegration:
		if j := st.integrations[id]; j != nil {
			return j.done && j.in.Status == bimface.StatusSuccess
		}
	}
	return s.data.targets[targetKey{typ, fmt.Sprint(id)}] != nil
}

// finishComparison ends a comparison; st.mu is held.
func (s *Simulator) finishComparison(j *job) {
	j.done = true
	j.cmp.Status = bimface.StatusSuccess
	j.cmp.Thumbnail = []string{fmt.Sprintf("https://m.bimface.com/%032x/thumbnail/96.png", j.id)}
}

func (s *Simulator) comparisonByQuery(w http.ResponseWriter, r *http.Request) *job {
	return jobByQuery(w, r, s.store.comparisons, "compareId", bimface.CodeCompareNotFound, "comparison")
}

func (s *Simulator) compareStatus(w http.ResponseWriter, r *http.Request) {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	if j := s.comparisonByQuery(w, r); j != nil {
		writeData(w, j.cmp)
	}
}

func (s *Simulator) compareDelete(w http.ResponseWriter, r *http.Request) {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	if j := s.comparisonByQuery(w, r); j != nil {
		delete(s.store.comparisons, j.id)
		s.store.forget(targetKey{targetComparison, strconv.FormatInt(j.id, 10)})
		writeData(w, "success")
	}
}
