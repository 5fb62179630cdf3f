package bimfacetest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/bfquery/bfquery/bimface"
)

func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/"
}

func chinaNow() string { return time.Now().In(chinaTime).Format("2006-01-02 15:04:05") }

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

// maxBody bounds request bodies: a DSL or a batch of 1000 IDs is small.
const maxBody = 8 << 20

func readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		writeError(w, http.StatusBadRequest, CodeInvalidParameter, "reading the request body: "+err.Error())
		return nil, false
	}
	return b, true
}

func badRequest(w http.ResponseWriter, format string, args ...any) {
	writeError(w, http.StatusBadRequest, CodeInvalidParameter, fmt.Sprintf(format, args...))
}

func notFound(w http.ResponseWriter, key targetKey) {
	writeError(w, http.StatusNotFound, bimface.CodeFileNotFound, fmt.Sprintf("%s %s not found", key.typ, key.id))
}

// checkBools accepts the query's boolean options as BIMFACE does: true,
// false or absent. Overrides and visibility are not in a cache, so they
// change nothing.
func checkBools(w http.ResponseWriter, r *http.Request, names ...string) bool {
	for _, n := range names {
		if v := r.URL.Query().Get(n); v != "" && v != "true" && v != "false" {
			badRequest(w, "%s=%q: must be true or false", n, v)
			return false
		}
	}
	return true
}

// CodeInvalidParameter is BIMFACE's code for a request it cannot read,
// such as an invalid DSL.
const CodeInvalidParameter = "input.parameter.error"

// CodeQuotaExceeded is the code of the answer to a request that would
// store more than the simulator keeps (WithMaxEntries). The documents
// name no code for a full account, so the simulator has its own, in
// BIMFACE's envelope, with status 400 so that clients do not retry.
const CodeQuotaExceeded = "quota.exceeded"

// chinaTime is the zone of expireTime in token answers.
var chinaTime = time.FixedZone("CST", 8*60*60)

// writeData writes a success envelope around data.
func writeData(w http.ResponseWriter, data any) {
	b, err := json.Marshal(data)
	if err != nil {
		writeError(w, http.StatusInternalServerError, bimface.CodeSystemError, err.Error())
		return
	}
	writeRaw(w, b)
}

// writeRaw writes a success envelope around data, already JSON.
func writeRaw(w http.ResponseWriter, data []byte) {
	const head, tail = `{"code":"success","data":`, `,"message":""}`
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(head)+len(data)+len(tail)))
	bw := bufio.NewWriterSize(w, 32<<10)
	bw.WriteString(head)
	bw.Write(data)
	bw.WriteString(tail)
	bw.Flush()
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	b, _ := json.Marshal(struct {
		Code    string  `json:"code"`
		Data    *string `json:"data"`
		Message string  `json:"message"`
	}{code, nil, msg})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}
