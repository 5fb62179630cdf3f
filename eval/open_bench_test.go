//go:build unix

package eval_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/eval"
	"github.com/bfquery/bfquery/internal/modelgen"
)

// BenchmarkProcess runs whole "bfquery query --cache DIR -f count"
// processes on a generated cache of 100,000 elements with index files
// (indexed) and on the same cache without them (json), in the same run.
// It reports the median wall time per process (ms/proc), the highest
// resident memory of a process ÷ the JSON size (maxrss/raw), and for the
// index files their size ÷ the JSON size and the time to write them ÷
// the time to load the JSON (build/load).
func BenchmarkProcess(b *testing.B) {
	n := 100_000
	if s := os.Getenv("BFQUERY_BENCH_PROCESS_N"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	tmp := b.TempDir()
	bin := filepath.Join(tmp, "bfquery")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/bfquery/bfquery/cmd/bfquery").CombinedOutput()
	require.NoError(b, err, string(out))
	jsonDir, idxDir := filepath.Join(tmp, "json"), filepath.Join(tmp, "indexed")
	for _, d := range []string{jsonDir, idxDir} {
		require.NoError(b, os.MkdirAll(d, 0o755))
		_, err := modelgen.WriteCache(d, modelgen.CacheConfig{Seed: 1, FileID: "1001", Elements: n, Format: modelgen.NDJSON})
		require.NoError(b, err)
	}
	raw := dirSize(b, jsonDir, "")
	start := time.Now()
	c, err := eval.OpenOptions(jsonDir, eval.Options{NoIndex: true})
	require.NoError(b, err)
	load := time.Since(start)
	_ = c
	start = time.Now()
	require.NoError(b, eval.WriteIndexes(idxDir, "", ""))
	build := time.Since(start)
	idx := dirSize(b, idxDir, eval.IndexFileExt)

	for _, q := range []struct{ name, sql string }{
		{"match", "SELECT elementId FROM file 1001 WHERE floor = 'F03'"},
		{"contain", "SELECT elementId FROM file 1001 WHERE name CONTAINS 'mm'"},
	} {
		for _, c := range []struct{ name, dir string }{{"indexed", idxDir}, {"json", jsonDir}} {
			b.Run(q.name+"/n="+strconv.Itoa(n)+"/"+c.name, func(b *testing.B) {
				var times []time.Duration
				for b.Loop() {
					cmd := exec.Command(bin, "query", "--cache", c.dir, "-f", "count", q.sql)
					t0 := time.Now()
					out, err := cmd.CombinedOutput()
					times = append(times, time.Since(t0))
					require.NoError(b, err, string(out))
				}
				b.ReportMetric(float64(median(times).Microseconds())/1000, "ms/proc")
				// The child's own peak: Linux counts the parent's resident
				// memory at the fork in a child's rusage, so time(1) measures.
				if _, err := os.Stat("/usr/bin/time"); err == nil {
					out, err := exec.Command("/usr/bin/time", "-f", "%M", bin, "query", "--cache", c.dir, "-f", "count", q.sql).CombinedOutput()
					require.NoError(b, err, string(out))
					lines := strings.Split(strings.TrimSpace(string(out)), "\n")
					kib, err := strconv.Atoi(lines[len(lines)-1])
					require.NoError(b, err, string(out))
					b.ReportMetric(float64(kib)*1024/float64(raw), "maxrss/raw")
				}
				if c.name == "indexed" {
					b.ReportMetric(float64(idx)/float64(raw), "index/raw")
					b.ReportMetric(float64(build)/float64(load), "build/load")
				}
			})
		}
	}
}

func median(ts []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ts...)
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s[len(s)/2]
}

// dirSize is the size of the files under dir whose names end in ext, or
// of the others when ext is "".
func dirSize(b *testing.B, dir, ext string) int64 {
	var n int64
	require.NoError(b, filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() || fi.Name() == eval.ManifestName {
			return err
		}
		if (ext == "") != (filepath.Ext(p) == ext) {
			n += fi.Size()
		}
		return nil
	}))
	return n
}
