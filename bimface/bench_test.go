package bimface_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/bimface/bimfacetest"
	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/internal/modelgen"
)

// queryAnswer10k is a query answer of 10,000 element IDs of one target,
// encoded once so that the server does no work per request but a write.
func queryAnswer10k(b *testing.B) []byte {
	b.Helper()
	type item struct {
		ElementIDs []string `json:"elementIds"`
		TargetID   string   `json:"targetId"`
	}
	var a []string
	for i := range 10000 {
		a = append(a, strconv.Itoa(300000+i))
	}
	body, err := json.Marshal(map[string]any{
		"code": "success", "message": "",
		"data": []item{{a, "1124890692330272"}},
	})
	if err != nil {
		b.Fatal(err)
	}
	return body
}

func benchServer(b *testing.B, body []byte) *httptest.Server {
	b.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth2/token", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"code":"success","data":{"expireTime":"2999-01-01 00:00:00","token":"t"},"message":""}`)
	})
	// A context's first page is the whole answer, its second is empty.
	var contexts atomic.Int64
	var seen sync.Map
	mux.HandleFunc("GET /data/v2/query/paginationContextId", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"code":"success","data":"c`+strconv.FormatInt(contexts.Add(1), 10)+`","message":""}`)
	})
	mux.HandleFunc("POST /data/v2/query/elementIds", func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		if pctx := r.URL.Query().Get("paginationContextId"); pctx != "" {
			if _, again := seen.LoadOrStore(pctx, true); again {
				io.WriteString(w, `{"code":"success","data":[{"elementIds":[],"targetId":"1124890692330272"}],"message":""}`)
				return
			}
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
	})
	srv := httptest.NewServer(mux)
	b.Cleanup(srv.Close)
	return srv
}

var benchRequest = dsl.File("1124890692330272").
	Where(dsl.Match(dsl.Floor, "F11")).
	Where(dsl.Contain(dsl.CategoryName, "墙"))

// BenchmarkQueryIDs10k is a whole Query.IDs call answered by 10,000 IDs:
// DSL encoding, auth header, the round trip, size-limited read, envelope
// and data decoding.
func BenchmarkQueryIDs10k(b *testing.B) {
	body := queryAnswer10k(b)
	srv := benchServer(b, body)
	c, err := bimface.NewClient(bimface.WithEndpoint(srv.URL), bimface.WithCredentials("k", "s"))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		got, err := c.Query.IDs(ctx, dsl.SelectElements, benchRequest, nil)
		if err != nil || len(got) != 1 || len(got[0].IDs) != 10000 {
			b.Fatalf("got %d targets, %v", len(got), err)
		}
	}
}

// BenchmarkBaseline10k is the least any client does for the same answer:
// http.Post of the pre-encoded DSL, io.ReadAll, json.Unmarshal.
func BenchmarkBaseline10k(b *testing.B) {
	body := queryAnswer10k(b)
	srv := benchServer(b, body)
	dslBody := benchRequest.MustJSON()
	hc := &http.Client{}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		resp, err := hc.Post(srv.URL+"/data/v2/query/elementIds", "application/json", bytes.NewReader(dslBody))
		if err != nil {
			b.Fatal(err)
		}
		raw, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			b.Fatal(err)
		}
		var env struct {
			Code string `json:"code"`
			Data []struct {
				ElementIDs []string `json:"elementIds"`
				TargetID   string   `json:"targetId"`
			} `json:"data"`
		}
		if err := json.Unmarshal(raw, &env); err != nil || len(env.Data) != 1 {
			b.Fatal(err)
		}
	}
}

// BenchmarkTransportOnly10k is the round trip alone, body read and thrown
// away: what neither client can avoid. A client's own cost is its time
// less this one.
func BenchmarkTransportOnly10k(b *testing.B) {
	body := queryAnswer10k(b)
	srv := benchServer(b, body)
	dslBody := benchRequest.MustJSON()
	hc := &http.Client{}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		resp, err := hc.Post(srv.URL+"/data/v2/query/elementIds", "application/json", bytes.NewReader(dslBody))
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

// BenchmarkPaged100k is a query answered by 100,000 IDs through the
// simulator with BIMFACE's limits, the way every query is read: a
// pagination context and eleven pages of at most 10,000 IDs.
func BenchmarkPaged100k(b *testing.B) {
	c, req := bench100k(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		got, err := c.Query.IDs(ctx, dsl.SelectElements, req, nil)
		if err != nil || len(got[0].IDs) != 100000 {
			b.Fatal(err)
		}
	}
}

// BenchmarkUnpaged100k is its baseline: the same answer in one unpaged
// request to the simulator without its cap, decoded the same way.
func BenchmarkUnpaged100k(b *testing.B) {
	c, req := bench100k(b)
	body := req.MustJSON()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		r, err := c.NewRequest(http.MethodPost, "data/v2/query/elementIds", json.RawMessage(body))
		if err != nil {
			b.Fatal(err)
		}
		var got []bimface.TargetIDs
		if _, err := c.Do(ctx, r, &got); err != nil || len(got[0].IDs) != 100000 {
			b.Fatal(err)
		}
	}
}

var (
	data100kOnce sync.Once
	data100k     *bimfacetest.Data
	data100kErr  error
)

func bench100k(b *testing.B) (*bimface.Client, dsl.Request) {
	b.Helper()
	data100kOnce.Do(func() {
		dir, err := os.MkdirTemp("", "bfquery-bench-")
		if err != nil {
			data100kErr = err
			return
		}
		defer os.RemoveAll(dir)
		if _, data100kErr = modelgen.WriteCache(dir, modelgen.CacheConfig{Seed: 1, FileID: "1", Elements: 100000, Format: modelgen.NDJSON}); data100kErr != nil {
			return
		}
		data100k, data100kErr = bimfacetest.Load(dir)
	})
	if data100kErr != nil {
		b.Fatal(data100kErr)
	}
	s := bimfacetest.NewServer(b, data100k, bimfacetest.WithoutIDCap())
	return s.Client(), dsl.File("1").Where(dsl.Contain(dsl.Key("guid"), "-"))
}
