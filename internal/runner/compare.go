package runner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/internal/output"
)

// Comparison is a statement answered by two engines, usually a cache and
// BIMFACE: per target, the IDs only one of them has.
type Comparison struct {
	Targets []TargetComparison
}

// TargetComparison compares the answers for one target. Order is not
// compared: BIMFACE does not promise one.
type TargetComparison struct {
	TargetID              string
	Local, Remote         int // distinct IDs in each answer
	OnlyLocal, OnlyRemote []string
}

// Differ reports whether any target's answers differ.
func (c Comparison) Differ() bool {
	for _, t := range c.Targets {
		if len(t.OnlyLocal)+len(t.OnlyRemote) > 0 {
			return true
		}
	}
	return false
}

// Compare answers st on local and on remote and compares the answers. A
// target one answer leaves out has no IDs there.
//
// Only the IDs of plain statements are compared: a table's rows have no
// identity to tell which side has which.
func Compare(ctx context.Context, local, remote Engine, st dsl.Statement) (Comparison, error) {
	if !st.Plain() {
		return Comparison{}, errors.New("compare takes statements that select IDs only, without a SELECT list of columns, GROUP BY, ORDER BY, LIMIT or DISTINCT")
	}
	l, err := local.Answer(ctx, st, IDs)
	if err != nil {
		return Comparison{}, err
	}
	r, err := remote.Answer(ctx, st, IDs)
	if err != nil {
		return Comparison{}, err
	}
	return compareAnswers(l, r), nil
}

func compareAnswers(local, remote output.Answer) Comparison {
	byTarget := map[string][]string{}
	var order []string
	for _, r := range remote.Results {
		byTarget[r.TargetID] = r.IDs
		order = append(order, r.TargetID)
	}
	var c Comparison
	seen := map[string]bool{}
	for _, l := range local.Results {
		seen[l.TargetID] = true
		c.Targets = append(c.Targets, compareTarget(l.TargetID, l.IDs, byTarget[l.TargetID]))
	}
	for _, t := range order {
		if !seen[t] {
			c.Targets = append(c.Targets, compareTarget(t, nil, byTarget[t]))
		}
	}
	return c
}

func compareTarget(target string, local, remote []string) TargetComparison {
	inLocal := make(map[string]bool, len(local))
	for _, id := range local {
		inLocal[id] = true
	}
	inRemote := make(map[string]bool, len(remote))
	tc := TargetComparison{TargetID: target}
	for _, id := range remote {
		inRemote[id] = true
		if !inLocal[id] {
			tc.OnlyRemote = append(tc.OnlyRemote, id)
		}
	}
	for _, id := range local {
		if !inRemote[id] {
			tc.OnlyLocal = append(tc.OnlyLocal, id)
		}
	}
	tc.Local, tc.Remote = len(inLocal), len(inRemote)
	return tc
}

// WriteTo prints, per target, whether the answers hold the same IDs, and
// the IDs only one of them has: "-" local only, "+" remote only.
func (c Comparison) WriteTo(w io.Writer) (int64, error) {
	var b bytes.Buffer
	for _, t := range c.Targets {
		if len(t.OnlyLocal)+len(t.OnlyRemote) == 0 {
			fmt.Fprintf(&b, "target %s: same %d IDs\n", t.TargetID, t.Local)
			continue
		}
		fmt.Fprintf(&b, "target %s: %d IDs local, %d remote; %d only local (-), %d only remote (+)\n", t.TargetID, t.Local, t.Remote, len(t.OnlyLocal), len(t.OnlyRemote))
		for _, id := range t.OnlyLocal {
			fmt.Fprintf(&b, "-%s\n", id)
		}
		for _, id := range t.OnlyRemote {
			fmt.Fprintf(&b, "+%s\n", id)
		}
	}
	return b.WriteTo(w)
}
