package shell

import (
	"bufio"
	"bytes"
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
	"time"

	"github.com/chzyer/readline"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
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
	out     *os.File
	last    *output.Answer
	lastSt  dsl.Statement
	catalog *catalog
	failed  int

	// rl and hist are the line editor and the history file of an
	// interactive session.
	rl   *readline.Instance
	hist *history
}

// New returns a shell.
func New(cfg Config) *Shell {
	s := &Shell{cfg: cfg, stdout: cfg.Stdout, format: cfg.Format, maxRows: cfg.MaxRows, timing: true}
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
	sc := bufio.NewScanner(s.cfg.Stdin)
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	for sc.Scan() {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if s.Line(ctx, sc.Text()) {
			break
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if strings.TrimSpace(s.buf) != "" {
		s.Line(ctx, ";")
	}
	if s.failed > 0 {
		return fmt.Errorf("%w: %d", ErrFailed, s.failed)
	}
	return nil
}

// Prompt returns the prompt for the next line: "bfquery=> ", or
// "bfquery-> " in the middle of a statement.
func (s *Shell) Prompt() string {
	if s.buf != "" {
		return "bfquery-> "
	}
	return "bfquery=> "
}

// Line handles one line of input and reports whether the session should
// end. A line that starts with a backslash outside a statement is a
// command; other lines add to the statement being typed, which runs when
// a ";" ends it.
func (s *Shell) Line(ctx context.Context, line string) (quit bool) {
	if s.buf == "" && strings.HasPrefix(strings.TrimSpace(line), `\`) {
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

// compile compiles a statement, with FROM the \use target when the
// statement has none. Error positions are those of the text as typed.
func (s *Shell) compile(src string, strict bool) (dsl.Statement, error) {
	compile := parser.Compile
	if strict {
		compile = parser.CompileDSL
	}
	at, ok := s.missingFrom(src)
	if !ok {
		return compile(src)
	}
	id := s.use.ID
	if !isDigits(id) {
		id = dsl.QuoteString(id)
	}
	ins := " FROM " + string(s.use.Type) + " " + id
	st, err := compile(src[:at] + ins + src[at:])
	var de *dsl.Error
	if errors.As(err, &de) && de.Pos.IsValid() {
		off := de.Pos.Offset
		switch {
		case off >= at+len(ins):
			off -= len(ins)
		case off > at:
			off = at
		}
		return st, &dsl.Error{Pos: dsl.PositionAt(src, off), Path: de.Path, Msg: de.Msg, Source: dsl.SourceLine(src, off)}
	}
	return st, err
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// missingFrom reports whether src is SELECT x WHERE … without FROM while
// a \use target is set, and the byte offset where FROM goes.
func (s *Shell) missingFrom(src string) (int, bool) {
	if s.use.IsZero() {
		return 0, false
	}
	rs := []rune(src)
	toks := lex(rs)
	i := 0
	if i < len(toks) && toks[i].is("EXPLAIN") {
		i++
	}
	if i+2 >= len(toks) || !toks[i].is("SELECT") || !toks[i+2].is("WHERE") {
		return 0, false
	}
	return len(string(rs[:toks[i+1].End])), true
}

// statement runs one statement.
func (s *Shell) statement(ctx context.Context, src string) {
	s.remember(src + ";")
	st, err := s.compile(src, false)
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
	fmt.Fprint(s.cfg.Stdout, text)
	if !strings.HasSuffix(text, "\n") {
		fmt.Fprintln(s.cfg.Stdout)
	}
}

// print shows an answer: in full in the \o file, or at most maxRows rows
// on the screen, followed by the number of rows and the time taken.
func (s *Shell) print(a output.Answer, elapsed time.Duration) {
	n := a.Len()
	if s.out != nil {
		w := output.NewWriter(s.out, s.format)
		if err := errors.Join(w.Write(a), w.Flush()); err != nil {
			s.error(err)
			return
		}
		fmt.Fprintf(s.cfg.Stdout, "(%s written to %s%s)\n", rowsText(n), s.out.Name(), s.took(elapsed))
		return
	}
	shown := a
	if s.maxRows >= 0 && n > s.maxRows && s.format != output.JSON && s.format != output.Count {
		shown = truncate(a, s.maxRows)
	}
	var b bytes.Buffer
	w := output.NewWriter(&b, s.format)
	if err := errors.Join(w.Write(shown), w.Flush()); err != nil {
		s.error(err)
		return
	}
	text := b.String()
	if s.format == output.Table {
		// The table ends with its own count; the shell's footer says more.
		text = strings.TrimSuffix(text, "\n")
		if i := strings.LastIndexByte(text, '\n'); i >= 0 {
			text = text[:i+1]
		}
		if header, rest, ok := strings.Cut(text, "\n"); ok {
			text = s.bold(header) + "\n" + rest
		}
	}
	fmt.Fprint(s.cfg.Stdout, text)
	if s.format == output.Count {
		if s.timing {
			fmt.Fprintf(s.cfg.Stdout, "(%s)\n", strings.TrimPrefix(s.took(elapsed), ", "))
		}
		return
	}
	if m := shown.Len(); m < n {
		fmt.Fprintf(s.cfg.Stdout, "(%s%s; %d shown, \\rows N to show more, \\export FILE for all)\n", rowsText(n), s.took(elapsed), m)
		return
	}
	fmt.Fprintf(s.cfg.Stdout, "(%s%s)\n", rowsText(n), s.took(elapsed))
}

func rowsText(n int) string {
	if n == 1 {
		return "1 row"
	}
	return strconv.Itoa(n) + " rows"
}

func (s *Shell) took(d time.Duration) string {
	if !s.timing {
		return ""
	}
	return ", " + Duration(d)
}

// Duration writes a query's time as psql's \timing does, in milliseconds
// below a second.
func Duration(d time.Duration) string {
	if d < time.Second {
		return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 1, 64) + " ms"
	}
	return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + " s"
}

// truncate keeps the first n IDs of an answer, with their records.
func truncate(a output.Answer, n int) output.Answer {
	if a.Table != nil {
		return a.Head(n)
	}
	out := output.Answer{Select: a.Select}
	for i, r := range a.Results {
		if n <= 0 {
			break
		}
		k := min(n, len(r.IDs))
		out.Results = append(out.Results, eval.Result{TargetID: r.TargetID, Select: r.Select, IDs: r.IDs[:k]})
		if i < len(a.Records) {
			out.Records = append(out.Records, a.Records[i][:min(k, len(a.Records[i]))])
		}
		n -= k
	}
	return out
}

// meta runs a backslash command.
func (s *Shell) meta(ctx context.Context, line string) (quit bool) {
	s.remember(strings.TrimSpace(line))
	m, err := ParseMeta(line)
	if err != nil {
		s.error(err)
		return false
	}
	quit, err = m.cmd.run(s, ctx, m)
	if err != nil {
		s.error(err)
	}
	return quit
}

// target is the target \keys and \values look at: the \use target, or the
// only one there is.
func (s *Shell) target(ctx context.Context) (Target, error) {
	if !s.use.IsZero() {
		return s.use, nil
	}
	ts, err := s.cfg.Engine.Targets(ctx)
	if err != nil {
		return Target{}, err
	}
	if len(ts) == 1 {
		return ts[0].Target, nil
	}
	return Target{}, errors.New(`which target? \use file ID or \use integration ID first`)
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
	_, err = fmt.Fprintf(s.cfg.Stdout, "(%s written to %s as %s)\n", rowsText(a.Len()), args[0], format)
	return err
}

func (s *Shell) closeOut() {
	if s.out != nil {
		if err := s.out.Close(); err != nil {
			s.error(err)
		}
		s.out = nil
	}
}

func (s *Shell) grid(header []string, rows [][]string, n int, noun string) {
	var b bytes.Buffer
	if err := output.Grid(&b, header, rows); err != nil {
		s.error(err)
		return
	}
	h, rest, _ := strings.Cut(b.String(), "\n")
	fmt.Fprint(s.cfg.Stdout, s.bold(h)+"\n"+rest)
	if n == 1 {
		fmt.Fprintf(s.cfg.Stdout, "(1 %s)\n", noun)
	} else {
		fmt.Fprintf(s.cfg.Stdout, "(%d %ss)\n", n, noun)
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
