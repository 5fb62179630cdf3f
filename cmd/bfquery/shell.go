package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/alecthomas/kong"
	"golang.org/x/term"

	"github.com/bfquery/bfquery/internal/output"
	"github.com/bfquery/bfquery/internal/runner"
	"github.com/bfquery/bfquery/internal/shell"
	"github.com/bfquery/bfquery/plan"
)

// ShellCmd is "bfquery shell", and "bfquery" alone on a terminal: an
// interactive shell in the manner of psql.
type ShellCmd struct {
	Cache   string `type:"path" placeholder:"PATH" help:"A cache directory or a file of elements. Without it, the demo model built into bfquery (file ${demo_id})."`
	Remote  bool   `help:"Run the queries on BIMFACE instead of a local cache."`
	History string `type:"path" env:"BFQUERY_HISTORY" placeholder:"FILE" help:"Keep the history of typed lines in FILE (default: bfquery/history in the user's state directory)."`
	Rows    int    `default:"100" placeholder:"N" help:"Show at most N rows of a result on the screen (0: all); \\export writes them all."`
	Format  string `short:"f" enum:"ids,json,count,table,csv" default:"table" help:"How results are printed: ids, json, count, table or csv; \\format changes it."`
	Conn    Remote `embed:""`
}

func (c *ShellCmd) Run(e *env, kctx *kong.Context) error {
	in, inOK := e.stdin.(*os.File)
	out, outOK := e.stdout.(*os.File)
	tty := inOK && outOK && term.IsTerminal(int(in.Fd())) && term.IsTerminal(int(out.Fd()))
	if !tty && !explicit(kctx, "shell") {
		// "bfquery" alone with input from a pipe: what it always said,
		// rather than wait for a script nobody meant to send.
		var names []string
		for _, n := range kctx.Model.Children {
			if n.Type == kong.CommandNode && !n.Hidden {
				names = append(names, fmt.Sprintf("%q", n.Name))
			}
		}
		return inputError{fmt.Errorf("expected one of %s\nRun \"bfquery --help\" for usage, or \"bfquery shell\" on a terminal", strings.Join(names, ", "))}
	}
	var engine runner.Engine
	var err error
	if c.Remote {
		engine, err = remoteEngine(e, c.Conn, plan.Options{})
	} else {
		engine, err = localEngine(e, c.Cache)
	}
	if err != nil {
		return err
	}
	cfg := shell.Config{
		Engine:   engine,
		Stdin:    e.sig.reader(e.stdin),
		Stdout:   e.stdout,
		Stderr:   e.stderr,
		Terminal: tty,
		Color:    tty && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb",
		MaxRows:  c.Rows,
		Format:   output.Format(c.Format),
	}
	if c.Rows == 0 {
		cfg.MaxRows = -1
	}
	if tty {
		if cfg.HistoryFile = c.History; cfg.HistoryFile == "" {
			cfg.HistoryFile, _ = shell.DefaultHistoryFile()
		}
	}
	if tty {
		// On a terminal Ctrl-C belongs to the shell: it cancels the line
		// or the query, not the session. SIGTERM ends it, also while it
		// waits for a line, with the terminal put back as it was.
		cfg.Stdin = e.stdin
		e.sig.keepInterrupt()
		restore := func() {}
		if st, err := term.GetState(int(in.Fd())); err == nil {
			restore = func() { _ = term.Restore(int(in.Fd()), st) }
		}
		e.sig.blocking(func() { err = shell.New(cfg).Run(e.ctx) }, restore)
	} else {
		err = shell.New(cfg).Run(e.ctx)
	}
	if errors.Is(err, shell.ErrFailed) {
		return inputError{err}
	}
	return err
}

// explicit reports whether the command line named the command, rather
// than kong choosing it as the default.
func explicit(kctx *kong.Context, name string) bool {
	for _, a := range kctx.Args {
		if a == name {
			return true
		}
		if !strings.HasPrefix(a, "-") {
			return false
		}
	}
	return false
}
