package bimfacetest

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/dsl"
)

// bucket is the simulated object storage's bucket, served under /oss/.
const bucket = "bf-sim-srcfile"

// maxFromURL bounds what an upload from a URL fetches.
const maxFromURL = 64 << 20

// appendUploading is the state of an append file whose bytes have not
// all arrived; it becomes bimface.StatusSuccess when they have.
const appendUploading = "uploading"

// formSlack is what a policy upload's form may hold beside the file.
const formSlack = 1 << 20

func (s *Simulator) fileRoutes(m *http.ServeMux) {
	a := s.accessOnly
	m.HandleFunc("PUT /upload", a(s.upload))
	m.HandleFunc("GET /upload/policy", a(s.uploadPolicy))
	m.HandleFunc("POST /oss/"+bucket+"/", s.ossPost)
	m.HandleFunc("POST /appendFiles", a(s.createAppend))
	m.HandleFunc("GET /appendFiles/{id}", a(s.getAppend))
	m.HandleFunc("POST /appendFiles/{id}/data", a(s.appendData))
	m.HandleFunc("GET /files/{id}", a(s.fileInfo))
	m.HandleFunc("GET /metadata", a(s.metadata))
	m.HandleFunc("GET /files", a(s.listFiles))
	m.HandleFunc("GET /files/{id}/uploadStatus", a(s.uploadStatus))
	m.HandleFunc("GET /support", a(func(w http.ResponseWriter, r *http.Request) { writeData(w, s.store.support) }))
	m.HandleFunc("GET /download/url", a(s.downloadURL))
	m.HandleFunc("GET /download/{id}", s.download)
	m.HandleFunc("DELETE /file", a(s.deleteFile))
}

// accessOnly wraps an endpoint that, like all of the file server's and
// the jobs', takes an access token and never a view token.
func (s *Simulator) accessOnly(h http.HandlerFunc) http.HandlerFunc {
	return s.auth(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("view_token") != "" {
			writeError(w, http.StatusUnauthorized, bimface.CodeAuthenticationFailed, "this endpoint takes an access token, not a view token")
			return
		}
		h(w, r)
	})
}

func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/"
}

func chinaNow() string { return time.Now().In(chinaTime).Format("2006-01-02 15:04:05") }

// checkName checks an upload's name and size as BIMFACE does.
func (s *Simulator) checkName(w http.ResponseWriter, name string, size int64) bool {
	if name == "" || len([]rune(name)) > 256 {
		badRequest(w, "name must have 1 to 256 characters")
		return false
	}
	sup := s.store.support
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
	if s.sourceIDTaken(w, sourceID) {
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

// policyDoc is what the simulator's policies say; it signs them with the
// app secret.
type policyDoc struct {
	Expiration string `json:"expiration"`
	Key        string `json:"key"`
	MaxLength  int64  `json:"maxLength"`
}

func (s *Simulator) sign(policy string) string {
	h := hmac.New(sha1.New, []byte(s.appSecret))
	h.Write([]byte(policy))
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// uploadPolicy answers GET /upload/policy?name=.
func (s *Simulator) uploadPolicy(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	name := q.Get("name")
	if !s.checkName(w, name, 0) {
		return
	}
	s.mu.Lock()
	key := strings.ReplaceAll(s.newToken("obj"), "-", "")
	s.mu.Unlock()
	exp := time.Now().Add(time.Hour)
	doc, _ := json.Marshal(policyDoc{Expiration: exp.UTC().Format(time.RFC3339), Key: key, MaxLength: s.store.support.Length})
	policy := base64.StdEncoding.EncodeToString(doc)
	cb, _ := json.Marshal(map[string]string{"callbackUrl": baseURL(r) + "oss/receive", "callbackBody": "object=${object}&size=${size}&name=" + url.QueryEscape(name)})
	s.store.mu.Lock()
	s.store.policies[key] = policyGrant{name: name, sourceID: q.Get("sourceId"), policy: policy, expire: exp}
	s.store.mu.Unlock()
	writeData(w, bimface.UploadPolicy{
		Host: baseURL(r) + "oss/" + bucket, ObjectKey: key, Policy: policy, AccessID: "sim-" + bucket,
		Signature: s.sign(policy), CallbackBody: base64.StdEncoding.EncodeToString(cb), Expire: exp.Unix(), SourceID: q.Get("sourceId"),
	})
}

// ossPost answers the form POST of a policy upload, as object storage
// does with BIMFACE's callback: the new file's FileBean. The form's file
// comes last (object storage ignores fields after it), so the policy and
// its signature are checked before a byte of the file is read, and the
// file streams to disk within the policy's limit.
func (s *Simulator) ossPost(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "" {
		writeError(w, http.StatusBadRequest, "InvalidArgument", "object storage takes the policy's signature, not an Authorization header")
		return
	}
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		writeError(w, http.StatusBadRequest, "InvalidArgument", "the body must be multipart/form-data")
		return
	}
	limit := s.store.support.Length
	tooLarge := func() {
		writeError(w, http.StatusBadRequest, "EntityTooLarge", fmt.Sprintf("the file is over the policy's limit of %d bytes", limit))
	}
	if r.ContentLength > limit+formSlack {
		tooLarge()
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit+formSlack)
	mr := multipart.NewReader(r.Body, params["boundary"])
	fields := map[string]string{}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			writeError(w, http.StatusBadRequest, "InvalidArgument", "form field file is missing")
			return
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				tooLarge()
				return
			}
			writeError(w, http.StatusBadRequest, "InvalidArgument", "reading the form: "+err.Error())
			return
		}
		if p.FormName() != "file" {
			b, _ := io.ReadAll(io.LimitReader(p, 64<<10))
			fields[p.FormName()] = string(b)
			continue
		}
		g, ok := s.checkPolicy(w, fields)
		if !ok {
			return
		}
		data, err := s.spool(w, r, p, limit)
		var mbe *http.MaxBytesError
		switch {
		case errors.Is(err, errTooLarge), errors.As(err, &mbe):
			tooLarge()
			return
		case err != nil:
			writeError(w, http.StatusBadRequest, "InvalidArgument", "reading the file: "+err.Error())
			return
		}
		if !s.checkName(w, g.name, data.size) {
			os.Remove(data.path)
			return
		}
		st := s.store
		st.mu.Lock()
		_, unused := st.policies[fields["key"]]
		delete(st.policies, fields["key"])
		st.mu.Unlock()
		if !unused {
			os.Remove(data.path)
			writeError(w, http.StatusForbidden, "AccessDenied", "the policy has been used")
			return
		}
		s.keepFile(w, g.name, g.sourceID, data)
		return
	}
}

// checkPolicy checks the fields of a policy upload that come before its
// file: all there, a policy this server handed out, signed, not expired,
// for a name and sourceId still valid.
func (s *Simulator) checkPolicy(w http.ResponseWriter, fields map[string]string) (policyGrant, bool) {
	for _, k := range []string{"name", "key", "policy", "OSSAccessKeyId", "callback", "signature", "success_action_status"} {
		if _, ok := fields[k]; !ok {
			writeError(w, http.StatusBadRequest, "InvalidArgument", "form field "+k+" is missing")
			return policyGrant{}, false
		}
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	g, ok := st.policies[fields["key"]]
	if !ok || g.policy != fields["policy"] || !hmac.Equal([]byte(fields["signature"]), []byte(s.sign(fields["policy"]))) || fields["OSSAccessKeyId"] != "sim-"+bucket {
		writeError(w, http.StatusForbidden, "SignatureDoesNotMatch", "the policy or its signature is not valid")
		return g, false
	}
	if time.Now().After(g.expire) {
		writeError(w, http.StatusForbidden, "AccessDenied", "the policy has expired")
		return g, false
	}
	if !s.checkName(w, g.name, 0) || s.sourceIDTaken(w, g.sourceID) {
		return g, false
	}
	return g, true
}

func pathID(w http.ResponseWriter, r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil {
		badRequest(w, "%s %q: must be a number", name, r.PathValue(name))
		return 0, false
	}
	return id, true
}

func queryID(w http.ResponseWriter, r *http.Request, name string) (int64, bool) {
	v := r.URL.Query().Get(name)
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		badRequest(w, "%s %q: must be a number", name, v)
		return 0, false
	}
	return id, true
}

// createAppend answers POST /appendFiles?length=&name=.
func (s *Simulator) createAppend(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	n, err := strconv.ParseInt(q.Get("length"), 10, 64)
	if err != nil || n < 0 {
		badRequest(w, "length %q: must be a number of bytes", q.Get("length"))
		return
	}
	if !s.checkName(w, q.Get("name"), n) {
		return
	}
	f, err := s.spoolFile()
	if err != nil {
		writeError(w, http.StatusInternalServerError, bimface.CodeSystemError, "storing the file: "+err.Error())
		return
	}
	f.Close()
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	if s.sourceIDTaken(w, q.Get("sourceId")) {
		os.Remove(f.Name())
		return
	}
	af := &appendFile{src: q.Get("sourceId"), path: f.Name(), hash: fnv.New32a(), bean: bimface.AppendFile{
		AppendFileID: st.newID(), Name: q.Get("name"), Length: n, Status: appendUploading, CreateTime: chinaNow(),
	}}
	st.appends[af.bean.AppendFileID] = af
	if n == 0 {
		s.completeAppend(af)
	}
	writeData(w, af.bean)
}

// completeAppend turns a complete append file into a file; st.mu is held.
func (s *Simulator) completeAppend(af *appendFile) {
	f := s.addFile(af.bean.Name, af.src, &blob{path: af.path, size: af.bean.Position, sum: af.hash.Sum32()})
	af.bean.Status = bimface.StatusSuccess
	af.bean.File = &f.bean
}

func (s *Simulator) appendByID(w http.ResponseWriter, r *http.Request) *appendFile {
	id, ok := pathID(w, r, "id")
	if !ok {
		return nil
	}
	s.store.mu.Lock()
	af := s.store.appends[id]
	s.store.mu.Unlock()
	if af == nil {
		writeError(w, http.StatusNotFound, bimface.CodeFileNotFound, fmt.Sprintf("append file %d not found", id))
	}
	return af
}

// getAppend answers GET /appendFiles/{id}. It waits for a data request
// in progress on the same file, so that the position it gives is final.
func (s *Simulator) getAppend(w http.ResponseWriter, r *http.Request) {
	af := s.appendByID(w, r)
	if af == nil {
		return
	}
	af.mu.Lock()
	defer af.mu.Unlock()
	s.store.mu.Lock()
	bean := af.bean
	s.store.mu.Unlock()
	writeData(w, bean)
}

// appendData answers POST /appendFiles/{id}/data?position=: it writes
// the body from position on, keeping what arrives even if the upload is
// cut short.
func (s *Simulator) appendData(w http.ResponseWriter, r *http.Request) {
	af := s.appendByID(w, r)
	if af == nil {
		return
	}
	af.mu.Lock()
	defer af.mu.Unlock()
	pos := int64(0)
	if v := r.URL.Query().Get("position"); v != "" {
		var err error
		if pos, err = strconv.ParseInt(v, 10, 64); err != nil {
			badRequest(w, "position %q: must be a number", v)
			return
		}
	}
	st := s.store
	st.mu.Lock()
	cur, length := af.bean.Position, af.bean.Length
	st.mu.Unlock()
	if pos != cur {
		badRequest(w, "position %d: the append file has %d bytes; append from there", pos, cur)
		return
	}
	s.mu.Lock()
	cut := s.faults.CutUploadAfter
	s.mu.Unlock()
	out, err := os.OpenFile(af.path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		writeError(w, http.StatusInternalServerError, bimface.CodeSystemError, "storing the file: "+err.Error())
		return
	}
	defer out.Close()
	tick := keepAlive(w, r)
	buf := make([]byte, 32<<10)
	var got int64
	for {
		if cut > 0 && got >= cut {
			// The connection fails mid-body: keep what arrived.
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				conn.Close()
			}
			return
		}
		chunk := buf
		if cut > 0 && int64(len(chunk)) > cut-got {
			chunk = chunk[:cut-got]
		}
		k, err := r.Body.Read(chunk)
		if k > 0 {
			st.mu.Lock()
			st.received += int64(k)
			if af.bean.Position+int64(k) > length {
				st.mu.Unlock()
				badRequest(w, "the data goes past the file's length of %d bytes", length)
				return
			}
			st.mu.Unlock()
			if _, err := out.Write(chunk[:k]); err != nil {
				out.Truncate(af.bean.Position) // the next append starts clean
				writeError(w, http.StatusInternalServerError, bimface.CodeSystemError, "storing the file: "+err.Error())
				return
			}
			af.hash.Write(chunk[:k])
			st.mu.Lock()
			af.bean.Position += int64(k)
			st.mu.Unlock()
			got += int64(k)
			tick()
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return // the client went away; what arrived is kept
		}
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if af.bean.Position == length && af.bean.File == nil {
		out.Close() // before the file is readable as an upload
		s.completeAppend(af)
	}
	writeData(w, af.bean)
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
	delete(st.targets, targetKey{dsl.TargetFile, strconv.FormatInt(id, 10)})
	writeData(w, "success")
}
