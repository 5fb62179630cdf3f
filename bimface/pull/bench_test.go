package pull_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/bimface/bimfacetest"
	"github.com/bfquery/bfquery/bimface/pull"
	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/internal/modelgen"
)

const benchFile, benchElements = "2000000000100000", 100000

var (
	benchOnce sync.Once
	benchData *bimfacetest.Data
)

// benchModel is a generated model of 50,000 elements (about 50 MB of
// JSON), served by a simulator on loopback.
func benchModel(b *testing.B) *bimfacetest.Data {
	benchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "bfquery-pull-bench-")
		if err != nil {
			b.Fatal(err)
		}
		defer os.RemoveAll(dir)
		if _, err := modelgen.WriteCache(dir, modelgen.CacheConfig{Seed: 1, FileID: benchFile, Elements: benchElements, Format: modelgen.NDJSON}); err != nil {
			b.Fatal(err)
		}
		if benchData, err = bimfacetest.Load(dir); err != nil {
			b.Fatal(err)
		}
	})
	if benchData == nil {
		b.Fatal("no bench model")
	}
	return benchData
}

// BenchmarkPull100k pulls the whole model (IDs in 11 pages, 100 batches of 1000
// elements, rooms and areas) into a new cache directory, files synced,
// then writes its index files. index/rest is the time spent writing the
// index files ÷ the time of the rest of the pull.
func BenchmarkPull100k(b *testing.B) {
	s := bimfacetest.NewServer(b, benchModel(b))
	c := s.Client()
	b.ResetTimer()
	var elapsed, indexing time.Duration
	for b.Loop() {
		b.StopTimer()
		dir, err := os.MkdirTemp("", "bfquery-pull-")
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		var indexStart time.Time
		progress := func(p pull.Progress) {
			if p.Stage == pull.StageIndex {
				indexStart = time.Now()
			}
		}
		res, err := pull.Pull(context.Background(), c, pull.Options{Type: dsl.TargetFile, ID: benchFile, Dir: dir, Progress: progress})
		elapsed += time.Since(start)
		if !indexStart.IsZero() {
			indexing += time.Since(indexStart)
		}
		b.StopTimer()
		if err != nil || res.Target.Counts.Elements != benchElements {
			b.Fatal(err, res)
		}
		os.RemoveAll(dir)
		b.StartTimer()
	}
	b.ReportMetric(float64(b.N*benchElements)/elapsed.Seconds(), "elements/s")
	b.ReportMetric(indexing.Seconds()/(elapsed-indexing).Seconds(), "index/rest")
}

// BenchmarkBaselineSequential100k sends the same 100 batch requests one
// after the other with a plain http.Client and discards the answers: no
// envelope decoding, no writing, no concurrency.
func BenchmarkBaselineSequential100k(b *testing.B) {
	s := bimfacetest.NewServer(b, benchModel(b))
	ids, err := s.Client().Files.ElementIDs(context.Background(), benchFile, nil)
	if err != nil {
		b.Fatal(err)
	}
	tok := token(b, s)
	var bodies [][]byte
	for i := 0; i < len(ids); i += bimface.MaxBatchIDs {
		body, _ := json.Marshal(map[string][]string{"elementIds": ids[i:min(i+bimface.MaxBatchIDs, len(ids))]})
		bodies = append(bodies, body)
	}
	url := s.URL + "/data/v2/files/" + benchFile + "/elements"
	b.ResetTimer()
	var elapsed time.Duration
	for b.Loop() {
		start := time.Now()
		for _, body := range bodies {
			req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Fatal(resp.Status)
			}
		}
		elapsed += time.Since(start)
	}
	b.ReportMetric(float64(b.N*len(ids))/elapsed.Seconds(), "elements/s")
}

func token(b *testing.B, s *bimfacetest.Server) string {
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/oauth2/token", nil)
	req.SetBasicAuth(bimfacetest.AppKey, bimfacetest.AppSecret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var env struct {
		Data bimface.AccessToken `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		b.Fatal(err)
	}
	return env.Data.Token
}
