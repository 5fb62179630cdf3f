package export_test

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

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
// its JSON size is what is on disk) to Parquet, and reports elements/s,
// the CPU time of an export (cpu-s/op, all goroutines) and the Parquet's
// size as a fraction of the JSON's. BenchmarkOpenBaseline loads the same
// model into the engine's index: the same reading, for comparison.
func BenchmarkExport(b *testing.B) {
	cache := benchCache(b)
	json := dirSize(b, cache)
	var size int64
	defer reportCPU(b)()
	for b.Loop() {
		out := b.TempDir()
		_, err := export.Export(cache, out, export.Options{})
		require.NoError(b, err)
		size = dirSize(b, out)
	}
	b.SetBytes(json)
	b.ReportMetric(float64(benchElements(b))*float64(b.N)/b.Elapsed().Seconds(), "elements/s")
	b.ReportMetric(float64(size)/float64(json), "parquet/json")
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
