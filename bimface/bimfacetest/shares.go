package bimfacetest

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/dsl"
)

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
	if !ok || (st.shares[key] == nil && s.full(w, len(st.shares), "share links")) {
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
