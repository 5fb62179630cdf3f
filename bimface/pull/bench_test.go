package pull_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/bimface/bimfacetest"
	"github.com/bfquery/bfquery/bimface/pull"
	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
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
// elements, rooms and areas) from the simulator on loopback into a new
// cache directory, files synced, with its index files: see benchPull.
func BenchmarkPull100k(b *testing.B) { benchPull(b) }

// BenchmarkPull100kLatency is BenchmarkPull100k from a server that
// answers each request 50 ms later, as a distant one does: the pull then
// runs near the 20,000 elements/s it is designed for, waiting on the
// network, rather than as fast as the machine's two cores, shared by the
// simulator and the puller, allow.
func BenchmarkPull100kLatency(b *testing.B) {
	benchPull(b, bimfacetest.WithFaults(bimfacetest.Faults{Latency: 50 * time.Millisecond}))
}

// benchPull measures pulls of the model. elements/s and index/rest are
// those of a pull as Pull does it, the index built while the batches are
// fetched: index/rest is the time of its index stage ÷ the time of the
// rest of the pull.
//
// So that the index's cost is measured rather than moved out of the
// index stage, each iteration also pulls the model without index files
// and with the index files built at the end from the saved JSON (as
// pulls did before, and as "bfquery index" does), in a rotating order,
// from the same server: during/none and after/none are the times of the
// two ways ÷ the time without index files, cpu-during/none and
// cpu-after/none the same of the process's CPU time (the simulator's
// included), after-index/rest the index stage's share when built at the
// end. ns/op is the time of the default pull.
func benchPull(b *testing.B, opts ...bimfacetest.Option) {
	s := bimfacetest.NewServer(b, benchModel(b), opts...)
	c := s.Client()
	modes := []string{"during", "none", "after"}
	var elapsed, indexing, cpu [3]time.Duration
	pullOnce := func(m int) {
		defer pull.SetIndexMode(modes[m])()
		dir, err := os.MkdirTemp("", "bfquery-pull-")
		if err != nil {
			b.Fatal(err)
		}
		defer os.RemoveAll(dir)
		if m == 0 {
			b.StartTimer()
		}
		start, cpuStart := time.Now(), cpuTime()
		var indexStart time.Time
		progress := func(p pull.Progress) {
			if p.Stage == pull.StageIndex {
				indexStart = time.Now()
			}
		}
		res, err := pull.Pull(context.Background(), c, pull.Options{Type: dsl.TargetFile, ID: benchFile, Dir: dir, Progress: progress})
		elapsed[m] += time.Since(start)
		cpu[m] += cpuTime() - cpuStart
		if !indexStart.IsZero() {
			indexing[m] += time.Since(indexStart)
		}
		if m == 0 {
			b.StopTimer()
		}
		if err != nil || res.Target.Counts.Elements != benchElements {
			b.Fatal(err, res)
		}
		want := 3 // elements, rooms and areas
		if modes[m] == "none" {
			want = 0
		}
		if n, _ := filepath.Glob(filepath.Join(dir, "*", "*"+eval.IndexFileExt)); len(n) != want {
			b.Fatalf("%s: index files %v", modes[m], n)
		}
	}
	i := 0
	for b.Loop() {
		b.StopTimer()
		for k := range modes {
			pullOnce((i + k) % len(modes))
		}
		i++
		b.StartTimer()
	}
	b.ReportMetric(float64(b.N*benchElements)/elapsed[0].Seconds(), "elements/s")
	b.ReportMetric(indexing[0].Seconds()/(elapsed[0]-indexing[0]).Seconds(), "index/rest")
	b.ReportMetric(elapsed[0].Seconds()/elapsed[1].Seconds(), "during/none")
	b.ReportMetric(elapsed[2].Seconds()/elapsed[1].Seconds(), "after/none")
	b.ReportMetric(indexing[2].Seconds()/(elapsed[2]-indexing[2]).Seconds(), "after-index/rest")
	if cpu[1] > 0 {
		b.ReportMetric(cpu[0].Seconds()/cpu[1].Seconds(), "cpu-during/none")
		b.ReportMetric(cpu[2].Seconds()/cpu[1].Seconds(), "cpu-after/none")
	}
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
