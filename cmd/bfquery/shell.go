package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/alecthomas/kong"
	"golang.org/x/term"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/internal/demo"
	"github.com/bfquery/bfquery/internal/output"
	"github.com/bfquery/bfquery/internal/shell"
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
	backend, err := c.backend(e.stderr)
	if err != nil {
		return err
	}
	cfg := shell.Config{
		Backend:  backend,
		Stdin:    e.stdin,
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
	ctx := e.ctx
	if tty {
		// On a terminal Ctrl-C belongs to the shell: it cancels the line
		// or the query, not the session. SIGTERM still ends it.
		var stop context.CancelFunc
		ctx, stop = signal.NotifyContext(context.WithoutCancel(e.ctx), syscall.SIGTERM)
		defer stop()
	}
	err = shell.New(cfg).Run(ctx)
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

func (c *ShellCmd) backend(stderr io.Writer) (shell.Backend, error) {
	if c.Remote {
		client, err := c.Conn.client()
		if err != nil {
			return nil, err
		}
		return shell.Remote(client, &bimface.QueryOptions{PageSize: c.Conn.PageSize}, "BIMFACE at "+client.BaseURL.String()), nil
	}
	cache, err := openCache(c.Cache, stderr)
	if err != nil {
		return nil, err
	}
	name := "the demo model (file " + demo.FileID + ")"
	if c.Cache != "" {
		name = c.Cache
	}
	return shell.Local(cache, name), nil
}
