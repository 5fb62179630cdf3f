package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
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
	Command []string `short:"c" placeholder:"COMMAND" help:"Run COMMAND (statements or a backslash command) and exit, as psql -c does; may be repeated, and runs after the -f files."`
	File    []string `short:"f" type:"path" placeholder:"FILE" help:"Run the statements and commands in FILE (\"-\" for standard input) and exit, as psql -f does; may be repeated."`
	Quiet   bool     `short:"q" help:"Print results and errors only: no banner, no number of rows, no messages."`
	Cache   string   `type:"path" placeholder:"PATH" help:"A cache directory or a file of elements. Without it, the demo model built into bfquery (file ${demo_id})."`
	Remote  bool     `help:"Run the queries on BIMFACE instead of a local cache."`
	LowerIn bool     `name:"lower-in" help:"With --remote: write in clauses as boolOr of matches, for servers that reject in."`
	History string   `type:"path" env:"BFQUERY_HISTORY" placeholder:"FILE" help:"Keep the history of typed lines in FILE (default: bfquery/history in the user's state directory)."`
	Rows    int      `default:"100" placeholder:"N" help:"Show at most N rows of a result on a terminal (0: all; scripts print all unless given); \\export writes them all."`
	Format  string   `enum:"ids,json,count,table,csv,json-table" default:"table" help:"How results are printed: ids, json, count, table, csv or json-table; \\format changes it."`
	Timing  bool     `help:"Show how long each query took also in scripts (a terminal shows it unless \\timing off)."`
	Conn    Remote   `embed:""`
	Paging  `embed:""`
}

func (c *ShellCmd) Run(e *env, kctx *kong.Context) error {
	in, inOK := e.stdin.(*os.File)
	out, outOK := e.stdout.(*os.File)
	tty := inOK && outOK && term.IsTerminal(int(in.Fd())) && term.IsTerminal(int(out.Fd()))
	scripts := len(c.Command) > 0 || len(c.File) > 0
	if c.LowerIn && !c.Remote {
		return inputError{errors.New("--lower-in goes with --remote: it changes the requests sent to BIMFACE")}
	}
	if scripts {
		tty = false
	}
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
		engine, err = remoteEngine(e, c.Conn, c.Paging, plan.Options{LowerIn: c.LowerIn})
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
		Quiet:    c.Quiet,
		Timing:   c.Timing,
		Pager:    firstCommand("PAGER", "less", "more"),
		Editor:   firstCommand("VISUAL", "EDITOR", "vi"),
	}
	if c.Rows == 0 || !tty && !given(kctx, "--rows") {
		// A script's reader wants every row.
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
	} else if scripts {
		err = c.runScripts(e, shell.New(cfg))
	} else {
		err = shell.New(cfg).Run(e.ctx)
	}
	return scriptError(err)
}

// runScripts runs the -f files, then the -c commands, and stops at \q.
func (c *ShellCmd) runScripts(e *env, sh *shell.Shell) error {
	var inputs []func() (io.Reader, func(), error)
	for _, name := range c.File {
		inputs = append(inputs, func() (io.Reader, func(), error) {
			if name == "-" {
				return e.sig.reader(e.stdin), func() {}, nil
			}
			var f *os.File
			var err error
			e.sig.blocking(func() { f, err = os.Open(name) }, nil)
			if err != nil {
				return nil, nil, err
			}
			return e.sig.reader(f), func() { f.Close() }, nil
		})
	}
	for _, cmd := range c.Command {
		inputs = append(inputs, func() (io.Reader, func(), error) { return strings.NewReader(cmd), func() {}, nil })
	}
	for _, open := range inputs {
		r, done, err := open()
		if err != nil {
			return err
		}
		quit, err := sh.RunScript(e.ctx, r)
		done()
		if err != nil {
			return err
		}
		if quit {
			break
		}
	}
	return sh.Failed()
}

// firstCommand returns the first of the environment variables (upper
// case) that is set, or else the first of the commands (lower case) on
// the PATH, or "".
func firstCommand(names ...string) string {
	for _, n := range names {
		if strings.ToUpper(n) == n {
			if v := os.Getenv(n); v != "" {
				return v
			}
			continue
		}
		if _, err := exec.LookPath(n); err == nil {
			return n
		}
	}
	return ""
}

// scriptError gives the failures of a script the exit code of their kind:
// 2 when a statement or command was typed wrongly, 1 otherwise.
func scriptError(err error) error {
	var fe *shell.FailedError
	if errors.As(err, &fe) {
		if fe.BadInput > 0 {
			return inputError{err}
		}
		return runError{err}
	}
	return err
}

// given reports whether the command line gave the flag (a default does
// not count).
func given(kctx *kong.Context, flag string) bool {
	for _, a := range kctx.Args {
		if a == "--" {
			return false
		}
		if a == flag || strings.HasPrefix(a, flag+"=") {
			return true
		}
	}
	return false
}

// givenShort reports whether the command line gave the short flag, alone
// (-f) or with its value (-fjson).
func givenShort(kctx *kong.Context, flag rune) bool {
	for _, a := range kctx.Args {
		if a == "--" {
			return false
		}
		if len(a) >= 2 && a[0] == '-' && a[1] != '-' && rune(a[1]) == flag {
			return true
		}
	}
	return false
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
