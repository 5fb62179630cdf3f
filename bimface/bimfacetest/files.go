package bimfacetest

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/dsl"
)

// maxFromURL bounds what an upload from a URL fetches.
const maxFromURL = 64 << 20

// support answers GET /support.
func (s *Simulator) support(w http.ResponseWriter, r *http.Request) {
	writeData(w, s.supported)
}

// checkName checks an upload's name and size as BIMFACE does.
func (s *Simulator) checkName(w http.ResponseWriter, name string, size int64) bool {
	if name == "" || len([]rune(name)) > 256 {
		badRequest(w, "name must have 1 to 256 characters")
		return false
	}
	sup := s.supported
	if !strings.Contains(","+strings.Join(sup.Types, ",")+",", ","+suffix(name)+",") {
		writeError(w, http.StatusBadRequest, "file.type.not.support", fmt.Sprintf("suffix %q is not supported", suffix(name)))
		return false
	}
	if size > sup.Length {
		writeError(w, http.StatusBadRequest, "file.size.exceed", fmt.Sprintf("%d bytes is over the limit of %d", size, sup.Length))
		return false
	}
	return true
}

// addFile stores a complete upload; st.mu is held.
func (s *Simulator) addFile(name, sourceID string, b *blob) *storedFile {
	st := s.store
	f := &storedFile{
		bean: bimface.File{
			FileID: st.newID(), Name: name, Status: bimface.StatusSuccess, Suffix: suffix(name),
			Length: b.size, CreateTime: chinaNow(), Etag: b.etag(),
		},
		blob: b, sourceID: sourceID, created: time.Now(),
	}
	st.files[f.bean.FileID] = f
	return f
}

// sourceIDTaken answers 400 if sourceID was used before; st.mu is held.
func (s *Simulator) sourceIDTaken(w http.ResponseWriter, sourceID string) bool {
	if sourceID == "" {
		return false
	}
	for _, f := range s.store.files {
		if f.sourceID == sourceID {
			badRequest(w, "sourceId %q is already used", sourceID)
			return true
		}
	}
	return false
}

// upload answers PUT /upload: a stream upload, or with url= an upload
// from a URL.
func (s *Simulator) upload(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	name, sourceID := q.Get("name"), q.Get("sourceId")
	var data *blob
	if src := q.Get("url"); src != "" {
		if data = s.fetch(w, r, src); data == nil {
			return
		}
	} else {
		if ct := r.Header.Get("Content-Type"); ct != "application/octet-stream" {
			badRequest(w, "Content-Type %q: must be application/octet-stream", ct)
			return
		}
		if r.ContentLength < 0 || r.Header.Get("Content-Length") == "" {
			writeError(w, http.StatusLengthRequired, CodeInvalidParameter, "Content-Length is required")
			return
		}
		if !s.checkName(w, name, r.ContentLength) {
			return
		}
		var err error
		if data, err = s.spool(w, r, r.Body, r.ContentLength); err != nil {
			badRequest(w, "reading the file: %v", err)
			return
		}
	}
	if !s.checkName(w, name, data.size) {
		os.Remove(data.path)
		return
	}
	s.keepFile(w, name, sourceID, data)
}

// keepFile stores an upload, unless its sourceID is taken.
func (s *Simulator) keepFile(w http.ResponseWriter, name, sourceID string, data *blob) {
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	if s.sourceIDTaken(w, sourceID) || s.full(w, len(st.files), "files") {
		os.Remove(data.path)
		return
	}
	writeData(w, s.addFile(name, sourceID, data).bean)
}

// fetch downloads src for an upload from a URL, with the outbound
// client: within the request's life and fetchTimeout, at most maxFromURL
// bytes, never from an internal address unless WithInternalURLs. It
// answers the request and returns nil if it fails.
func (s *Simulator) fetch(w http.ResponseWriter, r *http.Request, src string) *blob {
	if u, err := url.Parse(src); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		writeError(w, http.StatusBadRequest, bimface.CodeURLInvalid, fmt.Sprintf("url %q is not an http or https URL", src))
		return nil
	}
	req, err := http.NewRequestWithContext(r.Context(), http.MethodGet, src, nil)
	if err != nil {
		writeError(w, http.StatusBadRequest, bimface.CodeURLInvalid, fmt.Sprintf("url %q is not an http or https URL", src))
		return nil
	}
	resp, err := s.outbound.Do(req)
	if err != nil {
		writeError(w, http.StatusBadRequest, "file.download.failed", fetchError(err))
		return nil
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		writeError(w, http.StatusBadRequest, "file.download.failed", "fetching the url answered "+resp.Status)
		return nil
	}
	data, err := s.spool(w, r, resp.Body, maxFromURL)
	switch {
	case errors.Is(err, errTooLarge):
		writeError(w, http.StatusBadRequest, "file.size.exceed", fmt.Sprintf("the url's file is over the limit of %d bytes", int64(maxFromURL)))
		return nil
	case err != nil:
		writeError(w, http.StatusBadRequest, "file.download.failed", fetchError(err))
		return nil
	}
	return data
}

func (s *Simulator) fileByQuery(w http.ResponseWriter, id int64) *storedFile {
	s.store.mu.Lock()
	f := s.store.files[id]
	s.store.mu.Unlock()
	if f == nil {
		writeError(w, http.StatusNotFound, bimface.CodeFileNotFound, fmt.Sprintf("file %d not found", id))
	}
	return f
}

func (s *Simulator) fileInfo(w http.ResponseWriter, r *http.Request) {
	if id, ok := pathID(w, r, "id"); ok {
		if f := s.fileByQuery(w, id); f != nil {
			writeData(w, f.bean)
		}
	}
}

func (s *Simulator) metadata(w http.ResponseWriter, r *http.Request) {
	if id, ok := queryID(w, r, "fileId"); ok {
		if f := s.fileByQuery(w, id); f != nil {
			writeData(w, f.bean)
		}
	}
}

func (s *Simulator) uploadStatus(w http.ResponseWriter, r *http.Request) {
	if id, ok := pathID(w, r, "id"); ok {
		if f := s.fileByQuery(w, id); f != nil {
			writeData(w, bimface.UploadStatus{FileID: f.bean.FileID, Name: f.bean.Name, Status: f.bean.Status})
		}
	}
}

// listFiles answers GET /files with its filters and offset/rows paging.
func (s *Simulator) listFiles(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	offset, rows := int64(0), int64(100)
	for name, p := range map[string]*int64{"offset": &offset, "rows": &rows} {
		if v := q.Get(name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				badRequest(w, "%s %q: must be a non-negative number", name, v)
				return
			}
			*p = n
		}
	}
	if rows > 500 {
		badRequest(w, "rows %d: at most 500", rows)
		return
	}
	var start, end time.Time
	for name, p := range map[string]*time.Time{"startTime": &start, "endTime": &end} {
		if v := q.Get(name); v != "" {
			t, err := time.ParseInLocation("2006-01-02", v, chinaTime)
			if err != nil {
				badRequest(w, "%s %q: must be yyyy-MM-dd", name, v)
				return
			}
			*p = t
		}
	}
	s.store.mu.Lock()
	var list []bimface.File
	for _, f := range s.store.files {
		switch {
		case q.Get("status") != "" && f.bean.Status != q.Get("status"),
			q.Get("suffix") != "" && !strings.EqualFold(f.bean.Suffix, q.Get("suffix")),
			!start.IsZero() && f.created.Before(start),
			!end.IsZero() && !f.created.Before(end.AddDate(0, 0, 1)):
			continue
		}
		list = append(list, f.bean)
	}
	s.store.mu.Unlock()
	sort.Slice(list, func(i, j int) bool { return list[i].FileID < list[j].FileID })
	list = list[min(offset, int64(len(list))):]
	list = list[:min(rows, int64(len(list)))]
	if list == nil {
		list = []bimface.File{}
	}
	writeData(w, list)
}

func (s *Simulator) downloadURL(w http.ResponseWriter, r *http.Request) {
	id, ok := queryID(w, r, "fileId")
	if !ok {
		return
	}
	f := s.fileByQuery(w, id)
	if f == nil {
		return
	}
	name := r.URL.Query().Get("name")
	if name == "" {
		name = f.bean.Name
	}
	writeData(w, baseURL(r)+"download/"+strconv.FormatInt(id, 10)+"?name="+url.QueryEscape(name)+"&"+s.signedDownload(id))
}

// download serves a file's bytes to the holder of a URL downloadURL
// signed, for DownloadURLTTL.
func (s *Simulator) download(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "id")
	if !ok || !s.checkDownload(w, r, id) {
		return
	}
	f := s.fileByQuery(w, id)
	if f == nil {
		return
	}
	in, err := os.Open(f.blob.path)
	if err != nil {
		// Deleted since it was looked up.
		writeError(w, http.StatusNotFound, bimface.CodeFileNotFound, fmt.Sprintf("file %d not found", id))
		return
	}
	defer in.Close()
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": r.URL.Query().Get("name")}))
	w.Header().Set("Content-Length", strconv.FormatInt(f.blob.size, 10))
	tick := keepAlive(w, r)
	buf := make([]byte, 32<<10)
	for {
		k, err := in.Read(buf)
		if k > 0 {
			if _, werr := w.Write(buf[:k]); werr != nil {
				return
			}
			tick()
		}
		if err != nil {
			return
		}
	}
}

func (s *Simulator) deleteFile(w http.ResponseWriter, r *http.Request) {
	id, ok := queryID(w, r, "fileId")
	if !ok {
		return
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.files[id] == nil {
		writeError(w, http.StatusNotFound, bimface.CodeFileNotFound, fmt.Sprintf("file %d not found", id))
		return
	}
	os.Remove(st.files[id].blob.path)
	delete(st.files, id)
	st.forget(targetKey{dsl.TargetFile, strconv.FormatInt(id, 10)})
	// The append file the file was uploaded as goes with it, so that
	// deleting files makes room for append files too (WithMaxEntries).
	for aid, af := range st.appends {
		if af.bean.File != nil && af.bean.File.FileID == id {
			delete(st.appends, aid)
		}
	}
	writeData(w, "success")
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

// suffix is a file name's lower-case suffix without the dot.
func suffix(name string) string { return strings.ToLower(strings.TrimPrefix(path.Ext(name), ".")) }
