package shell

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/internal/output"
)

// Meta is a parsed backslash command.
type Meta struct {
	// Name is the command's canonical name, without the backslash:
	// "targets", "keys", "values", "dsl", "explain", "use", "format",
	// "export", "o", "timing", "rows", "help" or "quit".
	Name string
	// Args are its arguments, with quotes and backticks taken off.
	Args []string
	// Query is the query text of \dsl and \explain, as typed.
	Query string

	cmd *metaCommand
}

type metaCommand struct {
	name     string   // canonical, when not names[0]
	names    []string // as typed
	psql     []string // psql's names for it: accepted, not completed
	usage    string
	help     string
	min, max int  // number of arguments
	query    bool // takes the rest of the line as a query
	// check validates the arguments that have a fixed form.
	check func(args []string) error
	// run runs the command; it reports whether the session ends.
	run func(s *Shell, ctx context.Context, m Meta) (quit bool, err error)
}

// metaCommands is the table of backslash commands: each row's names,
// help, argument count and check, and the function that runs it
// (commands.go). It is set in init, as help prints the table.
var metaCommands []metaCommand

func init() {
	metaCommands = []metaCommand{
		{names: []string{"targets"}, psql: []string{"dt", "l"}, usage: `\targets`, help: "list the targets with their numbers of elements, rooms and areas (psql: \\dt, \\l)", run: cmdTargets},
		{names: []string{"keys"}, usage: `\keys [PATTERN]`, help: "list the keys of elements with their numbers of distinct values (PATTERN: text or * ? glob)", max: 1, run: cmdKeys},
		{names: []string{"d"}, usage: `\d [file|integration ID] [PATTERN]`, help: "list the keys of a target (the session's by default) with how many elements, rooms and areas have each", max: 3, check: checkDescribe, run: cmdDescribe},
		{names: []string{"values"}, usage: `\values KEY`, help: "list the distinct values of KEY with their counts", min: 1, max: 1, run: cmdValues},
		{names: []string{"dsl"}, usage: `\dsl QUERY`, help: "show the DSL request a query compiles to", query: true, run: cmdDSL},
		{names: []string{"explain"}, usage: `\explain QUERY`, help: "show how a query is answered (the same as EXPLAIN QUERY)", query: true, run: cmdExplain},
		{names: []string{"use"}, psql: []string{"c"}, usage: `\use [file|integration ID]`, help: "set the target of queries without FROM (and of \\keys, \\values, completion); alone, show it (psql: \\c)", max: 2, check: checkUse, run: cmdUse},
		{names: []string{"format"}, usage: `\format [ids|json|count|table|csv|json-table]`, help: "set how results are printed; alone, show it", max: 1, check: checkFormat, run: cmdFormat},
		{names: []string{"export"}, usage: `\export FILE [ids|json|csv|json-table]`, help: "write the last result to FILE (format from the extension, ids by default)", min: 1, max: 2, check: checkExport, run: cmdExport},
		{names: []string{"o", "out"}, usage: `\o [FILE]`, help: "send the results of the next queries to FILE, in full; alone, back to the screen", max: 1, run: cmdOut},
		{names: []string{"timing"}, usage: `\timing [on|off]`, help: "show how long each query took (on by default)", max: 1, check: checkTiming, run: cmdTiming},
		{names: []string{"rows"}, usage: `\rows [N]`, help: "show at most N rows of a result on the screen (0: all); alone, show N", max: 1, check: checkRows, run: cmdRows},
		{names: []string{"x"}, usage: `\x [on|off]`, help: "expanded display: a block per row, a line per column; alone, toggle it", max: 1, check: checkOnOff, run: cmdExpanded},
		{names: []string{"pset"}, usage: `\pset pager|expanded [VALUE]`, help: "pager on (when a result does not fit the screen; $PAGER), off or always; expanded on or off", min: 1, max: 2, check: checkPset, run: cmdPset},
		{names: []string{"g"}, usage: `\g`, help: "run the statement being typed, or the last one again", run: cmdGo},
		{names: []string{"e", "edit"}, usage: `\e [FILE]`, help: "edit the statement being typed, or the last one, or FILE, in $VISUAL or $EDITOR; what ends with \";\" runs", max: 1, run: cmdEdit},
		{name: "include", names: []string{"i", "include"}, usage: `\i FILE`, help: "run the statements and commands in FILE", min: 1, max: 1, run: cmdInclude},
		{name: "help", names: []string{"?", "h", "help"}, usage: `\?`, help: "this help", run: cmdHelp},
		{name: "quit", names: []string{"q", "quit"}, usage: `\q`, help: "quit (or Ctrl-D)", run: cmdQuit},
	}
}

// ParseMeta reads a backslash command: its name, then arguments separated
// by spaces, each possibly in single or double quotes or backticks. A
// trailing ";" is ignored, as psql does.
func ParseMeta(line string) (Meta, error) {
	line = strings.TrimSpace(line)
	if !strings.HasPrefix(line, `\`) {
		return Meta{}, fmt.Errorf("not a backslash command: %q", line)
	}
	name, rest, _ := strings.Cut(line[1:], " ")
	name = strings.TrimRightFunc(name, func(r rune) bool { return r == ';' })
	rest = strings.TrimSpace(rest)
	var cmd *metaCommand
	for i := range metaCommands {
		for _, n := range append(metaCommands[i].names, metaCommands[i].psql...) {
			if n == name {
				cmd = &metaCommands[i]
			}
		}
	}
	if cmd == nil {
		return Meta{}, fmt.Errorf(`unknown command \%s: \? lists the commands`, name)
	}
	m := Meta{Name: cmd.name, cmd: cmd}
	if m.Name == "" {
		m.Name = cmd.names[0]
	}
	if cmd.query {
		if rest == "" {
			return Meta{}, fmt.Errorf("usage: %s", cmd.usage)
		}
		m.Query = rest
		return m, nil
	}
	args, err := splitArgs(strings.TrimSuffix(rest, ";"))
	if err != nil {
		return Meta{}, fmt.Errorf("%s: %v", cmd.usage, err)
	}
	if len(args) < cmd.min || len(args) > cmd.max {
		return Meta{}, fmt.Errorf("usage: %s", cmd.usage)
	}
	m.Args = args
	if cmd.check != nil {
		if err := cmd.check(args); err != nil {
			return Meta{}, err
		}
	}
	return m, nil
}

func checkDescribe(args []string) error {
	if len(args) >= 2 {
		return checkUse(args[:2])
	}
	return nil
}

func checkUse(args []string) error {
	if len(args) == 1 {
		return fmt.Errorf(`usage: \use file ID or \use integration ID`)
	}
	if len(args) == 2 {
		if t := strings.ToLower(args[0]); t != string(dsl.TargetFile) && t != string(dsl.TargetIntegration) {
			return fmt.Errorf(`\use: %q is not file or integration`, args[0])
		}
	}
	return nil
}

func checkFormat(args []string) error {
	if len(args) == 1 {
		_, err := output.ParseFormat(args[0])
		return err
	}
	return nil
}

func checkExport(args []string) error {
	if len(args) == 2 {
		f, err := output.ParseFormat(args[1])
		if err != nil {
			return err
		}
		if f == output.Table {
			return fmt.Errorf(`\export writes ids, json, count, csv or json-table; table is for the screen`)
		}
	}
	return nil
}

func checkTiming(args []string) error {
	if len(args) == 1 && args[0] != "on" && args[0] != "off" {
		return fmt.Errorf(`usage: \timing [on|off]`)
	}
	return nil
}

func checkRows(args []string) error {
	if len(args) == 1 {
		if n, err := strconv.Atoi(args[0]); err != nil || n < 0 {
			return fmt.Errorf(`\rows: %q is not a number of rows`, args[0])
		}
	}
	return nil
}

func checkOnOff(args []string) error {
	if len(args) == 1 && args[0] != "on" && args[0] != "off" {
		return fmt.Errorf("%q is not on or off", args[0])
	}
	return nil
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

// splitArgs splits s at spaces; quotes and backticks group, and are taken
// off.
func splitArgs(s string) ([]string, error) {
	var args []string
	var cur strings.Builder
	in, has := rune(0), false
	for _, r := range s {
		switch {
		case in != 0 && r == in:
			in = 0
		case in != 0:
			cur.WriteRune(r)
		case r == '\'' || r == '"' || r == '`':
			in, has = r, true
		case unicode.IsSpace(r):
			if has {
				args = append(args, cur.String())
				cur.Reset()
				has = false
			}
		default:
			cur.WriteRune(r)
			has = true
		}
	}
	if in != 0 {
		return nil, fmt.Errorf("no closing %c", in)
	}
	if has {
		args = append(args, cur.String())
	}
	return args, nil
}

// helpText is what \? prints.
func helpText() string {
	var b strings.Builder
	b.WriteString("Type a query ended by \";\", on one line or several, e.g.\n" +
		"  SELECT elementId FROM file 1124890692330272 WHERE floor = 'F01';\n" +
		"EXPLAIN before SELECT shows the plan. Tab completes keywords, targets, keys and values;\n" +
		"Ctrl-C cancels the line or a running query, Ctrl-D quits.\n\n")
	w := 0
	for _, m := range metaCommands {
		w = max(w, len(m.usage))
	}
	for _, m := range metaCommands {
		fmt.Fprintf(&b, "  %-*s  %s\n", w, m.usage, m.help)
	}
	return b.String()
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
