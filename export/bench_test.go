package export_test

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/eval"
	"github.com/bfquery/bfquery/export"
	"github.com/bfquery/bfquery/internal/modelgen"
)

// benchElements is the model size of the benchmarks: 100,000 elements, or
// BFQUERY_BENCH_ELEMENTS (1000000 for the README's figure).
func benchElements(b *testing.B) int {
	if s := os.Getenv("BFQUERY_BENCH_ELEMENTS"); s != "" {
		n, err := strconv.Atoi(s)
		require.NoError(b, err)
		return n
	}
	return 100_000
}

func dirSize(b *testing.B, dir string) int64 {
	var n int64
	require.NoError(b, filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			n += fi.Size()
		}
		return err
	}))
	return n
}

// BenchmarkExport exports a generated model (NDJSON, not gzipped, so that
// its JSON size is what is on disk) to Parquet twice an iteration: with
// export's own Parquet writer, and with parquet-go's, the baseline,
// in turns (which goes first alternates), so that both see the same load
// of a shared host. It reports, for its own writer, elements/s, the CPU
// time of an export (cpu-s/op, all goroutines) and the Parquet's size as
// a fraction of the JSON's; the same for the baseline (base-…); and the
// ratios of wall and CPU time (…/base, below 1 when faster). ns/op is the
// time of both exports. BenchmarkOpenBaseline loads the same model into
// the engine's index: the same reading, for comparison.
func BenchmarkExport(b *testing.B) {
	cache := benchCache(b)
	json := float64(dirSize(b, cache))
	var own, base exportRun
	i := 0
	for b.Loop() {
		if i%2 == 0 {
			own.add(b, cache, false)
			base.add(b, cache, true)
		} else {
			base.add(b, cache, true)
			own.add(b, cache, false)
		}
		i++
	}
	elements := float64(benchElements(b) * i)
	b.ReportMetric(elements/own.wall.Seconds(), "elements/s")
	b.ReportMetric(float64(own.size)/json, "parquet/json")
	b.ReportMetric(elements/base.wall.Seconds(), "base-elements/s")
	b.ReportMetric(float64(base.size)/json, "base-parquet/json")
	b.ReportMetric(own.wall.Seconds()/base.wall.Seconds(), "wall/base")
	if !own.noCPU && !base.noCPU {
		b.ReportMetric(own.cpu.Seconds()/float64(i), "cpu-s/op")
		b.ReportMetric(base.cpu.Seconds()/float64(i), "base-cpu-s/op")
		b.ReportMetric(own.cpu.Seconds()/base.cpu.Seconds(), "cpu/base")
	}
}

// exportRun sums the exports of one writer.
type exportRun struct {
	wall, cpu time.Duration
	noCPU     bool // the system does not tell CPU time
	size      int64
}

// add exports cache, with parquet-go's writer when baseline.
func (r *exportRun) add(b *testing.B, cache string, baseline bool) {
	out := b.TempDir()
	if baseline {
		defer export.UseParquetGo()()
	}
	start := time.Now()
	cpu0, ok0 := cpuTime()
	_, err := export.Export(cache, out, export.Options{})
	cpu1, ok1 := cpuTime()
	r.wall += time.Since(start)
	require.NoError(b, err)
	r.cpu += cpu1 - cpu0
	r.noCPU = r.noCPU || !ok0 || !ok1
	r.size = dirSize(b, out)
	require.NoError(b, os.RemoveAll(out))
}

func BenchmarkOpenBaseline(b *testing.B) {
	cache := benchCache(b)
	b.SetBytes(dirSize(b, cache))
	defer reportCPU(b)()
	for b.Loop() {
		_, err := eval.Open(cache)
		require.NoError(b, err)
	}
	b.ReportMetric(float64(benchElements(b))*float64(b.N)/b.Elapsed().Seconds(), "elements/s")
}

// reportCPU starts measuring CPU time; the function it returns reports it
// per operation as cpu-s/op.
func reportCPU(b *testing.B) func() {
	start, ok := cpuTime()
	return func() {
		if end, ok2 := cpuTime(); ok && ok2 && b.N > 0 {
			b.ReportMetric((end-start).Seconds()/float64(b.N), "cpu-s/op")
		}
	}
}

var benchCaches = map[int]string{}

// benchCache returns the generated cache of the benchmarks, in a temporary
// directory removed at the end, or in BFQUERY_BENCH_CACHE (a directory,
// written when it holds no cache yet and kept) so that several runs at 1M
// elements generate it once.
func benchCache(b *testing.B) string {
	n := benchElements(b)
	if dir := benchCaches[n]; dir != "" {
		return dir
	}
	if dir := os.Getenv("BFQUERY_BENCH_CACHE"); dir != "" {
		if _, err := os.Stat(filepath.Join(dir, eval.ManifestName)); err == nil {
			return dir
		}
		require.NoError(b, os.MkdirAll(dir, 0o755))
		_, err := modelgen.WriteCache(dir, modelgen.CacheConfig{Seed: 1, FileID: "1", Elements: n, Format: modelgen.NDJSON})
		require.NoError(b, err)
		return dir
	}
	dir, err := os.MkdirTemp("", "bfquery-bench-")
	require.NoError(b, err)
	_, err = modelgen.WriteCache(dir, modelgen.CacheConfig{Seed: 1, FileID: "1", Elements: n, Format: modelgen.NDJSON})
	require.NoError(b, err)
	benchCaches[n] = dir
	return dir
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, dir := range benchCaches {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}
