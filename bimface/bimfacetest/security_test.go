package bimfacetest_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/bimface/bimfacetest"
	"github.com/bfquery/bfquery/internal/demo"
)

// clock is a time that tests move.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// do sends a request with an optional access token and returns the
// status and the body.
func do(t *testing.T, method, u, tok string, body io.Reader, header map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, body)
	require.NoError(t, err)
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

// token asks the server for an access token.
func token(t *testing.T, s *bimfacetest.Server) string {
	t.Helper()
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(bimfacetest.AppKey+":"+bimfacetest.AppSecret))
	status, body := do(t, "POST", s.URL+"/oauth2/token", "", nil, map[string]string{"Authorization": basic})
	require.Equal(t, http.StatusOK, status, body)
	var env struct{ Data bimface.AccessToken }
	require.NoError(t, json.Unmarshal([]byte(body), &env))
	return env.Data.Token
}

// errBody is the body of an error answer.
func errBody(code, msg string) string {
	b, _ := json.Marshal(map[string]any{"code": code, "data": nil, "message": msg})
	return string(b)
}

func uploadSmall(t *testing.T, s *bimfacetest.Server, name, content string) int64 {
	t.Helper()
	f, err := s.Client().SourceFiles.Upload(context.Background(), name, strings.NewReader(content), int64(len(content)), nil)
	require.NoError(t, err)
	return f.FileID
}

// TestDownloadURLSigned: a download URL works for the file it was made
// for, for five minutes, and a URL the server did not sign, or one
// changed, does not.
func TestDownloadURLSigned(t *testing.T) {
	clk := newClock()
	s := bimfacetest.NewServer(t, demoModel(t), bimfacetest.WithClock(clk.Now))
	ctx := context.Background()
	a := uploadSmall(t, s, "a.rvt", "content of a")
	b := uploadSmall(t, s, "b.rvt", "content of b")
	u, err := s.Client().SourceFiles.DownloadURL(ctx, a, "")
	require.NoError(t, err)
	require.Regexp(t, `^`+regexp.QuoteMeta(s.URL+"/download/"+strconv.FormatInt(a, 10)+"?name=a.rvt&expires=")+`\d+&signature=[\w-]{43}$`, u)
	status, body := do(t, "GET", u, "", nil, nil)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, "content of a", body)

	parsed, err := url.Parse(u)
	require.NoError(t, err)
	q := parsed.Query()
	with := func(path string, set map[string]string) string {
		v := url.Values{}
		for k := range q {
			v.Set(k, q.Get(k))
		}
		for k, x := range set {
			if x == "" {
				v.Del(k)
			} else {
				v.Set(k, x)
			}
		}
		return s.URL + path + "?" + v.Encode()
	}
	other := bimfacetest.NewServer(t, demoModel(t))
	otherID := uploadSmall(t, other, "a.rvt", "content of a")
	require.Equal(t, a, otherID) // sequential IDs: the same on both servers
	otherURL, err := other.Client().SourceFiles.DownloadURL(ctx, otherID, "")
	require.NoError(t, err)
	notSigned := errBody("AccessDenied", "the download URL is not signed by this server")
	exp, _ := strconv.ParseInt(q.Get("expires"), 10, 64)
	for _, tc := range []struct {
		name string
		url  string
	}{
		{"no signature", s.URL + "/download/" + strconv.FormatInt(a, 10) + "?name=a.rvt"},
		{"another file", with("/download/"+strconv.FormatInt(b, 10), nil)},
		{"later expiry", with(parsed.Path, map[string]string{"expires": strconv.FormatInt(exp+3600, 10)})},
		{"bad signature", with(parsed.Path, map[string]string{"signature": strings.Repeat("A", 43)})},
		{"not base64", with(parsed.Path, map[string]string{"signature": "!!"})},
		{"no expiry", with(parsed.Path, map[string]string{"expires": ""})},
		{"another server's", s.URL + strings.TrimPrefix(otherURL, other.URL)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := do(t, "GET", tc.url, "", nil, nil)
			require.Equal(t, http.StatusForbidden, status)
			require.Equal(t, notSigned, body)
		})
	}

	clk.Add(bimfacetest.DownloadURLTTL - time.Second)
	status, body = do(t, "GET", u, "", nil, nil)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, "content of a", body)
	clk.Add(time.Second)
	status, body = do(t, "GET", u, "", nil, nil)
	require.Equal(t, http.StatusForbidden, status)
	require.Equal(t, errBody("AccessDenied", "the download URL has expired"), body)
}

// policyForm is a direct upload: the form fields of a policy, then the
// file, its bytes streamed from file.
type policyForm struct {
	fields map[string]string
	file   io.Reader
}

// policy asks for an upload policy and returns the form fields that
// upload with it.
func policy(t *testing.T, s *bimfacetest.Server, tok, name string) map[string]string {
	t.Helper()
	status, body := do(t, "GET", s.URL+"/upload/policy?name="+url.QueryEscape(name), tok, nil, nil)
	require.Equal(t, http.StatusOK, status, body)
	var env struct{ Data bimface.UploadPolicy }
	require.NoError(t, json.Unmarshal([]byte(body), &env))
	p := env.Data
	return map[string]string{
		"name": name, "key": p.ObjectKey, "policy": p.Policy, "OSSAccessKeyId": p.AccessID,
		"callback": p.CallbackBody, "signature": p.Signature, "success_action_status": "200",
	}
}

// post sends a policy form; the body streams, and the call returns as
// soon as the answer arrives, even if the server never read the file.
// contentLength, if not 0, is announced instead of the real length.
func (f policyForm) post(t *testing.T, s *bimfacetest.Server, contentLength int64) (int, string) {
	t.Helper()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		for _, k := range []string{"name", "key", "policy", "OSSAccessKeyId", "callback", "signature", "success_action_status"} {
			if v, ok := f.fields[k]; ok {
				mw.WriteField(k, v)
			}
		}
		part, err := mw.CreateFormFile("file", "upload")
		if err == nil {
			_, err = io.Copy(part, f.file)
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, err := http.NewRequest("POST", s.URL+"/oss/bf-sim-srcfile/", pr)
	require.NoError(t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if contentLength != 0 {
		req.ContentLength = contentLength
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	pr.CloseWithError(io.ErrClosedPipe) // stop the writer if the server left the file unread
	return resp.StatusCode, string(b)
}

// stall is a file that sends head and then nothing for 15 seconds, or
// until the test ends: a server that waits for the whole file before
// answering does not answer in time.
type stall struct {
	head []byte
	done chan struct{}
}

func newStall(t *testing.T, head int) *stall {
	r := &stall{head: make([]byte, head), done: make(chan struct{})}
	t.Cleanup(func() { close(r.done) })
	return r
}

func (r *stall) Read(p []byte) (int, error) {
	if len(r.head) > 0 {
		n := copy(p, r.head)
		r.head = r.head[n:]
		return n, nil
	}
	select {
	case <-r.done:
	case <-time.After(15 * time.Second):
	}
	return 0, io.ErrUnexpectedEOF
}

// TestDirectUploadPolicyFirst: a direct upload whose policy is not valid
// is refused before a byte of its file is read.
func TestDirectUploadPolicyFirst(t *testing.T) {
	s := bimfacetest.NewServer(t, demoModel(t))
	tok := token(t, s)
	good := policy(t, s, tok, "plan.dwg")
	set := func(k, v string) map[string]string {
		f := map[string]string{}
		for k, v := range good {
			f[k] = v
		}
		if v == "" {
			delete(f, k)
		} else {
			f[k] = v
		}
		return f
	}
	badSig := errBody("SignatureDoesNotMatch", "the policy or its signature is not valid")
	for _, tc := range []struct {
		name   string
		fields map[string]string
		status int
		body   string
	}{
		{"bad signature", set("signature", base64.StdEncoding.EncodeToString(make([]byte, 20))), 403, badSig},
		{"unknown key", set("key", "obj0000"), 403, badSig},
		{"another policy", set("policy", base64.StdEncoding.EncodeToString([]byte(`{"key":"x"}`))), 403, badSig},
		{"missing signature", set("signature", ""), 400, errBody("InvalidArgument", "form field signature is missing")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := s.UploadedBytes()
			// 1 MiB, then nothing for a while: only an answer that does
			// not wait for the file comes in time.
			f := policyForm{tc.fields, newStall(t, 1<<20)}
			status, body := f.post(t, s, 0)
			require.Equal(t, tc.status, status)
			require.Equal(t, tc.body, body)
			require.Equal(t, before, s.UploadedBytes(), "file bytes read")
		})
	}
	// The policy is still good for an upload.
	status, body := policyForm{good, strings.NewReader("a small dwg")}.post(t, s, 0)
	require.Equal(t, http.StatusOK, status, body)
}

// TestDirectUploadTooLarge: a direct upload is cut off at the supported
// size, and one that announces more is refused unread.
func TestDirectUploadTooLarge(t *testing.T) {
	sup := bimfacetest.DefaultSupport()
	sup.Length = 100 << 10
	s := bimfacetest.NewServer(t, demoModel(t), bimfacetest.WithSupport(sup))
	tok := token(t, s)
	tooLarge := errBody("EntityTooLarge", "the file is over the policy's limit of 102400 bytes")

	status, body := policyForm{policy(t, s, tok, "a.dwg"), bytes.NewReader(make([]byte, 1<<20))}.post(t, s, 0)
	require.Equal(t, http.StatusBadRequest, status)
	require.Equal(t, tooLarge, body)
	require.Less(t, s.UploadedBytes(), int64(200<<10), "bytes read past the limit")

	before := s.UploadedBytes()
	f := policyForm{policy(t, s, tok, "b.dwg"), newStall(t, 1<<10)}
	status, body = f.post(t, s, 10<<20)
	require.Equal(t, http.StatusBadRequest, status)
	require.Equal(t, tooLarge, body)
	require.Equal(t, before, s.UploadedBytes())

	list, err := s.Client().SourceFiles.List(context.Background(), nil)
	require.NoError(t, err)
	require.Empty(t, list)

	// Up to the limit is fine.
	status, body = policyForm{policy(t, s, tok, "c.dwg"), bytes.NewReader(make([]byte, 100<<10))}.post(t, s, 0)
	require.Equal(t, http.StatusOK, status, body)
}

// pattern is n bytes of a repeating pattern, made as they are read.
type pattern struct{ n int64 }

func (p *pattern) Read(b []byte) (int, error) {
	if p.n == 0 {
		return 0, io.EOF
	}
	b = b[:min(int64(len(b)), p.n)]
	for i := range b {
		b[i] = byte(p.n - int64(i))
	}
	p.n -= int64(len(b))
	return len(b), nil
}

// TestDirectUploadMemory: a 64 MiB direct upload streams to disk: the
// process allocates far less than the file's size on the way, and keeps
// none of it in memory.
func TestDirectUploadMemory(t *testing.T) {
	const size = 64 << 20
	s := bimfacetest.NewServer(t, demoModel(t))
	tok := token(t, s)
	fields := policy(t, s, tok, "big.rvt")

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	status, body := policyForm{fields, &pattern{size}}.post(t, s, 0)
	runtime.GC()
	runtime.ReadMemStats(&after)
	require.Equal(t, http.StatusOK, status, body)
	t.Logf("a %d MiB upload: %d KiB allocated, heap %+d KiB after", size>>20, (after.TotalAlloc-before.TotalAlloc)>>10, (int64(after.HeapAlloc)-int64(before.HeapAlloc))>>10)
	// Generous bounds: both sides of the upload run in this process.
	require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(size/4), "allocated during the upload")
	require.Less(t, int64(after.HeapAlloc)-int64(before.HeapAlloc), int64(size/8), "heap kept after the upload")

	var env struct{ Data bimface.File }
	require.NoError(t, json.Unmarshal([]byte(body), &env))
	h := fnv.New32a()
	io.Copy(h, &pattern{size})
	require.Equal(t, int64(size), env.Data.Length)
	require.Equal(t, fmt.Sprintf("%08x%08x", size, h.Sum32()), env.Data.Etag)
}

// TestUploadURLInternal: an upload from a URL does not reach internal
// addresses, however the URL names them, unless the simulator allows it.
func TestUploadURLInternal(t *testing.T) {
	var hits atomic.Int64
	src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte("secret of the internal network"))
	}))
	defer src.Close()
	port := src.URL[strings.LastIndex(src.URL, ":")+1:]
	s := bimfacetest.NewServer(t, demoModel(t))
	c := s.Client(bimface.WithRetry(bimface.RetryPolicy{MaxAttempts: 1}))
	refused := func(addr string) string {
		return "fetching the url failed: " + addr + " is an internal address, which this server does not connect to"
	}
	for _, tc := range []struct {
		name, url string
		code      string
		msgs      []string // one of these
	}{
		{"loopback", src.URL + "/m.ifc", "file.download.failed", []string{refused("127.0.0.1")}},
		{"a name of loopback", "http://localhost:" + port + "/m.ifc", "file.download.failed", []string{refused("127.0.0.1"), refused("::1")}},
		{"IPv6 loopback", "http://[::1]:" + port + "/m.ifc", "file.download.failed", []string{refused("::1")}},
		{"IPv4 in IPv6", "http://[::ffff:127.0.0.1]:" + port + "/m.ifc", "file.download.failed", []string{refused("127.0.0.1")}},
		{"unspecified", "http://0.0.0.0:" + port + "/m.ifc", "file.download.failed", []string{refused("0.0.0.0")}},
		{"link-local metadata", "http://169.254.169.254/latest/meta-data/", "file.download.failed", []string{refused("169.254.169.254")}},
		{"private", "http://10.11.12.13/m.ifc", "file.download.failed", []string{refused("10.11.12.13")}},
		{"carrier NAT", "http://100.64.0.1/m.ifc", "file.download.failed", []string{refused("100.64.0.1")}},
		{"not http", "file:///etc/passwd", bimface.CodeURLInvalid, []string{`url "file:///etc/passwd" is not an http or https URL`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.SourceFiles.UploadURL(context.Background(), "m.ifc", tc.url, "", nil)
			var e *bimface.Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, tc.code, e.Code)
			require.Contains(t, tc.msgs, e.Message)
		})
	}
	require.Zero(t, hits.Load(), "requests that reached the internal server")

	allowed := bimfacetest.NewServer(t, demoModel(t), bimfacetest.WithInternalURLs())
	f, err := allowed.Client().SourceFiles.UploadURL(context.Background(), "m.ifc", "http://localhost:"+port+"/m.ifc", "", nil)
	require.NoError(t, err)
	got, _ := allowed.FileContent(f.FileID)
	require.Equal(t, "secret of the internal network", string(got))
}

// TestUploadURLCancelled: the fetch of an upload from a URL ends with
// the request that asked for it.
func TestUploadURLCancelled(t *testing.T) {
	started, ended, release := make(chan struct{}), make(chan struct{}), make(chan struct{})
	src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		select { // no answer until the fetch is cancelled
		case <-r.Context().Done():
			close(ended)
		case <-release:
		}
	}))
	defer src.Close()
	defer close(release) // so that Close does not wait for a fetch that goes on
	s := bimfacetest.NewServer(t, demoModel(t), bimfacetest.WithInternalURLs())
	tok := token(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, "PUT", s.URL+"/upload?name=m.ifc&url="+url.QueryEscape(src.URL+"/m.ifc"), nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+tok)
	go func() {
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	select {
	case <-started:
	case <-time.After(30 * time.Second):
		t.Fatal("the simulator did not fetch the url")
	}
	cancel()
	select {
	case <-ended:
	case <-time.After(30 * time.Second):
		t.Fatal("the fetch went on after its request was cancelled")
	}
}

// TestTokensRandom: tokens are 130 random bits, with nothing of a
// counter or the time in them.
func TestTokensRandom(t *testing.T) {
	s := bimfacetest.NewServer(t, demoModel(t))
	seen := map[string]bool{}
	for range 20 {
		tok := token(t, s)
		require.Regexp(t, `^tok-[A-Z2-7]{26}$`, tok)
		require.False(t, seen[tok])
		seen[tok] = true
	}
	vt, err := s.Client().ViewToken(context.Background(), bimface.ViewTokenFor{FileID: demo.FileID})
	require.NoError(t, err)
	require.Regexp(t, `^view-[A-Z2-7]{26}$`, vt)
}

func floors(t *testing.T, s *bimfacetest.Server, tok, viewToken string) int {
	t.Helper()
	u := s.URL + "/data/v2/files/" + demo.FileID + "/floors"
	if viewToken != "" {
		u += "?view_token=" + viewToken
	}
	status, _ := do(t, "GET", u, tok, nil, nil)
	return status
}

// TestTokenLifetimes: an access token lives 7 days; a view token 12
// hours from its last use.
func TestTokenLifetimes(t *testing.T) {
	clk := newClock()
	s := bimfacetest.NewServer(t, demoModel(t), bimfacetest.WithClock(clk.Now))
	tok := token(t, s)
	status, body := do(t, "GET", s.URL+"/view/token?fileId="+demo.FileID, tok, nil, nil)
	require.Equal(t, http.StatusOK, status, body)
	var env struct{ Data string }
	require.NoError(t, json.Unmarshal([]byte(body), &env))
	vt := env.Data

	for i := range 4 { // 44 hours, used every 11
		clk.Add(11 * time.Hour)
		require.Equal(t, http.StatusOK, floors(t, s, "", vt), "use %d", i)
	}
	clk.Add(bimfacetest.ViewTokenTTL)
	require.Equal(t, http.StatusUnauthorized, floors(t, s, "", vt), "12 hours unused")

	clk.Add(7*24*time.Hour - 44*time.Hour - bimfacetest.ViewTokenTTL - time.Second)
	require.Equal(t, http.StatusOK, floors(t, s, tok, ""), "access token before 7 days")
	clk.Add(time.Second)
	require.Equal(t, http.StatusUnauthorized, floors(t, s, tok, ""), "access token at 7 days")
}

// TestTokensBounded: past the limit, a new token pushes out the one
// closest to expiring, so that asking for tokens in a loop does not
// grow the simulator.
func TestTokensBounded(t *testing.T) {
	clk := newClock()
	s := bimfacetest.NewServer(t, demoModel(t), bimfacetest.WithClock(clk.Now), bimfacetest.WithMaxTokens(3))
	var toks []string
	for range 4 {
		toks = append(toks, token(t, s))
		clk.Add(time.Minute)
	}
	for i, want := range []int{401, 200, 200, 200} {
		require.Equal(t, want, floors(t, s, toks[i], ""), "access token %d", i)
	}

	var views []string
	viewToken := func() {
		status, body := do(t, "GET", s.URL+"/view/token?fileId="+demo.FileID, toks[3], nil, nil)
		require.Equal(t, http.StatusOK, status, body)
		var env struct{ Data string }
		require.NoError(t, json.Unmarshal([]byte(body), &env))
		views = append(views, env.Data)
		clk.Add(time.Minute)
	}
	for range 3 {
		viewToken()
	}
	require.Equal(t, 200, floors(t, s, "", views[0])) // now the last to expire
	viewToken()
	for i, want := range []int{200, 401, 200, 200} {
		require.Equal(t, want, floors(t, s, "", views[i]), "view token %d", i)
	}
}
