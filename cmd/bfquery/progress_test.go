package main

import (
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mattn/go-runewidth"
	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/bimface/bimfacetest"
	"github.com/bfquery/bfquery/internal/demo"
	"github.com/bfquery/bfquery/internal/ptytest"
)

// runOnTerminal runs bfquery with args on pt, and waits for it to end.
func runOnTerminal(t *testing.T, pt *ptytest.Session, args ...string) int {
	t.Helper()
	done := make(chan int, 1)
	go func() { done <- run(args, pt.TTY, pt.TTY, pt.TTY) }()
	select {
	case code := <-done:
		return code
	case <-time.After(ptytest.WaitFor):
		t.Fatalf("bfquery %s did not end in %v; the screen shows:\n%s", strings.Join(args, " "), ptytest.WaitFor, pt.Screen())
		return 0
	}
}

// TestPullBarOnTerminal pulls the demo model on a terminal, one batch at
// a time, and holds the second batch until the screen shows the bar of
// the elements stage. Once the pull is done, the screen shows its last
// line in place of that longer one, nothing of it left, and then what
// was pulled.
func TestPullBarOnTerminal(t *testing.T) {
	srv := simulator(t)
	var batches atomic.Int32
	held, release := make(chan struct{}), make(chan struct{})
	srv.SetFaults(bimfacetest.Faults{Intercept: func(_ int, _ http.ResponseWriter, r *http.Request) bool {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/elements") && batches.Add(1) == 2 {
			close(held)
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}
		return false
	}})
	pt := ptytest.Open(t)
	dir := filepath.Join(t.TempDir(), "cache")
	done := make(chan int, 1)
	go func() {
		done <- run([]string{"pull", "--endpoint", srv.URL, "--file", demo.FileID, "--out", dir, "--concurrency", "1"}, pt.TTY, pt.TTY, pt.TTY)
	}()
	select {
	case <-held:
	case <-time.After(ptytest.WaitFor):
		t.Fatalf("the second batch was not asked for; the screen shows:\n%s", pt.Screen())
	}
	// 1000 of 4000 elements: 7 of the bar's 30 cells.
	during := regexp.MustCompile(`^elements  25% \|█{7} {23}\| \(1000/4000, \d+ elements/s\) \[\d+s:[0-9hms]+\]$`)
	scr := pt.WaitScreen("the elements stage at 1000 of 4000", func(scr string) bool { return during.MatchString(scr) })
	close(release)
	select {
	case code := <-done:
		require.Equal(t, 0, code, pt.Screen())
	case <-time.After(ptytest.WaitFor):
		t.Fatalf("the pull did not end; the screen shows:\n%s", pt.Screen())
	}
	last := regexp.MustCompile(`^(done 100% \|█{30}\| \(4000/4000, \d+ elements/s\) \[[0-9hms]+\])\n` +
		`pulled file 1124890692330272 into ` + regexp.QuoteMeta(dir) + `: 4000 elements \(0 resumed\), 40 rooms, 8 areas in [0-9.µmsh]+$`)
	end := pt.WaitScreen("the finished bar, then what was pulled", func(scr string) bool { return last.MatchString(scr) })
	// The last line had a longer one to cover.
	require.Greater(t, runewidth.StringWidth(scr), runewidth.StringWidth(last.FindStringSubmatch(end)[1]), end)
}

// TestUploadBarOnTerminal uploads a file on a terminal: the screen shows
// the bar full, in bytes, and then what was uploaded.
func TestUploadBarOnTerminal(t *testing.T) {
	srv := jobServer(t)
	model := writeModel(t, "tower.rvt", 300_000)
	pt := ptytest.Open(t)
	require.Equal(t, 0, runOnTerminal(t, pt, "upload", model, "--endpoint", srv.URL), pt.Screen())
	last := regexp.MustCompile(`^tower\.rvt 100% \|█{30}\| \(300 kB/300 kB(, [0-9.]+ [kMGTPE]?B/s)?\) \[[0-9hms]+\]\n` +
		`uploaded tower\.rvt as file \d+ \(300000 bytes\)$`)
	pt.WaitScreen("the finished bar, then what was uploaded", func(scr string) bool { return last.MatchString(scr) })
}
