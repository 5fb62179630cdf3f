package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/term"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
	"github.com/bfquery/bfquery/internal/output"
	"github.com/bfquery/bfquery/parser"
	"github.com/bfquery/bfquery/plan"
)

// QueryCmd is "bfquery query": run queries on a local cache, on BIMFACE,
// or on both to compare them.
type QueryCmd struct {
	Query   string `arg:"" optional:"" help:"The query, e.g. \"SELECT elementId FROM file 1124890692330272 WHERE floor = 'F01'\"."`
	Cache   string `type:"path" placeholder:"PATH" help:"A cache directory or a file of elements. Without it, the demo model built into bfquery (file ${demo_id})."`
	DSL     string `name:"dsl" placeholder:"FILE" help:"Read DSL requests as JSON, one per line, from FILE (\"-\" for standard input) and answer each in order."`
	Select  string `enum:"elementId,roomId,areaId," default:"" help:"With --dsl: which IDs to find (elementId, roomId or areaId; default elementId)."`
	Format  string `short:"f" enum:"auto,ids,json,count,table,csv" default:"auto" help:"Output format: ids, json, count, table or csv; auto is table on a terminal, ids otherwise."`
	Explain bool   `help:"Instead of the IDs, show how many records each clause of the query matched, per target (local only)."`
	Remote  bool   `help:"Run the queries on BIMFACE instead of a local cache. What BIMFACE's DSL has no clause for (NOT, ranges, LIKE, IS NULL) runs as a plan of several requests; EXPLAIN before SELECT shows it."`
	LowerIn bool   `name:"lower-in" help:"With --remote: write in clauses as boolOr of matches, for servers that reject in."`
	Compare bool   `help:"Run the queries both locally and on BIMFACE and print where they differ; exit code 1 when they do."`
	Conn    Remote `embed:""`
}

func (c *QueryCmd) Run(e *env) error {
	if (c.Query == "") == (c.DSL == "") {
		return inputError{errors.New("give either a query or --dsl FILE")}
	}
	if c.Query != "" && c.Select != "" {
		return inputError{errors.New("--select goes with --dsl; a query says what it selects after SELECT")}
	}
	if c.Remote && c.Compare || c.Explain && (c.Remote || c.Compare) {
		return inputError{errors.New("choose one of --remote, --compare and --explain")}
	}
	format, err := c.format(e)
	if err != nil {
		return err
	}
	var cache *eval.Cache
	if !c.Remote {
		if cache, err = openCache(c.Cache, e.stderr); err != nil {
			return err
		}
	}
	if c.Explain {
		return c.explain(e, cache)
	}
	var client *bimface.Client
	if c.Remote || c.Compare {
		if client, err = c.Conn.client(); err != nil {
			return err
		}
	}
	records := format == output.Table || format == output.CSV
	planOpts := plan.Options{LowerIn: c.LowerIn}
	var backend plan.Backend
	if client != nil {
		backend = plan.CacheValues(plan.Remote(client, &bimface.QueryOptions{PageSize: c.Conn.PageSize}))
	}
	remote := func(st dsl.Statement) (output.Answer, error) {
		results, err := plan.Answer(e.ctx, backend, st, planOpts)
		return output.Answer{Select: st.Select, Results: results}, err
	}
	w := output.NewWriter(e.stdout, format)
	differ := false
	answer := func(st dsl.Statement) error {
		var a output.Answer
		var err error
		if st.Explain {
			b := backend
			if !c.Remote {
				b = plan.Local(cache)
			}
			p, err := plan.Build(e.ctx, b, st, planOpts)
			if err != nil {
				return err
			}
			if err := w.Flush(); err != nil {
				return err
			}
			_, err = fmt.Fprint(e.stdout, p)
			return err
		}
		switch {
		case c.Compare:
			var local, far output.Answer
			if local, err = output.FromCache(cache, st, false); err != nil {
				return err
			}
			if far, err = remote(st); err != nil {
				return err
			}
			if compare(e.stdout, local, far) {
				differ = true
			}
			return nil
		case c.Remote:
			a, err = remote(st)
		case format == output.Count:
			a, err = output.CountFromCache(cache, st)
		default:
			a, err = output.FromCache(cache, st, records)
		}
		if err != nil {
			return err
		}
		return w.Write(a)
	}
	if c.Query != "" {
		st, err := parser.Compile(c.Query)
		if err == nil {
			err = answer(st)
		}
		err = errors.Join(err, w.Flush())
		if err == nil && differ {
			return errDiffer
		}
		return err
	}
	sel := dsl.SelectElements
	if c.Select != "" {
		sel, _ = dsl.ParseSelect(c.Select)
	}
	err = eachLine(c.DSL, e.stdin, func(r dsl.Request) error { return answer(dsl.Statement{Select: sel, Request: r}) })
	err = errors.Join(err, w.Flush())
	if err == nil && differ {
		return errDiffer
	}
	return err
}

// errDiffer is what --compare returns when local and remote answers differ.
var errDiffer = errors.New("local and remote answers differ")

// compare prints, per target, whether the local and remote answers hold
// the same IDs, and the IDs only one of them has: "-" local only, "+"
// remote only. It reports whether they differ. Order is not compared:
// BIMFACE does not promise one.
func compare(w io.Writer, local, remote output.Answer) bool {
	byTarget := map[string][]string{}
	var order []string
	for _, r := range remote.Results {
		byTarget[r.TargetID] = r.IDs
		order = append(order, r.TargetID)
	}
	differ := false
	seen := map[string]bool{}
	for _, l := range local.Results {
		seen[l.TargetID] = true
		// A target the remote answer leaves out has no IDs there.
		differ = compareTarget(w, l.TargetID, l.IDs, byTarget[l.TargetID]) || differ
	}
	for _, t := range order {
		if !seen[t] {
			differ = compareTarget(w, t, nil, byTarget[t]) || differ
		}
	}
	return differ
}

func compareTarget(w io.Writer, target string, local, remote []string) bool {
	inLocal := make(map[string]bool, len(local))
	for _, id := range local {
		inLocal[id] = true
	}
	inRemote := make(map[string]bool, len(remote))
	var onlyRemote []string
	for _, id := range remote {
		inRemote[id] = true
		if !inLocal[id] {
			onlyRemote = append(onlyRemote, id)
		}
	}
	var onlyLocal []string
	for _, id := range local {
		if !inRemote[id] {
			onlyLocal = append(onlyLocal, id)
		}
	}
	if len(onlyLocal) == 0 && len(onlyRemote) == 0 {
		fmt.Fprintf(w, "target %s: same %d IDs\n", target, len(inLocal))
		return false
	}
	fmt.Fprintf(w, "target %s: %d IDs local, %d remote; %d only local (-), %d only remote (+)\n", target, len(inLocal), len(inRemote), len(onlyLocal), len(onlyRemote))
	for _, id := range onlyLocal {
		fmt.Fprintf(w, "-%s\n", id)
	}
	for _, id := range onlyRemote {
		fmt.Fprintf(w, "+%s\n", id)
	}
	return true
}

// explain prints, per target, the clause tree of the query with the number
// of records each clause matched.
func (c *QueryCmd) explain(e *env, cache *eval.Cache) error {
	explain := func(st dsl.Statement) error {
		if err := st.Request.Check(); err != nil {
			return err
		}
		for _, id := range st.Request.TargetIDs() {
			ix, err := cache.Index(st.Request.TargetType(), id, st.Select)
			if err != nil {
				return err
			}
			plan, err := ix.Explain(st.Request.Query())
			if err != nil {
				return err
			}
			noun := [...]string{"elements", "rooms", "areas"}[st.Select]
			fmt.Fprintf(e.stdout, "%s %s (%d %s):\n%s\n", st.Request.TargetType(), id, ix.Len(), noun, plan)
		}
		return nil
	}
	if c.Query != "" {
		st, err := parser.Compile(c.Query)
		if err != nil {
			return err
		}
		return explain(st)
	}
	sel := dsl.SelectElements
	if c.Select != "" {
		sel, _ = dsl.ParseSelect(c.Select)
	}
	return eachLine(c.DSL, e.stdin, func(r dsl.Request) error { return explain(dsl.Statement{Select: sel, Request: r}) })
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

// eachLine reads DSL requests, one per line, from a file or standard input
// ("-"), and calls f for each as it is read. A bad line stops the batch
// with an error naming the file and line; what was answered before it
// stays answered.
func eachLine(file string, stdin io.Reader, f func(dsl.Request) error) error {
	name, r := file, stdin
	if file != "-" {
		fh, err := os.Open(file)
		if err != nil {
			return err
		}
		defer fh.Close()
		r = fh
	} else {
		name = "<stdin>"
	}
	sc := bufio.NewScanner(r)
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
