package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/alecthomas/kong"

	"github.com/bfquery/bfquery/internal/demo"
)

// cli is the command line, as kong reads it.
type cli struct {
	Query  QueryCmd  `cmd:"" help:"Run queries on a local cache (or the built-in demo model), on BIMFACE, or on both to compare."`
	DSL    DSLCmd    `cmd:"" name:"dsl" help:"Compile a query to BIMFACE's DSL request JSON."`
	Fmt    FmtCmd    `cmd:"" name:"fmt" help:"Format DSL request JSON as query text."`
	Pull   PullCmd   `cmd:"" help:"Download a file's or an integration's elements, rooms and areas into a cache directory."`
	Serve  ServeCmd  `cmd:"" help:"Serve BIMFACE's API from a cache, for offline use and tests (a simulator)."`
	Export ExportCmd `cmd:"" help:"Write caches as Parquet (or CSV, NDJSON) tables of elements and properties, for DuckDB, Spark, Trino, pandas."`
	SQL    SQLCmd    `cmd:"" name:"sql" help:"Compile a query to SQL over the tables bfquery export writes."`
	Index  IndexCmd  `cmd:"" help:"Write the index files of a cache directory, which make opening it fast (pull writes them)."`

	Upload       UploadCmd       `cmd:"" help:"Upload a model file to BIMFACE."`
	Translate    TranslateCmd    `cmd:"" help:"Translate an uploaded file into model data (--wait waits for the end), or show how it goes."`
	Integrate    IntegrateCmd    `cmd:"" help:"Integrate translated files into one model; show or delete an integration."`
	Compare      CompareCmd      `cmd:"" help:"Compare two versions of a model; show or delete a comparison."`
	Files        FilesCmd        `cmd:"" help:"List, show, download and delete uploaded files."`
	Translations TranslationsCmd `cmd:"" help:"List the translations of a project."`
	Databag      DatabagCmd      `cmd:"" help:"Make and fetch offline databags."`
	Share        ShareCmd        `cmd:"" help:"Make, show and revoke share links."`
	ViewToken    ViewTokenCmd    `cmd:"" name:"viewtoken" help:"Print a view token for BIMFACE's viewer (a file, an integration or a comparison)."`
	Shell        ShellCmd        `cmd:"" default:"1" help:"An interactive shell for queries, with completion and history (the default on a terminal); with a pipe, reads statements from it."`
	Completion   CompletionCmd   `cmd:"" help:"Print a completion script for bash, zsh or fish."`
}

// env is what commands read and write, so that tests can run the CLI in
// process with real files and pipes.
type env struct {
	ctx            context.Context // cancelled by SIGINT or SIGTERM
	sig            *signals
	stdin          io.Reader
	stdout, stderr io.Writer
}

type exitSignal int

// run runs bfquery with args and returns the exit code. It never lets a
// panic or kong's exit escape as a Go trace.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runModel(model(args), args, stdin, stdout, stderr)
}

// runModel is run with the struct kong reads the command line into.
func runModel(m any, args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			if c, ok := r.(exitSignal); ok {
				code = int(c)
				return
			}
			fmt.Fprintf(stderr, "bfquery: internal error: %v\n", r)
			code = exitError
		}
	}()
	parser, err := kong.New(m,
		kong.Name("bfquery"),
		kong.Description("Query BIM model elements on BIMFACE with a SQL-ish language.\n\n"+exitCodes),
		kong.Writers(stdout, stderr),
		kong.Exit(func(code int) { panic(exitSignal(code)) }),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true}),
		kong.Vars{"demo_id": demo.FileID},
		kong.ExplicitGroups([]kong.Group{{Key: "bimface", Title: "BIMFACE connection:"}}),
		kong.Help(helpPrinter),
	)
	if err != nil {
		fmt.Fprintf(stderr, "bfquery: %v\n", err)
		return exitError
	}
	ctx, err := parser.Parse(args)
	if err != nil {
		fmt.Fprintf(stderr, "bfquery: %v\n", err)
		var pe *kong.ParseError
		if errors.As(err, &pe) && pe.Context != nil {
			fmt.Fprintf(stderr, "Run \"%s --help\" for usage.\n", commandPath(pe.Context))
		}
		return exitUsage
	}
	sig := listen()
	defer sig.stop()
	if err := ctx.Run(&env{ctx: sig.ctx, sig: sig, stdin: stdin, stdout: stdout, stderr: stderr}); err != nil {
		if errors.Is(err, errDiffer) {
			return exitError
		}
		fmt.Fprintf(stderr, "bfquery: %v\n", err)
		if code := sig.received(); code != 0 {
			// A command that a signal cancelled ends as one that it
			// interrupted in a read.
			return code
		}
		return exitCode(err)
	}
	return exitOK
}

// model is what kong reads the command line into: the whole cli, or,
// when args start with the name of a command, a struct holding that
// command alone. Kong builds its model of every command and flag before
// it parses, which was the larger part of a one-shot command's start
// (bfquery query -f count on a mapped cache); the help, errors and
// behaviour of one command do not depend on the others, but for shell
// and completion, which list them.
func model(args []string) any {
	full := &cli{}
	if len(args) == 0 || args[0] == "shell" || args[0] == "completion" {
		return full
	}
	t := reflect.TypeFor[cli]()
	for i := range t.NumField() {
		f := t.Field(i)
		name := f.Tag.Get("name")
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		if name == args[0] {
			f.Index, f.Offset = nil, 0
			return reflect.New(reflect.StructOf([]reflect.StructField{f})).Interface()
		}
	}
	return full
}

func commandPath(ctx *kong.Context) string {
	if cmd := ctx.Command(); cmd != "" {
		return "bfquery " + cmd
	}
	return "bfquery"
}
