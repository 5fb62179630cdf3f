package pull_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gofrs/flock"
	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/bimface/bimfacetest"
	"github.com/bfquery/bfquery/bimface/pull"
	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
	"github.com/bfquery/bfquery/internal/demo"
	"github.com/bfquery/bfquery/internal/modelgen"
)

var (
	demoOnce sync.Once
	demoData *bimfacetest.Data
	demoErr  error
)

func demoModel(t testing.TB) *bimfacetest.Data {
	t.Helper()
	demoOnce.Do(func() { demoData, demoErr = bimfacetest.LoadFS(demo.FS()) })
	require.NoError(t, demoErr)
	return demoData
}

// requireSameCache checks that the cache in dir holds exactly the
// records of target (t, id) in want, in the same order, and answers
// queries the same.
func requireSameCache(t *testing.T, dir string, want *eval.Cache, typ dsl.TargetType, id string) {
	t.Helper()
	got, err := eval.Open(dir)
	require.NoError(t, err)
	for _, sel := range []dsl.Select{dsl.SelectElements, dsl.SelectRooms, dsl.SelectAreas} {
		wix, werr := want.Index(typ, id, sel)
		gix, gerr := got.Index(typ, id, sel)
		if werr != nil {
			require.Error(t, gerr, "%v", sel)
			continue
		}
		require.NoError(t, gerr, "%v", sel)
		require.Equal(t, wix.Len(), gix.Len(), "%v", sel)
		var w, g []string
		for i := range wix.Len() {
			w, g = append(w, wix.ID(i)), append(g, gix.ID(i))
		}
		if sel != dsl.SelectElements {
			// Rooms and areas are pulled floor by floor.
			slices.Sort(w)
			slices.Sort(g)
		}
		require.Equal(t, w, g, "%v", sel)
	}
	for _, q := range []dsl.Query{
		dsl.Match(dsl.Floor, "F03"),
		dsl.Contain(dsl.FamilyType, "钢"),
		dsl.Or(dsl.Match("体积", 0.352), dsl.In(dsl.Specialty, "结构", "暖通")),
	} {
		req := dsl.NewRequest(typ, id).Where(q)
		w, err := want.Query(req, dsl.SelectElements)
		require.NoError(t, err)
		g, err := got.Query(req, dsl.SelectElements)
		require.NoError(t, err)
		require.Equal(t, w, g)
	}
}

func TestPullDemo(t *testing.T) {
	s := bimfacetest.NewServer(t, demoModel(t))
	dir := t.TempDir()
	var last pull.Progress
	calls := 0
	res, err := pull.Pull(context.Background(), s.Client(), pull.Options{
		Type: dsl.TargetFile, ID: demo.FileID, Dir: dir,
		Progress: func(p pull.Progress) {
			require.GreaterOrEqual(t, p.Done, last.Done)
			last = p
			calls++
		},
	})
	require.NoError(t, err)
	require.False(t, res.UpToDate)
	require.Equal(t, 4000, res.Fetched)
	require.Equal(t, pull.StageDone, last.Stage)
	require.Equal(t, 4000, last.Done)
	require.Equal(t, 4000, last.Total)
	require.Greater(t, calls, 4)
	require.Equal(t, eval.Counts{Elements: 4000, Rooms: 40, Areas: 8}, res.Target.Counts)
	require.Equal(t, s.URL+"/data/v2/files/"+demo.FileID+"/elements", res.Target.Source)
	requireSameCache(t, dir, s.Data().Cache(), dsl.TargetFile, demo.FileID)

	// Again: nothing to do.
	before := s.Requests()
	again, err := pull.Pull(context.Background(), s.Client(), pull.Options{Type: dsl.TargetFile, ID: demo.FileID, Dir: dir})
	require.NoError(t, err)
	require.True(t, again.UpToDate)
	require.Equal(t, before, s.Requests())

	// A refresh pulls into a new directory and drops the old one.
	fresh, err := pull.Pull(context.Background(), s.Client(), pull.Options{Type: dsl.TargetFile, ID: demo.FileID, Dir: dir, Refresh: true})
	require.NoError(t, err)
	require.False(t, fresh.UpToDate)
	require.NotEqual(t, res.Target.Elements[0].Path, fresh.Target.Elements[0].Path)
	_, err = os.Stat(filepath.Join(dir, filepath.Dir(res.Target.Elements[0].Path)))
	require.ErrorIs(t, err, os.ErrNotExist)
	requireSameCache(t, dir, s.Data().Cache(), dsl.TargetFile, demo.FileID)
}

// TestPullInterrupted stops pulls at random points, with faults on the
// wire and debris of a crash on disk, and resumes them until they finish.
func TestPullInterrupted(t *testing.T) {
	for seed := range uint64(4) {
		t.Run("seed "+strconv.FormatUint(seed, 10), func(t *testing.T) {
			s := bimfacetest.NewServer(t, demoModel(t), bimfacetest.WithFaults(bimfacetest.Faults{
				Seed: seed, ErrorRate: 0.05, TruncateRate: 0.05, ExpireTokensEvery: 17,
			}))
			c := s.Client(bimface.WithRetry(bimface.RetryPolicy{MaxAttempts: 8, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}))
			rng := rand.New(rand.NewPCG(seed, 1))
			dir := t.TempDir()
			opts := pull.Options{Type: dsl.TargetFile, ID: demo.FileID, Dir: dir, BatchSize: 150, Concurrency: 3}
			interrupted := 0
			for run := 0; ; run++ {
				require.Less(t, run, 50, "the pull never finished")
				ctx, cancel := context.WithCancel(context.Background())
				stopAt := rng.IntN(8)
				o := opts
				n := 0
				o.Progress = func(p pull.Progress) {
					if n++; n > stopAt && run < 6 {
						cancel()
					}
				}
				res, err := pull.Pull(ctx, c, o)
				cancel()
				if err == nil {
					require.Equal(t, 4000, res.Resumed+res.Fetched)
					break
				}
				require.ErrorIs(t, err, context.Canceled)
				interrupted++
				// Debris of a crash in the middle of writing a batch.
				if dirs, _ := filepath.Glob(filepath.Join(dir, "file-*")); len(dirs) > 0 {
					os.WriteFile(filepath.Join(dirs[0], ".tmp-elements-000007.ndjson-1"), []byte(`{"elementId":"x"`), 0o644)
				}
				// Nothing is readable before the pull finishes.
				_, err = eval.Open(dir)
				require.Error(t, err)
			}
			require.Positive(t, interrupted)
			requireSameCache(t, dir, s.Data().Cache(), dsl.TargetFile, demo.FileID)
			tmps, _ := filepath.Glob(filepath.Join(dir, "*", ".tmp-*"))
			require.Empty(t, tmps)
			plans, _ := filepath.Glob(filepath.Join(dir, ".pull-*"))
			require.Empty(t, plans)
		})
	}
}

// TestPullCrashAfterManifest resumes a pull that wrote its manifest but
// died before removing its plan.
func TestPullCrashAfterManifest(t *testing.T) {
	s := bimfacetest.NewServer(t, demoModel(t))
	dir := t.TempDir()
	var plan []byte
	var planPath string
	_, err := pull.Pull(context.Background(), s.Client(), pull.Options{
		Type: dsl.TargetFile, ID: demo.FileID, Dir: dir,
		Progress: func(p pull.Progress) {
			if p.Stage == pull.StageSpaces {
				paths, _ := filepath.Glob(filepath.Join(dir, ".pull-*"))
				require.Len(t, paths, 1)
				planPath = paths[0]
				plan, _ = os.ReadFile(planPath)
			}
		},
	})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(planPath, plan, 0o644))
	before := s.Requests()
	res, err := pull.Pull(context.Background(), s.Client(), pull.Options{Type: dsl.TargetFile, ID: demo.FileID, Dir: dir})
	require.NoError(t, err)
	require.True(t, res.UpToDate)
	require.Equal(t, before, s.Requests())
	_, err = os.Stat(planPath)
	require.ErrorIs(t, err, os.ErrNotExist)
	requireSameCache(t, dir, s.Data().Cache(), dsl.TargetFile, demo.FileID)
}

// TestPullCrashBeforeIndex resumes a pull that wrote its manifest but
// died before writing its index files: the resumed pull writes them.
func TestPullCrashBeforeIndex(t *testing.T) {
	s := bimfacetest.NewServer(t, demoModel(t))
	dir := t.TempDir()
	var plan []byte
	var planPath string
	_, err := pull.Pull(context.Background(), s.Client(), pull.Options{
		Type: dsl.TargetFile, ID: demo.FileID, Dir: dir,
		Progress: func(p pull.Progress) {
			if p.Stage == pull.StageSpaces {
				paths, _ := filepath.Glob(filepath.Join(dir, ".pull-*"))
				require.Len(t, paths, 1)
				planPath = paths[0]
				plan, _ = os.ReadFile(planPath)
			}
		},
	})
	require.NoError(t, err)
	indexes, err := filepath.Glob(filepath.Join(dir, "*", "*"+eval.IndexFileExt))
	require.NoError(t, err)
	require.Len(t, indexes, 3, "elements, rooms and areas")
	for _, ix := range indexes {
		require.NoError(t, os.Remove(ix))
	}
	require.NoError(t, os.WriteFile(planPath, plan, 0o644))

	res, err := pull.Pull(context.Background(), s.Client(), pull.Options{Type: dsl.TargetFile, ID: demo.FileID, Dir: dir})
	require.NoError(t, err)
	require.True(t, res.UpToDate)
	for _, ix := range indexes {
		_, err := os.Stat(ix)
		require.NoError(t, err)
	}
	// They are current: a stale or damaged one would be reported.
	var notes []string
	c, err := eval.OpenOptions(dir, eval.Options{Notify: func(s string) { notes = append(notes, s) }})
	require.NoError(t, err)
	defer c.Close()
	require.Empty(t, notes)
	requireSameCache(t, dir, s.Data().Cache(), dsl.TargetFile, demo.FileID)
}

// TestPullKilled kills a pull running in another process at random
// moments, then finishes it here.
func TestPullKilled(t *testing.T) {
	if dir := os.Getenv("BFQUERY_PULL_CHILD_DIR"); dir != "" {
		c, err := bimface.NewClient(bimface.WithEndpoint(os.Getenv("BFQUERY_PULL_CHILD_URL")), bimface.WithCredentials(bimfacetest.AppKey, bimfacetest.AppSecret))
		require.NoError(t, err)
		_, err = pull.Pull(context.Background(), c, pull.Options{Type: dsl.TargetFile, ID: demo.FileID, Dir: dir, BatchSize: 100, Concurrency: 2})
		require.NoError(t, err)
		return
	}
	if testing.Short() {
		t.Skip("starts processes")
	}
	s := bimfacetest.NewServer(t, demoModel(t), bimfacetest.WithFaults(bimfacetest.Faults{Latency: 15 * time.Millisecond}))
	dir := t.TempDir()
	exe, err := os.Executable()
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(42, 42))
	for range 3 {
		cmd := exec.Command(exe, "-test.run=^TestPullKilled$")
		cmd.Env = append(os.Environ(), "BFQUERY_PULL_CHILD_DIR="+dir, "BFQUERY_PULL_CHILD_URL="+s.URL)
		require.NoError(t, cmd.Start())
		time.Sleep(time.Duration(30+rng.IntN(120)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
	}
	res, err := pull.Pull(context.Background(), s.Client(), pull.Options{Type: dsl.TargetFile, ID: demo.FileID, Dir: dir})
	require.NoError(t, err)
	t.Logf("after the kills: %d elements were saved, %d left to read", res.Resumed, res.Fetched)
	if !res.UpToDate {
		require.Equal(t, 4000, res.Resumed+res.Fetched)
	}
	requireSameCache(t, dir, s.Data().Cache(), dsl.TargetFile, demo.FileID)
}

func TestPullPersistentFailure(t *testing.T) {
	s := bimfacetest.NewServer(t, demoModel(t), bimfacetest.WithFaults(bimfacetest.Faults{FailAfter: 5}))
	start := time.Now()
	_, err := pull.Pull(context.Background(), s.Client(), pull.Options{Type: dsl.TargetFile, ID: demo.FileID, Dir: t.TempDir(), BatchSize: 200})
	var e *bimface.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, bimface.CodeSystemError, e.Code)
	require.Equal(t, 500, e.StatusCode)
	require.Less(t, time.Since(start), 5*time.Second)
}

func TestPullIntegration(t *testing.T) {
	src := t.TempDir()
	_, err := modelgen.WriteCache(src, modelgen.CacheConfig{Seed: 9, FileID: "77", Elements: 2400, IntegrationID: "900", IntegrationFiles: 3, Format: modelgen.NDJSON})
	require.NoError(t, err)
	data, err := bimfacetest.Load(src)
	require.NoError(t, err)
	s := bimfacetest.NewServer(t, data)
	dir := t.TempDir()
	for _, o := range []pull.Options{
		{Type: dsl.TargetIntegration, ID: "900", Dir: dir, BatchSize: 300},
		{Type: dsl.TargetFile, ID: "77", Dir: dir},
	} {
		_, err := pull.Pull(context.Background(), s.Client(), o)
		require.NoError(t, err)
	}
	requireSameCache(t, dir, data.Cache(), dsl.TargetIntegration, "900")
	requireSameCache(t, dir, data.Cache(), dsl.TargetFile, "77")
	got, err := eval.Open(dir)
	require.NoError(t, err)
	ix, err := got.Index(dsl.TargetIntegration, "900", dsl.SelectElements)
	require.NoError(t, err)
	for i := range ix.Len() {
		file, _, ok := strings.Cut(ix.ID(i), ".")
		require.True(t, ok, ix.ID(i))
		require.NotEmpty(t, file)
	}
}

func TestPullBadOptions(t *testing.T) {
	s := bimfacetest.NewServer(t, demoModel(t))
	for _, o := range []pull.Options{
		{Type: "model", ID: "1", Dir: t.TempDir()},
		{Type: dsl.TargetFile, ID: "../x", Dir: t.TempDir()},
		{Type: dsl.TargetFile, ID: "1"},
	} {
		_, err := pull.Pull(context.Background(), s.Client(), o)
		require.Error(t, err)
	}
	_, err := pull.Pull(context.Background(), s.Client(), pull.Options{Type: dsl.TargetFile, ID: "42", Dir: t.TempDir()})
	var e *bimface.Error
	require.True(t, errors.As(err, &e))
	require.Equal(t, bimface.CodeFileNotFound, e.Code)
}

// TestPullBadPlan refuses a plan whose directory is not one name in the
// cache directory, on any system.
func TestPullBadPlan(t *testing.T) {
	s := bimfacetest.NewServer(t, demoModel(t))
	for _, bad := range []string{"..", "../x", `..\x`, `a\b`, "C:x", "x:stream"} {
		t.Run(bad, func(t *testing.T) {
			dir := t.TempDir()
			plan := filepath.Join(dir, ".pull-file-"+demo.FileID+".json")
			require.NoError(t, os.WriteFile(plan, []byte(`{"version":1,"type":"file","id":"`+demo.FileID+`","dir":`+strconv.Quote(bad)+`,"batches":[]}`), 0o644))
			_, err := pull.Pull(context.Background(), s.Client(), pull.Options{Type: dsl.TargetFile, ID: demo.FileID, Dir: dir})
			require.EqualError(t, err, "pull: "+plan+": bad directory "+strconv.Quote(bad))
		})
	}
}

// TestConcurrentPulls runs two pulls of different targets into one cache
// at once: both end in the manifest. A second pull of a target already
// being pulled there is refused at once.
func TestConcurrentPulls(t *testing.T) {
	src := t.TempDir()
	_, err := modelgen.WriteCache(src, modelgen.CacheConfig{Seed: 3, FileID: "77", Elements: 3000, IntegrationID: "900", IntegrationFiles: 2, Format: modelgen.NDJSON})
	require.NoError(t, err)
	data, err := bimfacetest.Load(src)
	require.NoError(t, err)
	s := bimfacetest.NewServer(t, data)
	for range 3 {
		dir := t.TempDir()
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, target := range []pull.Options{{Type: dsl.TargetFile, ID: "77"}, {Type: dsl.TargetIntegration, ID: "900"}} {
			target.Dir, target.BatchSize = dir, 100
			wg.Go(func() { _, errs[i] = pull.Pull(context.Background(), s.Client(), target) })
		}
		wg.Wait()
		require.NoError(t, errors.Join(errs...))
		c, err := eval.Open(dir)
		require.NoError(t, err)
		require.Len(t, c.Targets(), 2)
		// Elements, rooms and areas of the file, elements of the
		// integration, each built during its own pull.
		requireIndexLikeCommand(t, dir, 4)
	}

	dir := t.TempDir()
	held := flock.New(filepath.Join(dir, ".lock-file-77"))
	locked, err := held.TryLock()
	require.NoError(t, err)
	require.True(t, locked)
	defer held.Unlock()
	_, err = pull.Pull(context.Background(), s.Client(), pull.Options{Type: dsl.TargetFile, ID: "77", Dir: dir})
	require.EqualError(t, err, "pull: another pull of file 77 into "+dir+" is running")
}

// TestPullRefusesOtherDirectories keeps a pull out of a directory that
// holds other files.
func TestPullRefusesOtherDirectories(t *testing.T) {
	s := bimfacetest.NewServer(t, demoModel(t))
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644))
	_, err := pull.Pull(context.Background(), s.Client(), pull.Options{Type: dsl.TargetFile, ID: demo.FileID, Dir: dir})
	require.EqualError(t, err, "pull: "+dir+" holds files but is not a bfquery cache: pull into a new or empty directory")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "nothing written")
}
