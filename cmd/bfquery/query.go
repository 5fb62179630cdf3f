package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"

	"github.com/alecthomas/kong"
	"golang.org/x/term"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
	"github.com/bfquery/bfquery/internal/demo"
	"github.com/bfquery/bfquery/internal/output"
	"github.com/bfquery/bfquery/internal/runner"
	"github.com/bfquery/bfquery/parser"
	"github.com/bfquery/bfquery/plan"
)

// QueryCmd is "bfquery query": run queries on a local cache, on BIMFACE,
// or on both to compare them.
type QueryCmd struct {
	Query   string `arg:"" optional:"" help:"The query, e.g. \"SELECT elementId FROM file 1124890692330272 WHERE floor = 'F01'\"; \"-\" reads it from standard input."`
	File    string `type:"path" placeholder:"FILE" help:"Read the query from FILE (\"-\" for standard input) instead of the command line."`
	Cache   string `type:"path" placeholder:"PATH" help:"A cache directory or a file of elements. Without it, the demo model built into bfquery (file ${demo_id})."`
	DSL     string `name:"dsl" placeholder:"FILE" help:"Read DSL requests as JSON, one per line, from FILE (\"-\" for standard input) and answer each in order."`
	Select  string `enum:"elementId,roomId,areaId" default:"elementId" help:"With --dsl: which IDs to find (${enum})."`
	Format  string `short:"f" enum:"auto,ids,json,count,table,csv,json-table" default:"auto" help:"Output format: ids, json, count, table, csv or json-table (json's rows as data, beside a Table Schema of the columns with their units); auto is table on a terminal; otherwise ids, or table for a statement whose SELECT list has more than IDs."`
	Explain bool   `help:"Instead of the IDs, show how many records each clause of the query matched, per target (local only)."`
	Remote  bool   `help:"Run the queries on BIMFACE instead of a local cache. What BIMFACE's DSL has no clause for (NOT, ranges, LIKE, IS NULL) runs as a plan of several requests; EXPLAIN before SELECT shows it."`
	LowerIn bool   `name:"lower-in" help:"With --remote: write in clauses as boolOr of matches, for servers that reject in."`
	Compare bool   `help:"Run the queries both locally and on BIMFACE and print where they differ; exit code 1 when they do."`
	Conn    Remote `embed:""`
	Paging  `embed:""`
}

// Help is what "bfquery query --help" says besides the flags: the
// language in short, and the exit codes.
func (c *QueryCmd) Help() string { return languageHelp + "\n\n" + exitCodes }

// languageHelp is the query language in short, for --help.
const languageHelp = `The query language (README.md has it in full):

  [EXPLAIN] SELECT elementId|roomId|areaId
  FROM file|integration ID[, ID…] WHERE condition

  A condition compares a key with values: = != <> < <= > >=, BETWEEN a AND b,
  IN (v, …), CONTAINS 'text', LIKE 'pattern' (% any text, _ one character),
  IS NULL, and NOT IN, NOT LIKE, NOT BETWEEN, IS NOT NULL; conditions combine
  with NOT, AND, OR and parentheses. Keys are names (floor, 楼层), dotted
  (boundingBox.min.x) or in backticks; strings take single or double quotes.`

func (c *QueryCmd) Run(e *env, kctx *kong.Context) error {
	hasQuery := c.Query != "" || c.File != ""
	if hasQuery == (c.DSL != "") {
		return inputError{errors.New("give either a query or --dsl FILE")}
	}
	if hasQuery && given(kctx, "--select") {
		return inputError{errors.New("--select goes with --dsl; a query says what it selects after SELECT")}
	}
	if c.Remote && c.Compare || c.Explain && (c.Remote || c.Compare) {
		return inputError{errors.New("choose one of --remote, --compare and --explain")}
	}
	// A flag that would change nothing is refused rather than ignored.
	formatGiven := given(kctx, "--format") || givenShort(kctx, 'f')
	switch {
	case c.LowerIn && !c.Remote && !c.Compare:
		return inputError{errors.New("--lower-in goes with --remote or --compare: it changes the requests sent to BIMFACE")}
	case formatGiven && c.Explain:
		return inputError{errors.New("--format does not apply to --explain, which prints the records each clause matched")}
	case formatGiven && c.Compare:
		return inputError{errors.New("--format does not apply to --compare, which prints the IDs only one side has")}
	}
	format, err := c.format(e)
	if err != nil {
		return err
	}
	var local, remote runner.Engine
	if !c.Remote {
		if local, err = localEngine(e, c.Cache); err != nil {
			return err
		}
	}
	if c.Remote || c.Compare {
		if remote, err = remoteEngine(e, c.Conn, c.Paging, plan.Options{LowerIn: c.LowerIn}); err != nil {
			return err
		}
	}
	engine := local
	if c.Remote {
		engine = remote
	}
	w := output.NewWriter(e.stdout, format)
	differ := false
	answer := func(st dsl.Statement) error {
		switch {
		case c.Explain:
			return runner.Matched(e.stdout, local, st)
		case c.Compare && !st.Explain:
			cmp, err := runner.Compare(e.ctx, local, remote, st)
			if err != nil {
				return err
			}
			differ = cmp.Differ() || differ
			_, err = cmp.WriteTo(e.stdout)
			return err
		}
		want := runner.WantFor(format)
		if format == output.IDs || format == output.JSON {
			// Written out once: a local engine need not make a string of
			// each ID first.
			want = runner.Written
		}
		res, err := runner.Run(e.ctx, engine, st, want)
		if err != nil {
			return err
		}
		if !st.Explain {
			// The answer stands; the note says why it may not be the one
			// meant.
			for _, note := range runner.UnknownKeys(e.ctx, engine, st) {
				fmt.Fprintf(e.stderr, "bfquery: note: %s\n", note)
			}
		}
		if st.Explain {
			if err := w.Flush(); err != nil {
				return err
			}
			_, err = fmt.Fprint(e.stdout, res.Plan)
			return err
		}
		return w.Write(res.Answer)
	}
	if hasQuery {
		compile := func(src string) (dsl.Statement, error) {
			only := func() (runner.Target, error) { return onlyTarget(e, engine) }
			return runner.CompileOn(src, parser.Compile, only, "a query without FROM runs on the only target: ")
		}
		st, err := compileQuery(e, c.Query, c.File, compile)
		if err == nil && c.Format == "auto" && format == output.IDs && !idsAnswer(st) {
			// Piped, the answer of aggregates or columns is their table,
			// not an error asking for one.
			format = output.Table
			w = output.NewWriter(e.stdout, format)
		}
		if err == nil && st.Explain && formatGiven {
			err = inputError{errors.New("--format does not apply to EXPLAIN, which prints the plan")}
		}
		if err == nil {
			err = answer(st)
		}
		err = errors.Join(err, w.Flush())
		if err == nil && differ {
			return errDiffer
		}
		return err
	}
	sel, err := dsl.ParseSelect(c.Select)
	if err != nil {
		return inputError{err}
	}
	err = eachLine(e, c.DSL, func(r dsl.Request) error { return answer(dsl.Statement{Select: sel, Request: r}) })
	err = errors.Join(err, w.Flush())
	if err == nil && differ {
		return errDiffer
	}
	return err
}

// onlyTarget is the target of a query without FROM: the engine's only
// one (the demo model's file, a cache of one target).
func onlyTarget(e *env, engine runner.Engine) (runner.Target, error) {
	ts, err := engine.Targets(e.ctx)
	if err != nil {
		return runner.Target{}, err
	}
	switch len(ts) {
	case 1:
		return ts[0].Target, nil
	case 0:
		return runner.Target{}, errors.New("there is none to default to: FROM file ID or FROM integration ID names it")
	}
	return runner.Target{}, fmt.Errorf("there are %d targets: FROM file ID or FROM integration ID says which", len(ts))
}

// idsAnswer reports whether st answers a list of IDs: a plain query, or
// a SELECT list of ID columns only.
func idsAnswer(st dsl.Statement) bool {
	for _, c := range st.Columns() {
		if !c.ID {
			return false
		}
	}
	return true
}

// errDiffer is what --compare returns when local and remote answers differ.
var errDiffer = errors.New("local and remote answers differ")

// localEngine is the engine over --cache: a cache directory, a file of
// elements, or the demo model for "".
func localEngine(e *env, path string) (runner.Engine, error) {
	cache, err := openCache(e, path)
	if err != nil {
		return nil, err
	}
	name := "the demo model (file " + demo.FileID + ")"
	if path != "" {
		name = path
	}
	return runner.Local(cache, name), nil
}

// remoteEngine is the engine on BIMFACE that the connection flags name.
func remoteEngine(e *env, conn Remote, paging Paging, opts plan.Options) (runner.Engine, error) {
	popts, err := paging.options()
	if err != nil {
		return nil, err
	}
	client, err := conn.client(e, popts...)
	if err != nil {
		return nil, err
	}
	return runner.Remote(client, &bimface.QueryOptions{PageSize: paging.PageSize}, opts, "BIMFACE at "+client.BaseURL().String()), nil
}

func (c *QueryCmd) format(e *env) (output.Format, error) {
	if c.Format != "auto" {
		return output.ParseFormat(c.Format)
	}
	if f, ok := e.stdout.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return output.Table, nil
	}
	return output.IDs, nil
}

// openCache opens a cache path, or the demo model for "". A path may be
// a FIFO, or a file that takes long to read: a signal ends bfquery
// meanwhile. An index file that is stale or damaged is rebuilt or
// ignored, with a line on stderr saying which.
func openCache(e *env, path string) (cache *eval.Cache, err error) {
	if path == "" {
		return demo.Open()
	}
	notify := func(msg string) { fmt.Fprintf(e.stderr, "bfquery: %s\n", msg) }
	e.sig.blocking(func() { cache, err = eval.OpenOptions(path, eval.Options{Notify: notify}) }, nil)
	if err != nil {
		// A bad cache is a failure to run, whatever position it names.
		return nil, runError{err}
	}
	return cache, nil
}

// eachLine reads DSL requests, one per line, from a file or standard input
// ("-"), and calls f for each as it is read. A bad line stops the batch
// with an error naming the file and line; what was answered before it
// stays answered.
func eachLine(e *env, file string, f func(dsl.Request) error) error {
	name, r := file, e.stdin
	if file != "-" {
		var fh *os.File
		var err error
		// Opening a FIFO waits for a writer.
		e.sig.blocking(func() { fh, err = os.Open(file) }, nil)
		if err != nil {
			return err
		}
		defer fh.Close()
		r = fh
	} else {
		name = "<stdin>"
	}
	// Only the reads end bfquery on a signal: f watches e.ctx.
	sc := bufio.NewScanner(e.sig.reader(r))
	sc.Buffer(make([]byte, 0, 64*1024), 64<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		req, err := dsl.Unmarshal(line)
		if err != nil {
			return inFile(name, n, err)
		}
		if err := f(req); err != nil {
			return fmt.Errorf("%s:%d: %w", name, n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}
