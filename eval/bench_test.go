package eval_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
	"github.com/bfquery/bfquery/internal/modelgen"
	"github.com/bfquery/bfquery/internal/refeval"
)

// Benchmarks compare the index with two baselines on the same generated
// model: scanning the raw NDJSON with gjson for every query, and scanning
// elements decoded once into Go structs. 1M elements run only with
// BFQUERY_BENCH_1M=1. Models are cached under os.UserCacheDir.

func benchSizes() []int {
	sizes := []int{10_000, 100_000}
	if os.Getenv("BFQUERY_BENCH_1M") != "" {
		sizes = append(sizes, 1_000_000)
	}
	return sizes
}

// benchModel returns the NDJSON of a generated model of n elements,
// writing it to the user cache directory the first time.
func benchModel(b *testing.B, n int) []byte {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	dir = filepath.Join(dir, "bfquery-bench")
	name := filepath.Join(dir, fmt.Sprintf("model-%d-seed1.ndjson", n))
	if data, err := os.ReadFile(name); err == nil {
		return data
	}
	var buf bytes.Buffer
	if err := modelgen.WriteElements(&buf, modelgen.Config{Elements: n, Seed: 1}, modelgen.NDJSON); err != nil {
		b.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err == nil {
		os.WriteFile(name, buf.Bytes(), 0o644)
	}
	return buf.Bytes()
}

// decElement is an element decoded into Go values for the decoded
// baseline; Value holds a string, json.Number or bool.
type decElement struct {
	ElementID   string `json:"elementId"`
	GUID        string `json:"guid"`
	Name        string `json:"name"`
	FamilyGUID  string `json:"familyGuid"`
	BoundingBox struct {
		Min, Max struct{ X, Y, Z json.Number }
	} `json:"boundingBox"`
	Properties []struct {
		Group string `json:"group"`
		Items []struct {
			Key   string `json:"key"`
			Value any    `json:"value"`
		} `json:"items"`
	} `json:"properties"`
}

func (e *decElement) candidates(key string, out []any) []any {
	switch key {
	case "elementId":
		out = append(out, e.ElementID)
	case "guid":
		out = append(out, e.GUID)
	case "name":
		out = append(out, e.Name)
	case "familyGuid":
		out = append(out, e.FamilyGUID)
	}
	for _, g := range e.Properties {
		for _, it := range g.Items {
			if it.Key == key && it.Value != nil {
				out = append(out, it.Value)
			}
		}
	}
	return out
}

func decMatch(e *decElement, q dsl.Query, scratch []any) bool {
	switch q := q.(type) {
	case dsl.MatchQuery:
		return slices.ContainsFunc(e.candidates(string(q.Key), scratch[:0]), func(c any) bool { return refeval.Equal(c, q.Value) })
	case dsl.ContainQuery:
		return slices.ContainsFunc(e.candidates(string(q.Key), scratch[:0]), func(c any) bool { return strings.Contains(refeval.Text(c), q.Value.Text()) })
	case dsl.InQuery:
		return slices.ContainsFunc(q.Values, func(v dsl.Value) bool { return decMatch(e, dsl.MatchQuery{Key: q.Key, Value: v}, scratch) })
	case dsl.AndQuery:
		return !slices.ContainsFunc(q.Queries, func(c dsl.Query) bool { return !decMatch(e, c, scratch) })
	case dsl.OrQuery:
		return slices.ContainsFunc(q.Queries, func(c dsl.Query) bool { return decMatch(e, c, scratch) })
	}
	panic(q)
}

// gjsonCandidates finds the candidates of key in one raw element.
func gjsonCandidates(line []byte, key string, out []gjson.Result) []gjson.Result {
	if r := gjson.GetBytes(line, key); r.Exists() && r.Type != gjson.JSON {
		out = append(out, r)
	}
	gjson.GetBytes(line, "properties").ForEach(func(_, g gjson.Result) bool {
		g.Get("items").ForEach(func(_, it gjson.Result) bool {
			if it.Get("key").Str == key {
				if v := it.Get("value"); v.Type != gjson.Null {
					out = append(out, v)
				}
			}
			return true
		})
		return true
	})
	return out
}

func gjsonAny(r gjson.Result) any {
	switch r.Type {
	case gjson.String:
		return r.Str
	case gjson.Number:
		return json.Number(r.Raw)
	case gjson.True:
		return true
	}
	return false
}

func gjsonMatch(line []byte, q dsl.Query) bool {
	switch q := q.(type) {
	case dsl.MatchQuery:
		return slices.ContainsFunc(gjsonCandidates(line, string(q.Key), nil), func(r gjson.Result) bool { return refeval.Equal(gjsonAny(r), q.Value) })
	case dsl.ContainQuery:
		return slices.ContainsFunc(gjsonCandidates(line, string(q.Key), nil), func(r gjson.Result) bool { return strings.Contains(refeval.Text(gjsonAny(r)), q.Value.Text()) })
	case dsl.InQuery:
		return slices.ContainsFunc(q.Values, func(v dsl.Value) bool { return gjsonMatch(line, dsl.MatchQuery{Key: q.Key, Value: v}) })
	case dsl.AndQuery:
		return !slices.ContainsFunc(q.Queries, func(c dsl.Query) bool { return !gjsonMatch(line, c) })
	case dsl.OrQuery:
		return slices.ContainsFunc(q.Queries, func(c dsl.Query) bool { return gjsonMatch(line, c) })
	}
	panic(q)
}

type benchData struct {
	raw     []byte
	lines   [][]byte
	ix      *eval.Index
	decoded []decElement
}

var (
	benchMu    sync.Mutex
	benchCache = map[int]*benchData{}
)

func getBench(b *testing.B, n int) *benchData {
	benchMu.Lock()
	defer benchMu.Unlock()
	if d := benchCache[n]; d != nil {
		return d
	}
	b.StopTimer()
	defer b.StartTimer()
	d := &benchData{raw: benchModel(b, n)}
	d.lines = bytes.Split(bytes.TrimSpace(d.raw), []byte("\n"))
	var err error
	if d.ix, err = eval.LoadIndex(bytes.NewReader(d.raw), "model.ndjson", dsl.SelectElements); err != nil {
		b.Fatal(err)
	}
	d.decoded = make([]decElement, len(d.lines))
	for i, l := range d.lines {
		if err := json.Unmarshal(l, &d.decoded[i]); err != nil {
			b.Fatal(err)
		}
	}
	benchCache[n] = d
	return d
}

// benchQueries are the cases of BENCHMARKS.md. The unique guid is the
// one of the middle element, filled in per model.
func benchQueries(d *benchData) []struct {
	name string
	q    dsl.Query
} {
	guid := d.decoded[len(d.decoded)/2].GUID
	return []struct {
		name string
		q    dsl.Query
	}{
		{"match_low_cardinality", dsl.Match("floor", "F03")},
		{"match_unique", dsl.Match("guid", guid)},
		{"contain_latin", dsl.Contain("name", "mm")},
		{"contain_chinese", dsl.Contain("name", "砌块")},
		{"in", dsl.In("categoryName", "门", "窗", "楼板")},
		{"nested_and_or", dsl.Or(
			dsl.And(dsl.Match("floor", "F01"), dsl.Contain("categoryName", "墙")),
			dsl.And(dsl.Match("specialty", "给排水"), dsl.In("systemType", "污水", "给水")),
		)},
		{"missing_key", dsl.Match("不存在", "x")},
	}
}

func BenchmarkQuery(b *testing.B) {
	for _, n := range benchSizes() {
		d := getBench(b, n)
		for _, c := range benchQueries(d) {
			want, err := d.ix.Find(c.q)
			if err != nil {
				b.Fatal(err)
			}
			b.Run(c.name+"/n="+strconv.Itoa(n)+"/indexed", func(b *testing.B) {
				for b.Loop() {
					bm, _ := d.ix.Search(c.q)
					_ = bm.Len()
				}
			})
			b.Run(c.name+"/n="+strconv.Itoa(n)+"/gjson", func(b *testing.B) {
				for b.Loop() {
					got := 0
					for _, l := range d.lines {
						if gjsonMatch(l, c.q) {
							got++
						}
					}
					if got != len(want) {
						b.Fatalf("gjson found %d, index %d", got, len(want))
					}
				}
			})
			b.Run(c.name+"/n="+strconv.Itoa(n)+"/decoded", func(b *testing.B) {
				scratch := make([]any, 0, 8)
				for b.Loop() {
					got := 0
					for i := range d.decoded {
						if decMatch(&d.decoded[i], c.q, scratch) {
							got++
						}
					}
					if got != len(want) {
						b.Fatalf("decoded found %d, index %d", got, len(want))
					}
				}
			})
		}
	}
}

// BenchmarkLoad measures load throughput (MB/s of JSON), the heap an
// index keeps and the peak memory while loading (see loadPeak), as
// ratios to the JSON's size (heap/raw, peak/raw, peakrss/raw).
func BenchmarkLoad(b *testing.B) {
	for _, n := range benchSizes() {
		raw := benchModel(b, n)
		b.Run("n="+strconv.Itoa(n), func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			var ix *eval.Index
			var before runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			load := func() {
				var err error
				if ix, err = eval.LoadIndex(bytes.NewReader(raw), "model.ndjson", dsl.SelectElements); err != nil {
					b.Fatal(err)
				}
			}
			for b.Loop() {
				load()
			}
			b.StopTimer()
			runtime.GC()
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(len(raw)), "heap/raw")
			ix = nil
			reportPeak(b, raw, load)
			runtime.KeepAlive(ix)
		})
	}
}

// distinctKeys returns n records in NDJSON, each holding k property keys
// no other record has: the worst case for per-key costs.
func distinctKeys(n, k int) []byte {
	var b []byte
	for r := range n {
		b = fmt.Appendf(b, `{"elementId":"%d","name":"element %d","properties":[{"group":"g","items":[`, r, r)
		for j := range k {
			if j > 0 {
				b = append(b, ',')
			}
			b = fmt.Appendf(b, `{"key":"k%d_%d","value":"v%d"}`, r, j, j%100)
		}
		b = append(b, "]}]}\n"...)
	}
	return b
}

// loadPeak runs f, a load, and returns the highest memory in use above
// that in use before: heap, garbage not yet collected included, plus the
// loader's scratch outside the heap, sampled every 5 ms; and, where the
// system tells it (Linux), the highest resident set, or 0.
func loadPeak(f func()) (heap, rss uint64) {
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc + uint64(eval.ScratchMapped())
	rssBase := resetPeakRSS()
	var peak uint64
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc+uint64(eval.ScratchMapped()))
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	f()
	close(stop)
	<-done
	runtime.ReadMemStats(&ms)
	peak = max(peak, ms.HeapAlloc+uint64(eval.ScratchMapped()))
	if rssBase > 0 {
		if hwm := procStatus("VmHWM"); hwm > rssBase {
			rss = hwm - rssBase
		}
	}
	return peak - min(peak, base), rss
}

// resetPeakRSS resets the process's resident set high-water mark and
// returns the resident set, or 0 where the system does not allow it.
func resetPeakRSS() uint64 {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		return 0
	}
	return procStatus("VmRSS")
}

// procStatus reads a size in bytes from /proc/self/status, or 0.
func procStatus(field string) uint64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// reportPeak reports the memory loadPeak measured while loading raw,
// as ratios to its size.
func reportPeak(b *testing.B, raw []byte, load func()) {
	heap, rss := loadPeak(load)
	b.ReportMetric(float64(heap)/float64(len(raw)), "peak/raw")
	if rss > 0 {
		b.ReportMetric(float64(rss)/float64(len(raw)), "peakrss/raw")
	}
}

// BenchmarkLoadKeys loads 10 records holding 100,000 keys each, which no
// other record has (36 MB), against typical data of about the same size
// in the same run: MB/s, the heap kept after load and the peak heap while
// loading, both as ratios to the JSON's size.
func BenchmarkLoadKeys(b *testing.B) {
	distinct := distinctKeys(10, 100_000)
	var typical bytes.Buffer
	n := len(distinct) / 1240 // modelgen writes about 1.24 KB an element
	if err := modelgen.WriteElements(&typical, modelgen.Config{Elements: n, Seed: 1}, modelgen.NDJSON); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		raw  []byte
	}{{"distinct_keys", distinct}, {"typical", typical.Bytes()}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.raw)))
			var ix *eval.Index
			var before runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			load := func() {
				var err error
				if ix, err = eval.LoadIndex(bytes.NewReader(c.raw), "model.ndjson", dsl.SelectElements); err != nil {
					b.Fatal(err)
				}
			}
			for b.Loop() {
				load()
			}
			b.StopTimer()
			runtime.GC()
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(len(c.raw)), "heap/raw")
			ix = nil
			reportPeak(b, c.raw, load)
			runtime.KeepAlive(ix)
		})
	}
}
