package progress_test

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mattn/go-runewidth"
	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/internal/progress"
)

func TestMain(m *testing.M) {
	// The lines below are measured where █ and … are one column wide,
	// whatever the locale of the host.
	runewidth.DefaultCondition.EastAsianWidth = false
	os.Exit(m.Run())
}

// fakeClock is a clock the test moves; its timers fire as it passes
// them.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
}

type fakeTimer struct {
	at      time.Time
	f       func()
	stopped bool
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) AfterFunc(d time.Duration, f func()) func() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{at: c.now.Add(d), f: f}
	c.timers = append(c.timers, t)
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		was := !t.stopped
		t.stopped = true
		return was
	}
}

// moveTo moves the clock to at, firing the timers due by then in turn,
// each with the clock at its time.
func (c *fakeClock) moveTo(at time.Time) {
	for {
		c.mu.Lock()
		var next *fakeTimer
		for _, t := range c.timers {
			if !t.stopped && !t.at.After(at) && (next == nil || t.at.Before(next.at)) {
				next = t
			}
		}
		if next == nil {
			c.now = at
			c.mu.Unlock()
			return
		}
		next.stopped = true
		c.now = next.at
		c.mu.Unlock()
		next.f()
	}
}

var epoch = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

// step is something done to a bar at a time (from New) and what the bar
// wrote then: the moving clock's timers, then the call.
type step struct {
	at   time.Duration
	call func(*progress.Bar)
	want string
}

func bar(n int) string   { return strings.Repeat("█", n) }
func pad(n int) string   { return strings.Repeat(" ", n) }
func cells(n int) string { return "|" + bar(n) + pad(progress.Cells-n) + "|" }

func TestBar(t *testing.T) {
	tests := []struct {
		name    string
		opts    progress.Options
		columns int
		// resize is the terminal's width from a step on.
		resize map[int]int
		steps  []step
	}{{
		name: "a total unknown at first, then known",
		opts: progress.Options{Total: -1, Unit: "elements"},
		steps: []step{
			{0, func(b *progress.Bar) { b.Update("ids", 0, -1) }, "\rids (0 elements) [0s]"},
			// The rate counts from here: the elements found saved,
			// and the time spent listing IDs, are not speed.
			{2 * time.Second, func(b *progress.Bar) { b.Update("elements", 1000, 4000) },
				"\relements  25% " + cells(7) + " (1000/4000) [2s]"},
			{4 * time.Second, func(b *progress.Bar) { b.Update("elements", 3000, 4000) },
				"\relements  75% " + cells(22) + " (3000/4000, 1000 elements/s) [4s:1s]"},
			{4050 * time.Millisecond, func(b *progress.Bar) { b.Update("spaces", 4000, 4000) }, ""},
			// Nothing more is reported: the stage shows all the same.
			// The line is 2 columns shorter than the last.
			{4100 * time.Millisecond, nil,
				"\rspaces 100% " + cells(30) + " (4000/4000, 1429 elements/s) [4s:0s]" + pad(2)},
			{4200 * time.Millisecond, (*progress.Bar).Finish,
				"\rspaces 100% " + cells(30) + " (4000/4000, 1364 elements/s) [4s]" + pad(3)},
			{5 * time.Second, func(b *progress.Bar) { b.Update("index", 1, 1) }, ""},
			{6 * time.Second, (*progress.Bar).Exit, ""},
		},
	}, {
		name: "a total that changes",
		opts: progress.Options{Total: 100, Unit: "elements", Description: "elements"},
		steps: []step{
			{0, func(b *progress.Bar) { b.Set(50) }, "\relements  50% " + cells(15) + " (50/100) [0s]"},
			{time.Second, func(b *progress.Bar) { b.Update("elements", 100, 400) },
				"\relements  25% " + cells(7) + " (100/400, 50 elements/s) [1s:6s]"},
			// Unknown again: no bar, no time left.
			{2 * time.Second, func(b *progress.Bar) { b.Update("elements", 150, 0) },
				"\relements (150 elements, 50 elements/s) [2s]" + pad(36)},
			{3 * time.Second, (*progress.Bar).Finish,
				"\relements 100% " + cells(30) + " (150/150, 33 elements/s) [3s]"},
		},
	}, {
		name: "slow rates",
		opts: progress.Options{Total: 1000, Unit: "elements", Description: "e"},
		steps: []step{
			{0, func(b *progress.Bar) { b.Set(0) }, "\re   0% " + cells(0) + " (0/1000) [0s]"},
			{30 * time.Second, func(b *progress.Bar) { b.Set(1) }, "\re   0% " + cells(0) + " (1/1000, 2 elements/min) [30s:8h19m30s]"},
			{2 * time.Hour, func(b *progress.Bar) { b.Set(2) }, "\re   0% " + cells(0) + " (2/1000, 1 elements/hr) [2h0m0s:998h0m0s]"},
			{2*time.Hour + time.Second, (*progress.Bar).Exit, "\re   0% " + cells(0) + " (2/1000, 1 elements/hr) [2h0m1s:998h8m19s]"},
		},
	}, {
		name: "throttled redraws",
		opts: progress.Options{Total: 100, Unit: "elements"},
		steps: []step{
			{0, func(b *progress.Bar) { b.Set(10) }, "\r 10% " + cells(3) + " (10/100) [0s]"},
			{50 * time.Millisecond, func(b *progress.Bar) { b.Set(20) }, ""},
			{90 * time.Millisecond, func(b *progress.Bar) { b.Set(30) }, ""},
			// The timer set at 50 ms draws the latest count.
			{100 * time.Millisecond, nil, "\r 30% " + cells(9) + " (30/100, 200 elements/s) [0s:0s]"},
			{150 * time.Millisecond, func(b *progress.Bar) { b.Set(40) }, ""},
			{160 * time.Millisecond, (*progress.Bar).Exit, "\r 40% " + cells(12) + " (40/100, 188 elements/s) [0s:0s]"},
			// The timer set at 150 ms was stopped.
			{time.Second, nil, ""},
			{2 * time.Second, (*progress.Bar).Finish, ""},
		},
	}, {
		name: "a change 100 ms after the last redraw is drawn at once",
		opts: progress.Options{Total: 100, Unit: "elements"},
		steps: []step{
			{0, func(b *progress.Bar) { b.Set(0) }, "\r  0% " + cells(0) + " (0/100) [0s]"},
			{100 * time.Millisecond, func(b *progress.Bar) { b.Set(10) }, "\r 10% " + cells(3) + " (10/100, 100 elements/s) [0s:0s]"},
			{250 * time.Millisecond, func(b *progress.Bar) { b.Set(20) }, "\r 20% " + cells(6) + " (20/100, 80 elements/s) [0s:1s]" + pad(1)},
			{260 * time.Millisecond, func(b *progress.Bar) { b.Set(30) }, ""},
			{350 * time.Millisecond, nil, "\r 30% " + cells(9) + " (30/100, 86 elements/s) [0s:0s]"},
			{10 * time.Second, nil, ""},
		},
	}, {
		name: "bytes",
		opts: progress.Options{Total: 45_000_000, Bytes: true, Description: "tower.rvt"},
		steps: []step{
			{0, func(b *progress.Bar) { b.Set(0) }, "\rtower.rvt   0% " + cells(0) + " (0 B/45.0 MB) [0s]"},
			{2 * time.Second, func(b *progress.Bar) { b.Set(12_345_678) },
				"\rtower.rvt  27% " + cells(8) + " (12.3 MB/45.0 MB, 6.2 MB/s) [2s:5s]"},
			{10 * time.Second, (*progress.Bar).Finish,
				"\rtower.rvt 100% " + cells(30) + " (45.0 MB/45.0 MB, 4.5 MB/s) [10s]" + pad(2)},
		},
	}, {
		name: "a resumed upload's rate counts from where it resumed",
		opts: progress.Options{Total: 2_000_000, Bytes: true, Description: "a.ifc"},
		steps: []step{
			{time.Second, func(b *progress.Bar) { b.Set(1_500_000) }, "\ra.ifc  75% " + cells(22) + " (1.5 MB/2.0 MB) [1s]"},
			{2 * time.Second, func(b *progress.Bar) { b.Set(1_750_000) }, "\ra.ifc  87% " + cells(26) + " (1.8 MB/2.0 MB, 250 kB/s) [2s:1s]"},
			{3 * time.Second, (*progress.Bar).Exit, "\ra.ifc  87% " + cells(26) + " (1.8 MB/2.0 MB, 125 kB/s) [3s:2s]"},
		},
	}, {
		name: "bytes without a total",
		opts: progress.Options{Bytes: true, Description: "pipe"},
		steps: []step{
			{0, func(b *progress.Bar) { b.Set(512) }, "\rpipe (512 B) [0s]"},
			{time.Second, func(b *progress.Bar) { b.Set(2_000_512) }, "\rpipe (2.0 MB, 2.0 MB/s) [1s]"},
			{2 * time.Second, (*progress.Bar).Finish, "\rpipe 100% " + cells(30) + " (2.0 MB/2.0 MB, 1.0 MB/s) [2s]"},
		},
	}, {
		name: "Exit before any change draws where it stands",
		opts: progress.Options{Total: 10, Unit: "elements", Description: "ids"},
		steps: []step{
			{time.Second, (*progress.Bar).Exit, "\rids   0% " + cells(0) + " (0/10) [1s]"},
			{2 * time.Second, func(b *progress.Bar) { b.Set(5) }, ""},
		},
	}, {
		name:    "a narrow terminal: the bar narrows, then goes, then the times, the rate, the description",
		opts:    progress.Options{Total: 4000, Unit: "elements"},
		columns: 40,
		steps: []step{
			// 63 columns wide in full: 24 too many for 39.
			{0, func(b *progress.Bar) { b.Update("elements", 1000, 4000) }, "\relements  25% |█     | (1000/4000) [0s]"},
			{time.Second, func(b *progress.Bar) { b.Update("spaces", 4000, 4000) }, "\rspaces 100% (4000/4000)" + pad(16)},
			{2 * time.Second, func(b *progress.Bar) { b.Update("a description too long for any line", 4000, 4000) },
				"\ra description too lon… 100% (4000/4000)"},
			{3 * time.Second, (*progress.Bar).Finish, "\ra description too lon… 100% (4000/4000)"},
		},
	}, {
		name:    "padding never goes past the terminal's width, which changed",
		opts:    progress.Options{Total: 100, Unit: "elements", Description: "elements"},
		columns: 200,
		resize:  map[int]int{1: 52},
		steps: []step{
			{0, func(b *progress.Bar) { b.Set(1) }, "\relements   1% " + cells(0) + " (1/100) [0s]"},
			{time.Second, func(b *progress.Bar) { b.Set(2) }, "\relements   2% |  | (2/100, 1 elements/s) [1s:1m38s]"},
		},
	}, {
		name: "control characters in a description are shown as ?",
		opts: progress.Options{Unit: "elements", Description: "a\rb\x1b[2Jc"},
		steps: []step{
			{0, func(b *progress.Bar) { b.Set(1) }, "\ra?b?[2Jc (1 elements) [0s]"},
			{time.Second, func(b *progress.Bar) { b.Update("\n", 2, 0) }, "\r? (2 elements, 1 elements/s) [1s]"},
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clock := &fakeClock{now: epoch}
			tc.opts.Clock = clock
			columns := tc.columns
			tc.opts.Columns = func() int { return columns }
			var buf bytes.Buffer
			b := progress.New(&buf, tc.opts)
			for i, s := range tc.steps {
				if c, ok := tc.resize[i]; ok {
					columns = c
				}
				clock.moveTo(epoch.Add(s.at))
				if s.call != nil {
					s.call(b)
				}
				require.Equal(t, s.want, buf.String(), "step %d at %v", i, s.at)
				buf.Reset()
			}
		})
	}
}

func TestBytes(t *testing.T) {
	tests := []struct {
		n    float64
		want string
	}{
		{0, "0 B"},
		{999, "999 B"},
		{999.4, "999 B"},
		{999.5, "1.0 kB"},
		{1000, "1.0 kB"},
		{12_345_678, "12.3 MB"},
		{99_949_999, "99.9 MB"},
		{99_950_000, "100 MB"},
		{123_456_789, "123 MB"},
		{999_499_999, "999 MB"},
		{999_500_000, "1.0 GB"},
		{1e18, "1.0 EB"},
		{5e21, "5000 EB"},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.n), func(t *testing.T) {
			require.Equal(t, tc.want, progress.Bytes(tc.n))
		})
	}
}

// TestConcurrent reports from several goroutines while the real clock's
// timers draw late changes: run with -race, it shows the bar keeps its
// state to itself, and that nothing is drawn after Finish.
func TestConcurrent(t *testing.T) {
	var w lockedBuffer
	b := progress.New(&w, progress.Options{Total: 8000, Unit: "elements", Description: "elements"})
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := int64(0)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 1000 {
				mu.Lock()
				done++
				n := done
				mu.Unlock()
				b.Update("elements", n, 8000)
			}
		}()
	}
	wg.Wait()
	b.Finish()
	end := w.String()
	require.Regexp(t, `^\relements 100% \|█{30}\| \(8000/8000(, \d+ elements/s)?\) \[[0-9hms]+\] *$`, end[strings.LastIndex(end, "\r"):])
	// A timer set by the last changes would fire within Every.
	time.Sleep(2 * progress.Every)
	require.Equal(t, end, w.String(), "the bar drew after Finish")
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}
