package shell

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/internal/output"
	"github.com/bfquery/bfquery/parser"
)

// The backslash commands, each run with its arguments checked by
// ParseMeta (metaCommands, in meta.go, is the table). A command returns
// an error to show, and whether the session ends.

func cmdQuit(*Shell, context.Context, Meta) (bool, error) { return true, nil }

func cmdHelp(s *Shell, _ context.Context, _ Meta) (bool, error) {
	s.result(helpText(), "")
	return false, nil
}

func cmdTargets(s *Shell, ctx context.Context, _ Meta) (bool, error) {
	ts, err := s.cfg.Engine.Targets(ctx)
	if err != nil {
		return false, err
	}
	rows := make([][]string, len(ts))
	for i, t := range ts {
		rows[i] = []string{string(t.Type), t.ID, count(t.Elements), count(t.Rooms), count(t.Areas)}
	}
	s.grid([]string{"type", "id", "elements", "rooms", "areas"}, rows, len(rows), "target")
	return false, nil
}

func cmdKeys(s *Shell, ctx context.Context, m Meta) (bool, error) {
	t, err := s.target(ctx)
	if err != nil {
		return false, err
	}
	keys, err := s.cfg.Engine.Keys(ctx, t, dsl.SelectElements)
	if err != nil {
		return false, err
	}
	var rows [][]string
	for _, k := range keys {
		if len(m.Args) == 1 && !matchPattern(m.Args[0], string(k.Key)) {
			continue
		}
		rows = append(rows, []string{parser.FormatKey(k.Key), count(k.Distinct), count(k.Records)})
	}
	s.grid([]string{"key", "distinct values", "elements"}, rows, len(rows), "key")
	return false, nil
}

func cmdValues(s *Shell, ctx context.Context, m Meta) (bool, error) {
	t, err := s.target(ctx)
	if err != nil {
		return false, err
	}
	key := dsl.Key(m.Args[0])
	vals, err := s.cfg.Engine.Values(ctx, t, dsl.SelectElements, key)
	if err != nil {
		return false, err
	}
	rows := make([][]string, len(vals))
	for i, v := range vals {
		rows[i] = []string{v.Value.String(), count(v.Count)}
	}
	s.grid([]string{parser.FormatKey(key), "elements"}, rows, len(rows), "value")
	return false, nil
}

func cmdDSL(s *Shell, ctx context.Context, m Meta) (bool, error) {
	st, err := s.compile(ctx, strings.TrimSuffix(strings.TrimSpace(m.Query), ";"), true)
	if err != nil {
		return false, parser.ReplacePlanHint(err, shellPlanHint)
	}
	body, err := st.Request.MarshalJSON()
	if err != nil {
		return false, err
	}
	var b bytes.Buffer
	if err := json.Indent(&b, body, "", "  "); err != nil {
		return false, err
	}
	_, err = fmt.Fprintln(s.cfg.Stdout, b.String())
	return false, err
}

// shellPlanHint is how the shell answers what \dsl cannot write as one
// request.
const shellPlanHint = `the shell answers it with a plan when it is typed as a statement (\explain shows the plan)`

func cmdExplain(s *Shell, ctx context.Context, m Meta) (bool, error) {
	st, err := s.compile(ctx, strings.TrimSuffix(strings.TrimSpace(m.Query), ";"), false)
	if err != nil {
		return false, err
	}
	s.explain(ctx, st)
	return false, nil
}

func cmdUse(s *Shell, ctx context.Context, m Meta) (bool, error) {
	if len(m.Args) == 0 {
		t, err := s.target(ctx)
		if err != nil {
			s.say("No target in use, so queries name theirs with FROM: %v.", err)
		} else {
			s.say("Queries without FROM run on %s.", t)
		}
		return false, nil
	}
	t := Target{Type: dsl.TargetType(strings.ToLower(m.Args[0])), ID: m.Args[1]}
	// A cache knows its targets; BIMFACE will say if it has this one.
	if err := s.cfg.Engine.Has(t); err != nil {
		return false, fmt.Errorf(`%v: \targets lists the targets`, err)
	}
	s.use = t
	s.say("Queries without FROM now run on %s.", s.use)
	return false, nil
}

func cmdFormat(s *Shell, _ context.Context, m Meta) (bool, error) {
	if len(m.Args) == 1 {
		f, err := output.ParseFormat(m.Args[0])
		if err != nil {
			return false, err
		}
		s.format = f
	}
	s.say("Output format is %s.", s.format)
	return false, nil
}

func cmdExport(s *Shell, ctx context.Context, m Meta) (bool, error) {
	return false, s.export(ctx, m.Args)
}

func cmdOut(s *Shell, _ context.Context, m Meta) (bool, error) {
	s.closeOut()
	if len(m.Args) == 0 {
		s.say("Results go to the screen.")
		return false, nil
	}
	f, err := os.Create(m.Args[0])
	if err != nil {
		return false, err
	}
	s.out = f
	s.say("Results go to %s, in full, until \\o.", f.Name())
	return false, nil
}

func cmdTiming(s *Shell, _ context.Context, m Meta) (bool, error) {
	if len(m.Args) == 0 {
		s.timing = !s.timing
	} else {
		s.timing = m.Args[0] == "on"
	}
	s.say("Timing is %s.", map[bool]string{true: "on", false: "off"}[s.timing])
	return false, nil
}

func cmdRows(s *Shell, _ context.Context, m Meta) (bool, error) {
	if len(m.Args) == 1 {
		n, err := strconv.Atoi(m.Args[0])
		if err != nil {
			return false, err
		}
		s.maxRows = n
		if n == 0 {
			s.maxRows = -1
		}
	}
	if s.maxRows < 0 {
		s.say("Results are shown in full.")
	} else {
		s.say("Results show at most %d rows.", s.maxRows)
	}
	return false, nil
}

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

func cmdExpanded(s *Shell, _ context.Context, m Meta) (bool, error) {
	s.expanded = onOff(m.Args, s.expanded)
	s.say("Expanded display is %s.", map[bool]string{true: "on", false: "off"}[s.expanded])
	return false, nil
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

// onOff reads an on|off argument, or toggles when there is none.
func onOff(args []string, now bool) bool {
	if len(args) == 0 {
		return !now
	}
	return args[len(args)-1] == "on"
}

func cmdInclude(s *Shell, ctx context.Context, m Meta) (bool, error) {
	return s.include(ctx, m.Args[0])
}
