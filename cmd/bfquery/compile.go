package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/parser"
)

// DSLCmd is "bfquery dsl": query text in, DSL request JSON out.
type DSLCmd struct {
	Query  string `arg:"" optional:"" help:"The query, e.g. \"SELECT elementId FROM file 1124890692330272 WHERE floor = 'F01'\"; \"-\" reads it from standard input."`
	File   string `type:"path" placeholder:"FILE" help:"Read the query from FILE (\"-\" for standard input) instead of the command line."`
	Pretty bool   `help:"Indent the JSON instead of writing it on one line."`
}

func (c *DSLCmd) Run(e *env) error {
	st, err := compileQuery(e, c.Query, c.File, parser.CompileDSL)
	if err != nil {
		return err
	}
	out, err := st.Request.MarshalJSON()
	if err != nil {
		return err
	}
	if c.Pretty {
		var buf bytes.Buffer
		if err := json.Indent(&buf, out, "", "  "); err != nil {
			return err
		}
		out = buf.Bytes()
	}
	if _, err = fmt.Fprintf(e.stdout, "%s\n", out); err != nil {
		return err
	}
	if !st.Plain() {
		// The request is the filter; BIMFACE has nothing for the rest.
		fmt.Fprintf(e.stderr, "bfquery: this is the request of the statement's WHERE, for query/%s; its SELECT list, GROUP BY, HAVING, ORDER BY, LIMIT and DISTINCT run client-side, on the %ss it finds (bfquery query --remote does both)\n",
			st.Select.IDsField(), strings.TrimSuffix(st.Select.String(), "Id"))
	}
	return nil
}

// FmtCmd is "bfquery fmt": DSL request JSON in, query text out.
type FmtCmd struct {
	File   string `arg:"" optional:"" type:"path" help:"A file holding a DSL request, or one request per line; standard input when absent or \"-\"."`
	Select string `default:"elementId" enum:"elementId,roomId,areaId" help:"Which IDs the text selects (${enum})."`
}

func (c *FmtCmd) Run(e *env) error {
	var name string
	var data []byte
	var err error
	e.sig.blocking(func() { name, data, err = readInput(c.File, e.stdin) }, nil)
	if err != nil {
		return err
	}
	sel, err := dsl.ParseSelect(c.Select)
	if err != nil {
		return inputError{err}
	}
	return eachRequest(name, data, func(r dsl.Request) error {
		text, err := parser.Format(dsl.Statement{Select: sel, Request: r})
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(e.stdout, text)
		return err
	})
}

// compileQuery compiles the query given as an argument, or read from a
// file or standard input ("-", as the argument or the file), so that a
// long query needs no "$(cat q.sql)". A ";" may end it, as in a script.
// Errors in a file's query name the file.
func compileQuery(e *env, arg, file string, compile func(string) (dsl.Statement, error)) (dsl.Statement, error) {
	switch {
	case arg != "" && file != "":
		return dsl.Statement{}, inputError{errors.New("give the query or --file FILE, not both")}
	case arg == "" && file == "":
		return dsl.Statement{}, inputError{errors.New("give a query, or --file FILE (\"-\" for standard input)")}
	case arg != "" && arg != "-":
		return compile(arg)
	}
	if file == "" {
		file = "-"
	}
	var name string
	var data []byte
	var err error
	e.sig.blocking(func() { name, data, err = readInput(file, e.sig.reader(e.stdin)) }, nil)
	if err != nil {
		return dsl.Statement{}, err
	}
	src := strings.TrimRightFunc(string(data), unicode.IsSpace)
	src = strings.TrimSuffix(src, ";")
	st, err := compile(src)
	if err != nil {
		return st, inFile(name, 0, err)
	}
	return st, nil
}

// readInput reads a named file, or standard input for "" and "-".
func readInput(file string, stdin io.Reader) (name string, data []byte, err error) {
	if file == "" || file == "-" {
		data, err = io.ReadAll(stdin)
		return "<stdin>", data, err
	}
	data, err = os.ReadFile(file)
	return file, data, err
}

// eachRequest calls f for the DSL request in data, or for each request
// when data holds one per line (its first line is a whole request).
// Errors name the file, and the line when there are several.
func eachRequest(name string, data []byte, f func(dsl.Request) error) error {
	r, err := dsl.Unmarshal(data)
	if err == nil {
		return f(r)
	}
	first, _, _ := bytes.Cut(bytes.TrimSpace(data), []byte("\n"))
	if _, ferr := dsl.Unmarshal(first); ferr != nil {
		return inFile(name, 0, err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), len(data)+1)
	for n := 1; sc.Scan(); n++ {
		// The line as it is, so that a column counts its indentation.
		line := sc.Bytes()
		if len(bytes.Trim(line, " \t\r")) == 0 {
			continue
		}
		r, err := dsl.Unmarshal(line)
		if err != nil {
			return inFile(name, n, err)
		}
		if err := f(r); err != nil {
			return err
		}
	}
	return sc.Err()
}

// inFile puts a file name (and a line, for one-request-per-line input) on
// a DSL error.
func inFile(name string, line int, err error) error {
	de, ok := err.(*dsl.Error)
	if !ok {
		return fmt.Errorf("%s: %w", name, err)
	}
	e := *de
	e.Pos.Filename = name
	if line > 0 {
		// The line within the file; a column, if any, is within the line.
		e.Pos.Line = line
	} else if !e.Pos.IsValid() {
		return fmt.Errorf("%s: %w", name, de)
	}
	return &e
}
