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

// Run runs one statement on e. With records, a query's answer also holds
// what a table shows of each ID, when e can read it.
func Run(ctx context.Context, e Engine, st dsl.Statement, records bool) (Result, error) {
	start := time.Now()
	res := Result{Statement: st}
	var err error
	if st.Explain {
		res.Plan, err = e.Plan(ctx, st)
	} else {
		res.Answer, err = e.Answer(ctx, st, records)
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
