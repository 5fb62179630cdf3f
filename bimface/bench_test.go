package bimface_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/dsl"
)

// queryAnswer10k is a query answer of 10,000 element IDs in two targets,
// encoded once so that the server does no work per request but a write.
func queryAnswer10k(b *testing.B) []byte {
	b.Helper()
	type item struct {
		ElementIDs []string `json:"elementIds"`
		TargetID   string   `json:"targetId"`
	}
	var a, c []string
	for i := range 5000 {
		a = append(a, strconv.Itoa(300000+i))
		c = append(c, strconv.Itoa(900000+i))
	}
	body, err := json.Marshal(map[string]any{
		"code": "success", "message": "",
		"data": []item{{a, "1124890692330272"}, {c, "1124890692330273"}},
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
	mux.HandleFunc("POST /data/v2/query/elementIds", func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
	})
	srv := httptest.NewServer(mux)
	b.Cleanup(srv.Close)
	return srv
}

var benchRequest = dsl.File("1124890692330272", "1124890692330273").
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
		if err != nil || len(got) != 2 || len(got[0].IDs)+len(got[1].IDs) != 10000 {
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
		if err := json.Unmarshal(raw, &env); err != nil || len(env.Data) != 2 {
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
