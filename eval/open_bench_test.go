//go:build unix

package eval_test

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/eval"
	"github.com/bfquery/bfquery/internal/modelgen"
)

// BenchmarkProcess runs whole "bfquery query --cache DIR -f count"
// processes on a generated cache of 100,000 elements (1,000,000 with
// BFQUERY_BENCH_1M=1) with index files (indexed) and on the same JSON
// without them (json), in the same run, and as a floor, processes that
// start and compile the query without opening a cache ("bfquery dsl",
// start). It reports the median wall time per process (ms/proc), the
// median CPU time, user and system, per process (cpu-ms/proc: less
// sensitive than wall time to other work on a busy host), the highest
// resident memory of a process ÷ the JSON size (maxrss/raw), and for the
// index files their size ÷ the JSON size and the time to write them ÷
// the time to load the JSON (build/load).
//
// The caches are generated in a temporary directory, or in
// BFQUERY_BENCH_DIR/n=N when set, where they are kept for the next run
// (the JSON cache links the indexed one's files).
func BenchmarkProcess(b *testing.B) {
	n := 100_000
	if os.Getenv("BFQUERY_BENCH_1M") != "" {
		n = 1_000_000
	}
	if s := os.Getenv("BFQUERY_BENCH_PROCESS_N"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	tmp := b.TempDir()
	bin := filepath.Join(tmp, "bfquery")
	// Built as the README installs it: without cgo, a static binary, which
	// the dynamic loader and the C library's threads do not slow at start.
	gobuild := exec.Command("go", "build", "-o", bin, "github.com/bfquery/bfquery/cmd/bfquery")
	gobuild.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := gobuild.CombinedOutput()
	require.NoError(b, err, string(out))
	base := filepath.Join(tmp, "caches")
	if d := os.Getenv("BFQUERY_BENCH_DIR"); d != "" {
		base = filepath.Join(d, "n="+strconv.Itoa(n))
	}
	jsonDir, idxDir := filepath.Join(base, "json"), filepath.Join(base, "indexed")
	if _, err := os.Stat(filepath.Join(jsonDir, eval.ManifestName)); err != nil {
		require.NoError(b, os.RemoveAll(base))
		require.NoError(b, os.MkdirAll(idxDir, 0o755))
		_, err := modelgen.WriteCache(idxDir, modelgen.CacheConfig{Seed: 1, FileID: "1001", Elements: n, Format: modelgen.NDJSON})
		require.NoError(b, err)
		require.NoError(b, linkTree(idxDir, jsonDir))
	}
	raw := dirSize(b, jsonDir, "")
	start := time.Now()
	c, err := eval.OpenOptions(jsonDir, eval.Options{NoIndex: true})
	require.NoError(b, err)
	load := time.Since(start)
	require.NoError(b, c.Close())
	c = nil
	runtime.GC()
	start = time.Now()
	require.NoError(b, eval.WriteIndexes(idxDir, "", ""))
	build := time.Since(start)
	idx := dirSize(b, idxDir, eval.IndexFileExt)

	type proc struct{ name, dir string }
	for _, q := range []struct{ name, sql string }{
		{"match", "SELECT elementId FROM file 1001 WHERE floor = 'F03'"},
		{"contain", "SELECT elementId FROM file 1001 WHERE name CONTAINS 'mm'"},
	} {
		for _, p := range []proc{{"start", ""}, {"indexed", idxDir}, {"json", jsonDir}} {
			args := []string{"query", "--cache", p.dir, "-f", "count", q.sql}
			if p.dir == "" {
				args = []string{"dsl", q.sql}
			}
			b.Run(q.name+"/n="+strconv.Itoa(n)+"/"+p.name, func(b *testing.B) {
				var times, cpu []time.Duration
				var faults []int64
				for b.Loop() {
					cmd := exec.Command(bin, args...)
					t0 := time.Now()
					out, err := cmd.CombinedOutput()
					times = append(times, time.Since(t0))
					require.NoError(b, err, string(out))
					cpu = append(cpu, cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime())
					if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
						faults = append(faults, int64(ru.Minflt))
					}
				}
				b.ReportMetric(float64(median(times).Microseconds())/1000, "ms/proc")
				b.ReportMetric(float64(median(cpu).Microseconds())/1000, "cpu-ms/proc")
				if len(faults) > 0 {
					slices.Sort(faults)
					b.ReportMetric(float64(faults[len(faults)/2]), "faults/proc")
				}
				// The child's own peak: Linux counts the parent's resident
				// memory at the fork in a child's rusage, so time(1) measures.
				if _, err := os.Stat("/usr/bin/time"); err == nil {
					out, err := exec.Command("/usr/bin/time", append([]string{"-f", "%M", bin}, args...)...).CombinedOutput()
					require.NoError(b, err, string(out))
					lines := strings.Split(strings.TrimSpace(string(out)), "\n")
					kib, err := strconv.Atoi(lines[len(lines)-1])
					require.NoError(b, err, string(out))
					b.ReportMetric(float64(kib)*1024/float64(raw), "maxrss/raw")
				}
				if p.name == "indexed" {
					b.ReportMetric(float64(idx)/float64(raw), "index/raw")
					b.ReportMetric(float64(build)/float64(load), "build/load")
				}
			})
		}
	}
}

// linkTree makes dst a copy of the directory src by hard links (or
// copies where links fail), without its index files.
func linkTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(to, 0o755)
		case filepath.Ext(p) == eval.IndexFileExt:
			return nil
		}
		if os.Link(p, to) == nil {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(to, data, 0o644)
	})
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
