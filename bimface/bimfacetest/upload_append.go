package bimfacetest

import (
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"os"
	"strconv"

	"github.com/bfquery/bfquery/bimface"
)

// appendUploading is the state of an append file whose bytes have not
// all arrived; it becomes bimface.StatusSuccess when they have.
const appendUploading = "uploading"

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
	if s.sourceIDTaken(w, q.Get("sourceId")) || s.full(w, len(st.appends), "append files") || (n == 0 && s.full(w, len(st.files), "files")) {
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
		// With no room for the file, the bytes are kept: the same
		// request, with no body, completes it once there is.
		if s.full(w, len(st.files), "files") {
			return
		}
		out.Close() // before the file is readable as an upload
		s.completeAppend(af)
	}
	writeData(w, af.bean)
}
