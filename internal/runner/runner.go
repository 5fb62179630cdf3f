package runner

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/internal/output"
	"github.com/bfquery/bfquery/plan"
)

// Result is what running one statement gives: the answer of a query, or
// the plan of an EXPLAIN.
type Result struct {
	Statement dsl.Statement
	// Answer is a query's answer; empty for EXPLAIN.
	Answer output.Answer
	// Plan is how an EXPLAIN is answered; nil for a query.
	Plan *plan.Plan
	// Elapsed is how long the statement took.
	Elapsed time.Duration
}

// Want says what an answer must hold.
type Want int

const (
	// IDs: the IDs found, per target.
	IDs Want = iota
	// Records: the IDs and what a table shows of each, where the engine
	// can read it.
	Records
	// Count: how many IDs, per target; an engine may leave the IDs out.
	Count
	// Written: the IDs, to be written out once in the ids or json
	// format; a local engine gives its match sets (output.Answer.Sets)
	// rather than a string for each ID.
	Written
)

// WantFor is what an answer printed in format f must hold.
func WantFor(f output.Format) Want {
	switch f {
	case output.Table, output.CSV:
		return Records
	case output.Count:
		return Count
	}
	return IDs
}

// Run runs one statement on e, its answer holding what want asks for.
func Run(ctx context.Context, e Engine, st dsl.Statement, want Want) (Result, error) {
	start := time.Now()
	res := Result{Statement: st}
	var err error
	if st.Explain {
		res.Plan, err = e.Plan(ctx, st)
	} else {
		res.Answer, err = e.Answer(ctx, st, want)
	}
	res.Elapsed = time.Since(start)
	return res, err
}

// Explain writes an EXPLAIN's result as the shell shows it: the plan
// and, where e can tell, how many records each clause matched in each
// target.
func Explain(w io.Writer, e Engine, res Result) error {
	if _, err := io.WriteString(w, res.Plan.String()); err != nil {
		return err
	}
	st := res.Statement
	return e.Matched(st, func(t Target, n int, clauses string) {
		fmt.Fprintf(w, "\nRecords matched in %s (%d %s):\n%s\n", t, n, Noun(st.Select), clauses)
	})
}
