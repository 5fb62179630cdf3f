package shell

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/chzyer/readline"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/internal/output"
	"github.com/bfquery/bfquery/internal/runner"
	"github.com/bfquery/bfquery/parser"
)

// DefaultMaxRows is how many rows of a result the shell shows on the
// screen unless told otherwise (\rows).
const DefaultMaxRows = 100

// Config sets up a Shell.
type Config struct {
	// Engine is where statements run.
	Engine runner.Engine
	// Stdin, Stdout and Stderr are the terminal (or the script and where
	// its output goes).
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Terminal turns on line editing, completion, history and prompts; it
	// needs Stdin and Stdout to be a terminal (*os.File). Without it the
	// shell reads statements and commands from Stdin, as a script.
	Terminal bool
	// Color writes the prompt and headers in bold and errors in red.
	Color bool
	// HistoryFile keeps the lines typed, across sessions ("" for none).
	// It is created with mode 0600.
	HistoryFile string
	// MaxRows is how many rows of a result are shown (0: DefaultMaxRows;
	// negative: all).
	MaxRows int
	// Format is how results are printed (default table).
	Format output.Format
	// Quiet drops the shell's messages (the banner, "Timing is on.", the
	// number of rows), as psql -q does: results and errors alone remain.
	Quiet bool
	// Timing shows how long each query took. A terminal session shows it
	// whatever Timing says; \timing changes it.
	Timing bool
	// Pager is the command that shows a result taller or wider than the
	// terminal ($PAGER; "" for none), and Editor the one \e runs
	// ($VISUAL or $EDITOR). Both run through the system's shell.
	Pager, Editor string
	// Interrupt derives the context of one query, cancelled when the user
	// interrupts it. The default cancels on SIGINT (Ctrl-C).
	Interrupt func(context.Context) (context.Context, context.CancelFunc)
}

// Shell is one session.
type Shell struct {
	cfg     Config
	stdout  io.Writer
	format  output.Format
	maxRows int
	timing  bool
	use     Target

	// buf holds the lines of a statement not yet ended by ";".
	buf string
	// out is where results go after \o FILE; nil for the screen.
	out  *os.File
	last *output.Answer
	// lastSrc is the last statement run, as typed, for \g and \e.
	lastSrc string
	lastSt  dsl.Statement
	catalog *catalog
	failed  int
	// badInput counts the failures that were the input's fault: a
	// statement that does not compile, a command used wrongly.
	badInput int
	// pager is the \pset pager setting; expanded is \x.
	pager    string
	expanded bool
	// depth is how many \i scripts are running, one inside the other.
	depth int

	// rl and hist are the line editor and the history file of an
	// interactive session.
	rl   *readline.Instance
	hist *history
}

// New returns a shell.
func New(cfg Config) *Shell {
	s := &Shell{cfg: cfg, stdout: cfg.Stdout, format: cfg.Format, maxRows: cfg.MaxRows, timing: cfg.Timing || cfg.Terminal, pager: pagerOn}
	if s.format == "" {
		s.format = output.Table
	}
	if s.maxRows == 0 {
		s.maxRows = DefaultMaxRows
	}
	if s.cfg.Interrupt == nil {
		s.cfg.Interrupt = func(ctx context.Context) (context.Context, context.CancelFunc) {
			return signal.NotifyContext(ctx, os.Interrupt)
		}
	}
	s.catalog = newCatalog(cfg.Engine)
	return s
}

// ErrFailed is what Run returns when reading a script in which some
// statements or commands failed.
var ErrFailed = errors.New("some statements failed")

// Run runs the session until \q, the end of input or ctx is done.
func (s *Shell) Run(ctx context.Context) error {
	defer s.closeOut()
	if s.cfg.Terminal {
		return s.interactive(ctx)
	}
	_, err := s.script(ctx, s.cfg.Stdin)
	if err != nil {
		return err
	}
	return s.Failed()
}

// Prompt returns the prompt for the next line, as psql's: "bfquery=> ",
// or in the middle of a statement "bfquery-> ", "bfquery'> " (or with
// " or `) inside an open string or quoted key, "bfquery(> " inside
// parentheses.
func (s *Shell) Prompt() string {
	if s.buf == "" {
		return "bfquery=> "
	}
	return "bfquery" + continuation(s.buf) + "> "
}

// continuation is what the prompt shows of a statement not yet ended:
// the quote it is inside of, "(" inside parentheses, or "-".
func continuation(buf string) string {
	toks := lex([]rune(buf))
	if n := len(toks); n > 0 && !toks[n-1].Closed && (toks[n-1].Kind == tokString || toks[n-1].Kind == tokBacktick) {
		return toks[n-1].Text[:1]
	}
	depth := 0
	for _, t := range toks {
		switch {
		case t.is("("):
			depth++
		case t.is(")"):
			depth = max(0, depth-1)
		}
	}
	if depth > 0 {
		return "("
	}
	return "-"
}

// banner is the first thing an interactive session says: where it runs,
// and the target of queries without FROM when it has one.
func (s *Shell) banner(ctx context.Context) {
	s.say("bfquery shell on %s. Type \\? for help, \\q to quit.", s.cfg.Engine.Name())
	if t, err := s.target(ctx); err == nil {
		s.say("Queries without FROM run on %s.", t)
	}
}

// Line handles one line of input and reports whether the session should
// end. A line that starts with a backslash outside a statement is a
// command; other lines add to the statement being typed, which runs when
// a ";" ends it.
func (s *Shell) Line(ctx context.Context, line string) (quit bool) {
	if handled, quit := s.psqlWord(ctx, line); handled {
		return quit
	}
	// As in psql, a backslash command may come in the middle of a
	// statement (\g runs it, \e edits it), but not inside a string.
	if strings.HasPrefix(strings.TrimSpace(line), `\`) && !strings.ContainsAny(continuation(s.buf), "'\"`") {
		return s.meta(ctx, line)
	}
	if s.buf == "" {
		s.buf = line
	} else {
		s.buf += "\n" + line
	}
	stmts, rest := Split(s.buf)
	s.buf = rest
	for _, st := range stmts {
		s.statement(ctx, st)
	}
	return false
}

// Split cuts input into the statements that ";" ends, outside strings,
// quoted keys and comments, and the rest; the rest is "" when it holds
// nothing but space and comments.
func Split(input string) (stmts []string, rest string) {
	src := []rune(input)
	toks := lex(src)
	start, empty := 0, true
	for _, t := range toks {
		if t.is(";") {
			if !empty {
				stmts = append(stmts, strings.TrimSpace(string(src[start:t.Start])))
			}
			start, empty = t.End, true
			continue
		}
		empty = false
	}
	if empty {
		return stmts, ""
	}
	return stmts, strings.TrimLeft(string(src[start:]), " \t\n")
}

// compile compiles a statement; one without FROM runs on the session's
// target (see target). Error positions are those of the text as typed.
func (s *Shell) compile(ctx context.Context, src string, strict bool) (dsl.Statement, error) {
	compile := parser.Compile
	if strict {
		compile = parser.CompileDSL
	}
	return runner.CompileOn(src, compile, func() (Target, error) { return s.target(ctx) }, "a query without FROM runs on the session's target: ")
}

// statement runs one statement.
func (s *Shell) statement(ctx context.Context, src string) {
	s.remember(src + ";")
	s.lastSrc = src + ";"
	st, err := s.compile(ctx, src, false)
	if err != nil {
		s.error(err)
		return
	}
	if st.Explain {
		s.explain(ctx, st)
		return
	}
	want := runner.WantFor(s.format)
	if want == runner.Count {
		// \export writes the last result in full: keep its IDs.
		want = runner.IDs
	}
	qctx, cancel := s.cfg.Interrupt(ctx)
	res, err := runner.Run(qctx, s.cfg.Engine, st, want)
	cancelled := qctx.Err() != nil && ctx.Err() == nil
	cancel()
	if err != nil {
		if cancelled {
			s.errorf("query cancelled")
			return
		}
		s.error(err)
		return
	}
	s.last, s.lastSt = &res.Answer, st
	s.catalog.see(st)
	for _, note := range runner.UnknownKeys(ctx, s.cfg.Engine, st) {
		fmt.Fprintln(s.cfg.Stderr, "NOTICE: "+note)
	}
	s.print(res.Answer, res.Elapsed)
}

func (s *Shell) explain(ctx context.Context, st dsl.Statement) {
	qctx, cancel := s.cfg.Interrupt(ctx)
	defer cancel()
	res, err := runner.Run(qctx, s.cfg.Engine, st, runner.IDs)
	if err != nil {
		s.error(err)
		return
	}
	var b strings.Builder
	if err := runner.Explain(&b, s.cfg.Engine, res); err != nil {
		s.error(err)
		return
	}
	text := b.String()
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	s.result(text, "")
}

// meta runs a backslash command.
func (s *Shell) meta(ctx context.Context, line string) (quit bool) {
	s.remember(strings.TrimSpace(line))
	m, err := ParseMeta(line)
	if err != nil {
		s.error(usageError{err})
		return false
	}
	quit, err = m.cmd.run(s, ctx, m)
	if err != nil {
		s.error(err)
	}
	return quit
}

// target is the session's target, the one that queries without FROM,
// \keys, \values, \d and completion look at: the \use target, or else
// the only one there is. It is the one rule for all of them.
func (s *Shell) target(ctx context.Context) (Target, error) {
	if !s.use.IsZero() {
		return s.use, nil
	}
	ts, err := s.cfg.Engine.Targets(ctx)
	if err != nil {
		return Target{}, err
	}
	switch len(ts) {
	case 1:
		return ts[0].Target, nil
	case 0:
		return Target{}, errors.New(`there is none yet: \use file ID or \use integration ID sets it`)
	}
	return Target{}, fmt.Errorf(`there are %d targets and none in use: \use file ID or \use integration ID picks one (\targets lists them)`, len(ts))
}

// export writes the last answer to a file, in full.
func (s *Shell) export(ctx context.Context, args []string) error {
	if s.last == nil {
		return errors.New("no result to export yet: run a query first")
	}
	format := output.IDs
	switch strings.ToLower(filepath.Ext(args[0])) {
	case ".csv":
		format = output.CSV
	case ".json", ".ndjson":
		format = output.JSON
	}
	if len(args) == 2 {
		var err error
		if format, err = output.ParseFormat(args[1]); err != nil {
			return err
		}
	}
	a := *s.last
	if format == output.CSV && a.Records == nil {
		var err error
		if a, err = s.cfg.Engine.Answer(ctx, s.lastSt, runner.Records); err != nil {
			return err
		}
	}
	f, err := os.Create(args[0])
	if err != nil {
		return err
	}
	w := output.NewWriter(f, format)
	if err := errors.Join(w.Write(a), w.Flush(), f.Close()); err != nil {
		return err
	}
	s.say("(%s written to %s as %s)", rowsText(a.Len()), args[0], format)
	return nil
}

func (s *Shell) closeOut() {
	if s.out != nil {
		if err := s.out.Close(); err != nil {
			s.error(err)
		}
		s.out = nil
	}
}

// count writes a number that a backend may not know (-1).
func count(n int) string {
	if n < 0 {
		return "?"
	}
	return strconv.Itoa(n)
}

// matchPattern matches a key against \keys's pattern: a glob when it has
// * ? or [, a substring in any case otherwise.
func matchPattern(pattern, key string) bool {
	if strings.ContainsAny(pattern, "*?[") {
		ok, _ := path.Match(pattern, key)
		return ok
	}
	return strings.Contains(strings.ToLower(key), strings.ToLower(pattern))
}

// error shows an error; a *dsl.Error shows its line with a caret.
func (s *Shell) error(err error) {
	s.failed++
	var de *dsl.Error
	var ue usageError
	if errors.As(err, &de) || errors.As(err, &ue) {
		s.badInput++
	}
	msg := err.Error()
	fmt.Fprintln(s.cfg.Stderr, s.red("ERROR: "+msg))
}

func (s *Shell) errorf(format string, args ...any) { s.error(fmt.Errorf(format, args...)) }

const (
	ansiBold  = "\x1b[1m"
	ansiRed   = "\x1b[31m"
	ansiReset = "\x1b[0m"
)

func (s *Shell) bold(text string) string {
	if !s.cfg.Color {
		return text
	}
	return ansiBold + text + ansiReset
}

func (s *Shell) red(text string) string {
	if !s.cfg.Color {
		return text
	}
	return ansiRed + text + ansiReset
}
