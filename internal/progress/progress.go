// Package progress draws a progress bar on one line of a terminal:
//
//	elements  45% |█████████████                 | (1800/4000, 1200 elements/s) [3s:1s]
//
// It is redrawn in place with a carriage return, at most every
// [Every], and never wider than the terminal. It writes nothing but the
// line: no colours, no cursor movements, so that any terminal shows it,
// Windows consoles without escape sequences included.
package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/mattn/go-runewidth"
	"golang.org/x/term"
)

// Every is the least time between two redraws: counts may change
// thousands of times a second, and a terminal need not show each.
const Every = 100 * time.Millisecond

// Cells is the width of the bar itself, when the terminal has room.
const Cells = 30

// Clock is the time a Bar reads and the timer it redraws with.
type Clock interface {
	Now() time.Time
	// AfterFunc calls f in its own goroutine after d, unless stop is
	// called first.
	AfterFunc(d time.Duration, f func()) (stop func() bool)
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) AfterFunc(d time.Duration, f func()) func() bool {
	return time.AfterFunc(d, f).Stop
}

// Options are what a Bar counts and how it is drawn.
type Options struct {
	// Description comes first on the line; Update changes it.
	Description string
	// Total is the count at which the work is done; 0 or less while it
	// is not known.
	Total int64
	// Unit names what is counted ("elements"), unless Bytes.
	Unit string
	// Bytes counts bytes, written in decimal units ("12.3 MB").
	Bytes bool
	// Columns returns the terminal's width, 0 if it is not known. By
	// default it is the width of w when w is a terminal.
	Columns func() int
	// Clock is the time, by default the system's.
	Clock Clock
}

// Bar is a progress line on a terminal. Its methods may be called from
// several goroutines at once.
type Bar struct {
	w       io.Writer
	unit    string
	bytes   bool
	columns func() int
	clock   Clock

	mu    sync.Mutex
	desc  string
	n     int64
	total int64
	start time.Time
	// base and baseAt are where the rate is counted from.
	base   int64
	baseAt time.Time
	based  bool
	// drawn is whether a line was written, at lastDraw, width columns
	// wide.
	drawn    bool
	lastDraw time.Time
	width    int
	// stop stops the timer that draws a change made too soon after the
	// last redraw; nil if none is set. timer numbers the timers, so that
	// one that fired while a redraw made it useless does nothing.
	stop     func() bool
	timer    int
	finished bool
	ended    bool
	buf      []byte
}

// New returns a Bar writing on w. It draws nothing until the first
// change.
func New(w io.Writer, o Options) *Bar {
	b := &Bar{w: w, unit: o.Unit, bytes: o.Bytes, columns: o.Columns, clock: o.Clock, desc: clean(o.Description), total: max(o.Total, 0)}
	if b.clock == nil {
		b.clock = realClock{}
	}
	if b.columns == nil {
		b.columns = func() int { return 0 }
		if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			b.columns = func() int {
				c, _, err := term.GetSize(int(f.Fd()))
				if err != nil {
					return 0
				}
				return c
			}
		}
	}
	b.start = b.clock.Now()
	return b
}

// Set sets the count done.
func (b *Bar) Set(n int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.update(b.desc, n, b.total)
}

// Update sets the description, the count done and the total (0 or less
// when it is not known).
func (b *Bar) Update(desc string, n, total int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.update(clean(desc), n, max(total, 0))
}

// update is Set and Update, b.mu held. The rate counts from the first
// count set once the total is known (while it is not, from the first
// count): what a resumed run finds done when it starts, and the time it
// takes to learn how much there is to do, are not its speed.
func (b *Bar) update(desc string, n, total int64) {
	if b.ended {
		return
	}
	now := b.clock.Now()
	if !b.based || (b.total == 0 && total > 0) {
		b.base, b.baseAt, b.based = n, now, true
	}
	b.desc, b.n, b.total = desc, n, total
	if !b.drawn || now.Sub(b.lastDraw) >= Every {
		b.draw(now)
		return
	}
	if b.stop == nil {
		b.timer++
		timer := b.timer
		b.stop = b.clock.AfterFunc(b.lastDraw.Add(Every).Sub(now), func() { b.late(timer) })
	}
}

// late draws the changes that came too soon after the last redraw, so
// that the line does not stay behind when the changes stop (a stage that
// begins, then reports nothing for a while).
func (b *Bar) late(timer int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if timer == b.timer && !b.ended {
		b.draw(b.clock.Now())
	}
}

// Finish draws the bar full: the work is done. The bar draws nothing
// after it; the caller ends the line.
func (b *Bar) Finish() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ended {
		return
	}
	if b.total > 0 {
		b.n = b.total
	} else {
		b.total = b.n
	}
	b.finished = true
	b.end()
}

// Exit draws the bar where it stopped, and nothing after it; the caller
// ends the line.
func (b *Bar) Exit() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.ended {
		b.end()
	}
}

func (b *Bar) end() {
	b.draw(b.clock.Now())
	b.ended = true
}

// draw writes the line, b.mu held: a carriage return, the line, and
// spaces over what is left of a longer line drawn before.
func (b *Bar) draw(now time.Time) {
	if b.stop != nil {
		b.stop()
		b.stop = nil
	}
	b.timer++
	limit := 0
	if c := b.columns(); c > 0 {
		// A line as wide as the terminal would wrap on some terminals.
		limit = c - 1
	}
	line := b.line(now, limit)
	w := runewidth.StringWidth(line)
	pad := b.width - w
	if limit > 0 {
		pad = min(pad, limit-w)
	}
	b.buf = append(b.buf[:0], '\r')
	b.buf = append(b.buf, line...)
	for range max(pad, 0) {
		b.buf = append(b.buf, ' ')
	}
	_, _ = b.w.Write(b.buf)
	b.drawn, b.lastDraw, b.width = true, now, w
}

// line is what the bar shows at now, at most limit columns wide when
// limit is positive: the bar narrows, then goes; then the times go, then
// the rate; then the description is cut, and last the whole line.
func (b *Bar) line(now time.Time, limit int) string {
	// rate is done in dt; time left, what is left at that rate.
	done, dt, rate := float64(b.n-b.base), now.Sub(b.baseAt).Seconds(), 0.0
	if b.based && dt > 0 && done > 0 {
		rate = done / dt
	}
	count := b.count(b.n)
	pct := ""
	cells := 0
	if b.total > 0 {
		count += "/" + b.count(b.total)
		pct = fmt.Sprintf("%3d%%", min(max(b.n, 0)*100/b.total, 100))
		cells = Cells
	} else if !b.bytes && b.unit != "" {
		count += " " + b.unit
	}
	if rate > 0 {
		count += ", " + b.rate(rate)
	}
	times := " [" + seconds(now.Sub(b.start))
	// Past a year, time left says nothing (and would not fit a
	// time.Duration for long).
	if left := float64(max(b.total-b.n, 0)) * dt / done; b.total > 0 && rate > 0 && !b.finished && left < 365*24*3600 {
		times += ":" + seconds(time.Duration(left*float64(time.Second)))
	}
	times += "]"
	desc := b.desc

	compose := func() string {
		var s strings.Builder
		if desc != "" {
			s.WriteString(desc + " ")
		}
		if pct != "" {
			s.WriteString(pct + " ")
		}
		if cells > 0 {
			full := int(min(max(b.n, 0)*int64(cells)/b.total, int64(cells)))
			s.WriteString("|" + strings.Repeat("█", full) + strings.Repeat(" ", cells-full) + "| ")
		}
		s.WriteString("(" + count + ")" + times)
		return s.String()
	}
	s := compose()
	if limit <= 0 {
		return s
	}
	over := runewidth.StringWidth(s) - limit
	if over > 0 && cells > 0 {
		cells = max(cells-over, 0)
		s = compose()
		over = runewidth.StringWidth(s) - limit
	}
	if over > 0 {
		times = ""
		s = compose()
		over = runewidth.StringWidth(s) - limit
	}
	if over > 0 && rate > 0 {
		count, _, _ = strings.Cut(count, ", ")
		s = compose()
		over = runewidth.StringWidth(s) - limit
	}
	if over > 0 && desc != "" {
		if dw := runewidth.StringWidth(desc); dw > over {
			desc = runewidth.Truncate(desc, dw-over, "…")
		} else {
			desc = ""
		}
		s = compose()
		over = runewidth.StringWidth(s) - limit
	}
	if over > 0 {
		s = runewidth.Truncate(s, limit, "")
	}
	return s
}

func (b *Bar) count(n int64) string {
	if b.bytes {
		return Bytes(float64(n))
	}
	return fmt.Sprint(n)
}

// rate is r a second, or a minute or an hour when that is less than one.
func (b *Bar) rate(r float64) string {
	if b.bytes {
		return Bytes(r) + "/s"
	}
	switch {
	case r >= 1:
		return fmt.Sprintf("%.0f %s/s", r, b.unit)
	case r*60 >= 1:
		return fmt.Sprintf("%.0f %s/min", r*60, b.unit)
	default:
		return fmt.Sprintf("%.0f %s/hr", r*3600, b.unit)
	}
}

// Bytes writes n bytes in decimal units: "512 B", "12.3 MB", "123 MB".
func Bytes(n float64) string {
	if n < 999.5 {
		return fmt.Sprintf("%.0f B", n)
	}
	const units = "kMGTPE"
	i := 0
	for n /= 1000; n >= 999.5 && i < len(units)-1; n /= 1000 {
		i++
	}
	if n < 99.95 {
		return fmt.Sprintf("%.1f %cB", n, units[i])
	}
	return fmt.Sprintf("%.0f %cB", n, units[i])
}

// seconds writes d in whole seconds: "0s", "59s", "1m5s", "2h0m0s".
func seconds(d time.Duration) string {
	return d.Truncate(time.Second).String()
}

// clean keeps control characters (a carriage return or an escape in a
// file's name) from moving the cursor or changing the terminal.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '?'
		}
		return r
	}, s)
}
