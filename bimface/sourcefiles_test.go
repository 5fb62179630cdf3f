package bimface_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/bimface/bimfacetest"
	"github.com/bfquery/bfquery/internal/demo"
)

// wire is what a request looked like on the wire.
type wire struct {
	Method, Path string
	Query        url.Values
	Header       map[string]string
}

// recorded starts a simulator that records every request's method,
// path, query and the headers named.
func recorded(t *testing.T, headers []string, opts ...bimfacetest.Option) (*bimfacetest.Server, func() []wire) {
	t.Helper()
	data, err := bimfacetest.LoadFS(demo.FS())
	require.NoError(t, err)
	srv := bimfacetest.NewServer(t, data, opts...)
	var mu sync.Mutex
	var got []wire
	srv.SetFaults(bimfacetest.Faults{Intercept: func(_ int, _ http.ResponseWriter, r *http.Request) bool {
		w := wire{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: map[string]string{}}
		for _, h := range headers {
			if v := r.Header.Get(h); v != "" {
				w.Header[h] = v
			}
		}
		mu.Lock()
		got = append(got, w)
		mu.Unlock()
		return false
	}})
	return srv, func() []wire {
		mu.Lock()
		defer mu.Unlock()
		out := got
		got = nil
		return out
	}
}

func TestUploadWire(t *testing.T) {
	srv, wires := recorded(t, []string{"Content-Type", "Content-Length"})
	c := srv.Client()
	ctx := context.Background()
	body := bytes.Repeat([]byte("rvt!"), 1000)

	f, err := c.SourceFiles.Upload(ctx, "三层 F3.rvt", bytes.NewReader(body), int64(len(body)), &bimface.UploadOptions{SourceID: "src-1"})
	require.NoError(t, err)
	require.Equal(t, "三层 F3.rvt", f.Name)
	require.Equal(t, "rvt", f.Suffix)
	require.Equal(t, int64(4000), f.Length)
	if diff := cmp.Diff([]wire{
		{Method: "GET", Path: "/support", Query: url.Values{}, Header: map[string]string{}},
		{Method: "PUT", Path: "/upload", Query: url.Values{"name": {"三层 F3.rvt"}, "sourceId": {"src-1"}},
			Header: map[string]string{"Content-Type": "application/octet-stream", "Content-Length": "4000"}},
	}, wires()); diff != "" {
		t.Fatalf("wire (-want +got):\n%s", diff)
	}
	content, ok := srv.FileContent(f.FileID)
	require.True(t, ok)
	require.Equal(t, body, content)

	// The same sourceId again is refused by BIMFACE; the support answer is cached.
	_, err = c.SourceFiles.Upload(ctx, "b.rvt", bytes.NewReader(body), 4000, &bimface.UploadOptions{SourceID: "src-1"})
	require.EqualError(t, err, "bimface: PUT "+srv.URL+"/upload?name=b.rvt&sourceId=src-1: 400 input.parameter.error: sourceId \"src-1\" is already used")
	require.Len(t, wires(), 1)
}

func TestUploadChecks(t *testing.T) {
	srv := bimfacetest.NewServer(t, mustData(t), bimfacetest.WithSupport(bimface.Support{Length: 100, Types: []string{"rvt", "ifc"}}))
	c := srv.Client()
	for _, tc := range []struct {
		name, file string
		size       int
		err        string
	}{
		{"suffix", "plan.pdf", 10, `bimface: plan.pdf: file not supported: suffix "pdf" is not one of rvt, ifc`},
		{"no suffix", "model", 10, `bimface: model: file not supported: suffix "" is not one of rvt, ifc`},
		{"size", "big.IFC", 101, "bimface: big.IFC: file not supported: 101 bytes is over the limit of 100"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.SourceFiles.Upload(context.Background(), tc.file, bytes.NewReader(make([]byte, tc.size)), int64(tc.size), nil)
			require.EqualError(t, err, tc.err)
			require.True(t, errors.Is(err, bimface.ErrUnsupportedFile))
			_, err = c.SourceFiles.UploadResumable(context.Background(), tc.file, bytes.NewReader(make([]byte, tc.size)), int64(tc.size), nil)
			require.EqualError(t, err, tc.err)
		})
	}
	require.Equal(t, int64(0), srv.UploadedBytes())
}

func mustData(t *testing.T) *bimfacetest.Data {
	t.Helper()
	data, err := bimfacetest.LoadFS(demo.FS())
	require.NoError(t, err)
	return data
}

func TestUploadDirectAndURL(t *testing.T) {
	// The URL's server listens on loopback.
	srv, wires := recorded(t, []string{"Content-Type", "Authorization"}, bimfacetest.WithInternalURLs())
	c := srv.Client()
	ctx := context.Background()
	body := []byte("a small dwg")
	f, err := c.SourceFiles.UploadDirect(ctx, "plan.dwg", bytes.NewReader(body), int64(len(body)), nil)
	require.NoError(t, err)
	got, _ := srv.FileContent(f.FileID)
	require.Equal(t, body, got)
	w := wires()
	require.Len(t, w, 3)
	require.Equal(t, "/upload/policy", w[1].Path)
	require.Equal(t, url.Values{"name": {"plan.dwg"}}, w[1].Query)
	// The form goes to object storage without BIMFACE's token.
	require.Equal(t, "POST", w[2].Method)
	require.Equal(t, "/oss/bf-sim-srcfile/", w[2].Path)
	require.Empty(t, w[2].Header["Authorization"])
	require.Regexp(t, `^multipart/form-data; boundary=`, w[2].Header["Content-Type"])

	// Upload from a URL: the simulator fetches the file itself.
	src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("remote model")) }))
	defer src.Close()
	f, err = c.SourceFiles.UploadURL(ctx, "remote.ifc", src.URL+"/m.ifc", "", nil)
	require.NoError(t, err)
	got, _ = srv.FileContent(f.FileID)
	require.Equal(t, "remote model", string(got))
	require.Equal(t, []wire{{Method: "PUT", Path: "/upload", Query: url.Values{"name": {"remote.ifc"}, "url": {src.URL + "/m.ifc"}}, Header: map[string]string{"Authorization": w[0].Header["Authorization"]}}}, wires())
}

// TestResumableUpload cuts the connection mid-body on every append:
// the client resumes from the server's position each time, and the
// server receives each byte exactly once.
func TestResumableUpload(t *testing.T) {
	body := make([]byte, 100_000)
	for i := range body {
		body[i] = byte(i * 31)
	}
	for _, tc := range []struct {
		name  string
		cut   int64
		sends int
	}{
		{"no faults", 0, 1},
		{"cut every 30000 bytes", 30_000, 4},
		{"cut every 70000 bytes", 70_000, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := bimfacetest.NewServer(t, mustData(t))
			appends := 0
			srv.SetFaults(bimfacetest.Faults{CutUploadAfter: tc.cut, Intercept: func(_ int, _ http.ResponseWriter, r *http.Request) bool {
				if r.Method == http.MethodPost && r.URL.Path != "/appendFiles" {
					appends++
				}
				return false
			}})
			c := srv.Client()
			var created int64
			f, err := c.SourceFiles.UploadResumable(context.Background(), "big.rvt", bytes.NewReader(body), int64(len(body)), &bimface.ResumableOptions{
				Created: func(af *bimface.AppendFile) { created = af.AppendFileID },
			})
			require.NoError(t, err)
			require.NotZero(t, created)
			got, ok := srv.FileContent(f.FileID)
			require.True(t, ok)
			require.True(t, bytes.Equal(body, got), "the uploaded file differs")
			require.Equal(t, int64(len(body)), srv.UploadedBytes(), "bytes received")
			require.Equal(t, tc.sends, appends, "data requests")
		})
	}
}

// stopAt is the file being uploaded, read by the upload; reading past
// at cancels the upload's context and gives nothing more, so the server
// gets at most at bytes however the transport buffers.
type stopAt struct {
	*bytes.Reader
	at     int64
	cancel context.CancelFunc
}

func (s stopAt) ReadAt(p []byte, off int64) (int, error) {
	if off >= s.at {
		s.cancel()
		return 0, context.Canceled
	}
	if off+int64(len(p)) > s.at {
		p = p[:s.at-off]
	}
	return s.Reader.ReadAt(p, off)
}

// TestResumeAfterCancel stops an upload part way with its context, then
// resumes it by its append file ID, as another process would.
func TestResumeAfterCancel(t *testing.T) {
	srv, wires := recorded(t, nil)
	c := srv.Client()
	body := make([]byte, 4<<20)
	for i := range body {
		body[i] = byte(i >> 3)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var id int64
	_, err := c.SourceFiles.UploadResumable(ctx, "big.rvt", stopAt{bytes.NewReader(body), 1 << 20, cancel}, int64(len(body)), &bimface.ResumableOptions{
		Created: func(af *bimface.AppendFile) { id = af.AppendFileID },
	})
	require.ErrorIs(t, err, context.Canceled)

	af, err := c.SourceFiles.AppendFile(context.Background(), id)
	require.NoError(t, err)
	require.LessOrEqual(t, af.Position, int64(1<<20), "the server has no more than was sent")
	wires()

	f, err := c.SourceFiles.UploadResumable(context.Background(), "big.rvt", bytes.NewReader(body), int64(len(body)), &bimface.ResumableOptions{AppendFileID: id})
	require.NoError(t, err)
	got, _ := srv.FileContent(f.FileID)
	require.True(t, bytes.Equal(body, got))
	require.Equal(t, int64(len(body)), srv.UploadedBytes(), "no byte sent twice")
	w := wires()
	require.GreaterOrEqual(t, len(w), 2)
	require.Equal(t, "GET /appendFiles/"+jsonNum(id), w[0].Method+" "+w[0].Path)
	require.Equal(t, "POST /appendFiles/"+jsonNum(id)+"/data", w[1].Method+" "+w[1].Path)
	pos, err := strconv.ParseInt(w[1].Query.Get("position"), 10, 64)
	require.NoError(t, err)
	require.GreaterOrEqual(t, pos, af.Position, "resumed from the server's position")
}

// TestResumeWhenPositionMoves has the server's position move between
// the client reading it and sending from it, as when the bytes of a cut
// send are still arriving: the refused send is not the end, the upload
// goes on from the new position.
func TestResumeWhenPositionMoves(t *testing.T) {
	srv := bimfacetest.NewServer(t, mustData(t))
	c := srv.Client()
	body := bytes.Repeat([]byte("abcdefghij"), 3000)
	af, err := c.SourceFiles.CreateAppendFile(context.Background(), "m.rvt", int64(len(body)), nil)
	require.NoError(t, err)
	var sends []string
	moved := false
	srv.SetFaults(bimfacetest.Faults{Intercept: func(_ int, _ http.ResponseWriter, r *http.Request) bool {
		if r.Method != http.MethodPost {
			return false
		}
		sends = append(sends, r.URL.Query().Get("position"))
		if !moved {
			moved = true
			_, err := c.SourceFiles.Append(r.Context(), af.AppendFileID, 0, bytes.NewReader(body[:7000]), 7000)
			require.NoError(t, err)
		}
		return false
	}})
	f, err := c.SourceFiles.UploadResumable(context.Background(), "m.rvt", bytes.NewReader(body), int64(len(body)), &bimface.ResumableOptions{AppendFileID: af.AppendFileID})
	require.NoError(t, err)
	got, _ := srv.FileContent(f.FileID)
	require.True(t, bytes.Equal(body, got))
	require.Equal(t, []string{"0", "0", "7000"}, sends, "the refused send, the one that moved the position, the rest")
	require.Equal(t, int64(len(body)), srv.UploadedBytes())
}

// TestResumeAfterGivingUp has the client give up at the first cut, as a
// process that dies would, and a second call resume by the append file's
// ID from the server's position.
func TestResumeAfterGivingUp(t *testing.T) {
	srv := bimfacetest.NewServer(t, mustData(t))
	c := srv.Client()
	body := bytes.Repeat([]byte("0123456789"), 5000)
	srv.SetFaults(bimfacetest.Faults{CutUploadAfter: 20_000})
	var id int64
	_, err := c.SourceFiles.UploadResumable(context.Background(), "m.rvt", bytes.NewReader(body), int64(len(body)), &bimface.ResumableOptions{
		MaxFailures: 1, Created: func(af *bimface.AppendFile) { id = af.AppendFileID },
	})
	require.Error(t, err)
	require.Equal(t, int64(20_000), srv.UploadedBytes())
	srv.SetFaults(bimfacetest.Faults{})
	var progress []int64
	f, err := c.SourceFiles.UploadResumable(context.Background(), "m.rvt", bytes.NewReader(body), int64(len(body)), &bimface.ResumableOptions{
		AppendFileID: id, UploadOptions: bimface.UploadOptions{Progress: func(sent, _ int64) { progress = append(progress, sent) }},
	})
	require.NoError(t, err)
	require.Equal(t, int64(20_000), progress[0], "resumed from the server's position")
	require.Equal(t, int64(len(body)), progress[len(progress)-1])
	got, _ := srv.FileContent(f.FileID)
	require.True(t, bytes.Equal(body, got))
	require.Equal(t, int64(len(body)), srv.UploadedBytes())
}

func jsonNum(n int64) string { b, _ := json.Marshal(n); return string(b) }

func TestFileInfoListDelete(t *testing.T) {
	srv := bimfacetest.NewServer(t, mustData(t))
	c := srv.Client()
	ctx := context.Background()
	var ids []int64
	for _, name := range []string{"a.rvt", "b.ifc", "c.rvt"} {
		f, err := c.SourceFiles.Upload(ctx, name, bytes.NewReader([]byte(name)), int64(len(name)), nil)
		require.NoError(t, err)
		ids = append(ids, f.FileID)
	}
	f, err := c.SourceFiles.File(ctx, ids[1])
	require.NoError(t, err)
	m, err := c.SourceFiles.Metadata(ctx, ids[1])
	require.NoError(t, err)
	require.Equal(t, f, m)
	require.Equal(t, "b.ifc", f.Name)
	st, err := c.SourceFiles.UploadStatus(ctx, ids[1])
	require.NoError(t, err)
	require.Equal(t, &bimface.UploadStatus{FileID: ids[1], Name: "b.ifc", Status: "success"}, st)

	names := func(opts *bimface.ListOptions) []string {
		list, err := c.SourceFiles.List(ctx, opts)
		require.NoError(t, err)
		out := []string{}
		for _, f := range list {
			out = append(out, f.Name)
		}
		return out
	}
	require.Equal(t, []string{"a.rvt", "b.ifc", "c.rvt"}, names(nil))
	require.Equal(t, []string{"a.rvt", "c.rvt"}, names(&bimface.ListOptions{Suffix: "rvt"}))
	require.Equal(t, []string{"b.ifc"}, names(&bimface.ListOptions{Offset: 1, Rows: 1}))
	require.Equal(t, []string{}, names(&bimface.ListOptions{Status: "failure"}))

	u, err := c.SourceFiles.DownloadURL(ctx, ids[0], "")
	require.NoError(t, err)
	resp, err := http.Get(u)
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, "a.rvt", string(b))

	require.NoError(t, c.SourceFiles.Delete(ctx, ids[0]))
	_, err = c.SourceFiles.File(ctx, ids[0])
	require.EqualError(t, err, "bimface: GET "+srv.URL+"/files/"+jsonNum(ids[0])+": 404 file.not.found: file "+jsonNum(ids[0])+" not found")
	var apiErr *bimface.Error
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, bimface.CodeFileNotFound, apiErr.Code)
}
