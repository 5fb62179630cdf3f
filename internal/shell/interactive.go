package shell

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/chzyer/readline"
	"golang.org/x/term"
)

// maxListed is the most candidates a Tab lists; past it only what they
// all start with is typed.
const maxListed = 200

// interactive runs the session on a terminal with github.com/chzyer/readline:
// emacs-style line editing, history (Up, Ctrl-R), and completion.
func (s *Shell) interactive(ctx context.Context) error {
	in, ok := s.cfg.Stdin.(*os.File)
	if !ok {
		return errors.New("shell: an interactive session needs a terminal for standard input")
	}
	outFd := -1
	if f, ok := s.cfg.Stdout.(*os.File); ok {
		outFd = int(f.Fd())
	}
	hist, err := loadHistory(s.cfg.HistoryFile)
	if err != nil {
		fmt.Fprintf(s.cfg.Stderr, "warning: history: %v\n", err)
	}
	s.hist = hist
	con := openConsole(in, s.cfg.Stdout)
	defer con.close()
	if !con.vt {
		s.cfg.Color = false
	}
	comp := &lineCompleter{s: s}
	width := func() int {
		if w, _, err := term.GetSize(outFd); err == nil && w > 0 {
			return w
		}
		return 80
	}
	stopResize := func() {}
	defer func() { stopResize() }()
	rlc := &readline.Config{
		Prompt:                 s.prompt(),
		Stdout:                 con.stdout,
		Stderr:                 s.cfg.Stderr,
		AutoComplete:           comp,
		Listener:               comp,
		DisableAutoSaveHistory: true,
		HistoryLimit:           HistoryLimit,
		FuncIsTerminal:         func() bool { return true },
		FuncMakeRaw:            con.makeRaw,
		FuncExitRaw:            con.exitRaw,
		FuncGetWidth:           width,
		FuncOnWidthChanged:     func(f func()) { stopResize = onResize(f, width) },
	}
	if con.stdin != nil {
		rlc.Stdin = readline.NewCancelableStdin(con.stdin)
	}
	rl, err := readline.NewEx(rlc)
	if err != nil {
		return err
	}
	defer rl.Close()
	s.rl = rl
	for _, e := range hist.entries {
		rl.SaveHistory(editLine(e))
	}
	s.banner(ctx)
	for ctx.Err() == nil {
		rl.SetPrompt(s.prompt())
		line, err := rl.Readline()
		switch {
		case errors.Is(err, readline.ErrInterrupt):
			// Ctrl-C drops the line, and the statement being typed.
			s.buf = ""
			continue
		case errors.Is(err, io.EOF):
			fmt.Fprintln(s.cfg.Stdout)
			return nil
		case err != nil:
			return err
		}
		if s.Line(ctx, line) {
			return nil
		}
	}
	return nil
}

func (s *Shell) prompt() string {
	p := s.Prompt()
	if s.cfg.Color {
		return ansiBold + p + ansiReset
	}
	return p
}

// remember adds a statement or command to the history.
func (s *Shell) remember(src string) {
	if s.rl == nil || s.hist == nil {
		return
	}
	entry := historyEntry(src)
	if entry == "" {
		return
	}
	s.rl.SaveHistory(editLine(entry))
	if err := s.hist.add(entry); err != nil {
		fmt.Fprintf(s.cfg.Stderr, "warning: history: %v\n", err)
		s.hist.path = "" // once is enough
	}
}

// lineCompleter fits Completer to readline. Readline only appends to what
// is typed; when a candidate rewrites the word instead (a key that needs
// backticks, a string value typed without its quote), Do leaves the
// candidates empty and OnChange, which readline calls right after, puts
// the rewritten line in place.
type lineCompleter struct {
	s       *Shell
	pending []rune
	pos     int
}

func (c *lineCompleter) Do(line []rune, pos int) ([][]rune, int) {
	c.pending = nil
	// The lines typed before this one are part of the statement.
	var before []rune
	if c.s.buf != "" {
		before = []rune(c.s.buf + "\n")
	}
	full := append(append([]rune(nil), before...), line...)
	def, _ := c.s.target(context.Background())
	cp := Completer{Catalog: c.s.catalog, Default: def}.Complete(full, len(before)+pos)
	start := cp.Start - len(before)
	if start < 0 || start > pos || len(cp.Candidates) == 0 {
		return nil, 0
	}
	word := string(line[start:pos])
	var extend []string
	for _, cand := range cp.Candidates {
		if strings.HasPrefix(cand, word) {
			extend = append(extend, cand)
		}
	}
	n := len([]rune(word))
	if len(extend) > 0 && len(extend) <= maxListed {
		out := make([][]rune, len(extend))
		for i, cand := range extend {
			out[i] = []rune(cand[len(word):])
		}
		return out, n
	}
	cands := cp.Candidates
	if len(extend) > 0 {
		cands = extend
	}
	common := commonPrefix(cands)
	if common == "" || common == word {
		return nil, 0
	}
	if len(extend) > 0 {
		return [][]rune{[]rune(common[len(word):])}, n
	}
	c.pending = append(append(append([]rune(nil), line[:start]...), []rune(common)...), line[pos:]...)
	c.pos = start + len([]rune(common))
	return nil, 0
}

func (c *lineCompleter) OnChange(line []rune, pos int, key rune) ([]rune, int, bool) {
	if key != readline.CharTab || c.pending == nil {
		return nil, 0, false
	}
	l, p := c.pending, c.pos
	c.pending = nil
	return l, p, true
}

// commonPrefix returns the longest common prefix of ss, in whole runes.
func commonPrefix(ss []string) string {
	if len(ss) == 0 {
		return ""
	}
	p := []rune(ss[0])
	for _, s := range ss[1:] {
		r := []rune(s)
		i := 0
		for i < len(p) && i < len(r) && p[i] == r[i] {
			i++
		}
		p = p[:i]
	}
	return string(p)
}
