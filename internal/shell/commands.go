package shell

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
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
