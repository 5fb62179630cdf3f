package bimface_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/bimface"
)

const (
	testAppKey    = "app-key-1"
	testAppSecret = "app-secret-Zq9"
)

var chinaTime = time.FixedZone("UTC+8", 8*60*60)

// fixture is a loopback BIMFACE: a mux with a token endpoint that hands
// out tok-1, tok-2... and counts its calls.
type fixture struct {
	t      *testing.T
	mux    *http.ServeMux
	server *httptest.Server

	tokenCalls atomic.Int32
	// tokenLife is how long handed-out tokens live, from now.
	tokenLife atomic.Int64
	// tokenDelay slows the token endpoint down.
	tokenDelay atomic.Int64
	// contexts counts the pagination contexts handed out, pctx-1, pctx-2…
	contexts atomic.Int32
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{t: t, mux: http.NewServeMux()}
	f.tokenLife.Store(int64(7 * 24 * time.Hour))
	f.mux.HandleFunc("POST /oauth2/token", func(w http.ResponseWriter, r *http.Request) {
		want := "Basic " + base64.StdEncoding.EncodeToString([]byte(testAppKey+":"+testAppSecret))
		if r.Header.Get("Authorization") != want {
			writeError(w, http.StatusUnauthorized, "authentication.failed", "bad app key or secret")
			return
		}
		n := f.tokenCalls.Add(1)
		time.Sleep(time.Duration(f.tokenDelay.Load()))
		exp := time.Now().Add(time.Duration(f.tokenLife.Load())).In(chinaTime)
		writeData(w, map[string]string{
			"token":      fmt.Sprintf("tok-%d", n),
			"expireTime": exp.Format("2006-01-02 15:04:05"),
		})
	})
	f.mux.HandleFunc("GET /data/v2/query/paginationContextId", func(w http.ResponseWriter, r *http.Request) {
		writeData(w, fmt.Sprintf("pctx-%d", f.contexts.Add(1)))
	})
	f.server = httptest.NewServer(f.mux)
	t.Cleanup(f.server.Close)
	return f
}

// withoutPaging returns a request's query string without the paging
// parameters every ID list is read with, failing the test if they are
// missing.
func withoutPaging(t *testing.T, rawQuery string) string {
	t.Helper()
	q, err := url.ParseQuery(rawQuery)
	require.NoError(t, err)
	require.NotEmpty(t, q.Get("paginationContextId"), "paginationContextId in %q", rawQuery)
	require.NotEmpty(t, q.Get("paginationSize"), "paginationSize in %q", rawQuery)
	q.Del("paginationContextId")
	q.Del("paginationSize")
	return q.Encode()
}

// client returns a client for the fixture with fast retries.
func (f *fixture) client(opts ...bimface.Option) *bimface.Client {
	f.t.Helper()
	base := []bimface.Option{
		bimface.WithEndpoint(f.server.URL),
		bimface.WithCredentials(testAppKey, testAppSecret),
		bimface.WithRetry(bimface.RetryPolicy{MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, MaxElapsed: 5 * time.Second}),
	}
	c, err := bimface.NewClient(append(base, opts...)...)
	require.NoError(f.t, err)
	return c
}

// bearer reports whether r carries the given access token, answering 401
// authentication.failed if not.
func bearer(w http.ResponseWriter, r *http.Request, tok string) bool {
	if r.Header.Get("Authorization") != "Bearer "+tok {
		writeError(w, http.StatusUnauthorized, "authentication.failed", "Token was not recognized.")
		return false
	}
	return true
}

func writeData(w http.ResponseWriter, data any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"code": "success", "message": "", "data": data})
}

func writeRaw(w http.ResponseWriter, data string) {
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, `{"code":"success","message":"","data":`+data+`}`)
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"code": code, "message": msg})
}

func readBody(t *testing.T, r *http.Request) string {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Errorf("reading request body: %v", err)
	}
	return string(b)
}

func ids(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = prefix + strconv.Itoa(i)
	}
	return out
}
