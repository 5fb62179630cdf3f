package shell

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/parser"
)

// The commands that psql users reach for: \d TARGET, \x, \pset, \e, \g,
// and the words help, quit and exit.

// cmdDescribe lists the keys of a target with how many of its elements,
// rooms and areas have each: \d [file|integration ID] [PATTERN].
func cmdDescribe(s *Shell, ctx context.Context, m Meta) (bool, error) {
	args := m.Args
	var t Target
	if len(args) >= 2 {
		t = Target{Type: dsl.TargetType(strings.ToLower(args[0])), ID: args[1]}
		if err := s.cfg.Engine.Has(t); err != nil {
			return false, fmt.Errorf(`%v: \targets lists the targets`, err)
		}
		args = args[2:]
	} else {
		var err error
		if t, err = s.target(ctx); err != nil {
			return false, fmt.Errorf(`\d: which target? %v`, err)
		}
	}
	pattern := ""
	if len(args) == 1 {
		pattern = args[0]
	}
	sels := []dsl.Select{dsl.SelectElements, dsl.SelectRooms, dsl.SelectAreas}
	counts := map[dsl.Key][3]string{}
	for i, sel := range sels {
		keys, err := s.cfg.Engine.Keys(ctx, t, sel)
		if err != nil {
			// A target without rooms or areas has no keys for them.
			continue
		}
		for _, k := range keys {
			if pattern != "" && !matchPattern(pattern, string(k.Key)) {
				continue
			}
			c, ok := counts[k.Key]
			if !ok {
				c = [3]string{"0", "0", "0"}
			}
			c[i] = count(k.Records)
			counts[k.Key] = c
		}
	}
	keys := make([]dsl.Key, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	rows := make([][]string, len(keys))
	for i, k := range keys {
		c := counts[k]
		rows[i] = []string{parser.FormatKey(k), c[0], c[1], c[2]}
	}
	s.say("Keys of %s:", t)
	s.grid([]string{"key", "elements", "rooms", "areas"}, rows, len(rows), "key")
	return false, nil
}

// onOff reads an on|off argument, or toggles when there is none.
func onOff(args []string, now bool) bool {
	if len(args) == 0 {
		return !now
	}
	return args[len(args)-1] == "on"
}

func checkOnOff(args []string) error {
	if len(args) == 1 && args[0] != "on" && args[0] != "off" {
		return fmt.Errorf("%q is not on or off", args[0])
	}
	return nil
}

func cmdExpanded(s *Shell, _ context.Context, m Meta) (bool, error) {
	s.expanded = onOff(m.Args, s.expanded)
	s.say("Expanded display is %s.", map[bool]string{true: "on", false: "off"}[s.expanded])
	return false, nil
}

func checkPset(args []string) error {
	switch args[0] {
	case "pager":
		if len(args) == 2 && args[1] != pagerOn && args[1] != pagerOff && args[1] != pagerAlways {
			return fmt.Errorf(`\pset pager: %q is not on, off or always`, args[1])
		}
	case "expanded", "x":
		return checkOnOff(args[1:])
	default:
		return fmt.Errorf(`\pset: %q is not pager or expanded (\format sets the format, \timing the timing)`, args[0])
	}
	return nil
}

func cmdPset(s *Shell, ctx context.Context, m Meta) (bool, error) {
	if m.Args[0] != "pager" {
		return cmdExpanded(s, ctx, Meta{Args: m.Args[1:]})
	}
	switch {
	case len(m.Args) == 2:
		s.pager = m.Args[1]
	case s.pager == pagerOff:
		s.pager = pagerOn
	default:
		s.pager = pagerOff
	}
	switch {
	case s.pager == pagerOff:
		s.say("Pager usage is off.")
	case s.pager == pagerAlways:
		s.say("Pager is always used.")
	case s.cfg.Pager == "":
		s.say("Pager is used for long output, but there is none: set PAGER.")
	default:
		s.say("Pager is used for long output.")
	}
	return false, nil
}

// cmdGo runs the statement being typed, or the last one again: \g.
func cmdGo(s *Shell, ctx context.Context, _ Meta) (bool, error) {
	src := s.buf
	s.buf = ""
	if strings.TrimSpace(src) == "" {
		if src = s.lastSrc; src == "" {
			return false, errors.New(`\g: no statement to run yet`)
		}
	}
	stmts, rest := Split(src + ";")
	for _, st := range stmts {
		s.statement(ctx, st)
	}
	if rest != "" {
		s.buf = rest
	}
	return false, nil
}

// cmdEdit edits the statement being typed, or the last one, or FILE, in
// the user's editor, then takes what the editor left as typed lines:
// what ends with ";" runs, the rest waits for more, as psql's \e does.
func cmdEdit(s *Shell, ctx context.Context, m Meta) (bool, error) {
	if s.cfg.Editor == "" {
		return false, errors.New(`\e: no editor: set VISUAL or EDITOR`)
	}
	var name string
	if len(m.Args) == 1 {
		name = m.Args[0]
	} else {
		text := s.buf
		if strings.TrimSpace(text) == "" {
			text = s.lastSrc
		}
		f, err := os.CreateTemp("", "bfquery-*.sql")
		if err != nil {
			return false, err
		}
		name = f.Name()
		defer os.Remove(name)
		_, err = f.WriteString(text + "\n")
		if err := errors.Join(err, f.Close()); err != nil {
			return false, err
		}
	}
	cmd := shellCommand(s.cfg.Editor, filepath.Clean(name))
	if f, ok := s.cfg.Stdin.(*os.File); ok {
		cmd.Stdin = f
	}
	cmd.Stdout, cmd.Stderr = s.cfg.Stdout, s.cfg.Stderr
	if err := cmd.Run(); err != nil {
		return false, fmt.Errorf(`\e: editor %q: %v`, s.cfg.Editor, err)
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return false, err
	}
	s.buf = ""
	text := strings.TrimRight(string(data), "\n")
	// The edited text is shown, as it will be run.
	if text != "" {
		s.result(text+"\n", "")
	}
	for _, line := range strings.Split(text, "\n") {
		if s.Line(ctx, line) {
			return true, nil
		}
	}
	return false, nil
}

// psqlWord handles help, quit and exit typed alone, as psql does since
// version 11, and reports whether the line was one of them.
func (s *Shell) psqlWord(ctx context.Context, line string) (handled, quit bool) {
	if s.buf != "" {
		return false, false
	}
	switch strings.ToLower(strings.TrimSuffix(strings.TrimSpace(line), ";")) {
	case "help":
		s.remember(strings.TrimSpace(line))
		q, _ := cmdHelp(s, ctx, Meta{})
		return true, q
	case "quit", "exit":
		return true, true
	}
	return false, false
}
