package runner_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/bimface/bimfacetest"
	"github.com/bfquery/bfquery/internal/demo"
	"github.com/bfquery/bfquery/internal/output"
	"github.com/bfquery/bfquery/internal/runner"
	"github.com/bfquery/bfquery/parser"
	"github.com/bfquery/bfquery/plan"
)

const from = "SELECT elementId FROM file " + demo.FileID + " WHERE "

func engines(t *testing.T) (local, remote runner.Engine) {
	t.Helper()
	cache, err := demo.Open()
	require.NoError(t, err)
	data, err := bimfacetest.LoadFS(demo.FS())
	require.NoError(t, err)
	s := bimfacetest.NewServer(t, data)
	return runner.Local(cache, "the demo model"), runner.Remote(s.Client(), nil, plan.Options{}, "the simulator")
}

func TestRunAnswersAlike(t *testing.T) {
	local, remote := engines(t)
	ctx := context.Background()
	for _, q := range []string{
		"floor = 'F01' AND categoryName = '墙'",
		"categoryName = '墙' AND floor != 'F01' AND 体积 > 2",
		"familyType LIKE 'C%' OR roomId IS NULL",
	} {
		st, err := parser.Compile(from + q)
		require.NoError(t, err)
		l, err := runner.Run(ctx, local, st, runner.IDs)
		require.NoError(t, err)
		r, err := runner.Run(ctx, remote, st, runner.IDs)
		require.NoError(t, err)
		require.NotZero(t, l.Answer.Len(), q)
		require.ElementsMatch(t, l.Answer.Results[0].IDs, r.Answer.Results[0].IDs, q)
		cmp, err := runner.Compare(ctx, local, remote, st)
		require.NoError(t, err)
		require.False(t, cmp.Differ(), q)
		var b strings.Builder
		_, err = cmp.WriteTo(&b)
		require.NoError(t, err)
		require.Regexp(t, `^target 1124890692330272: same \d+ IDs\n$`, b.String())
	}
}

func TestExplain(t *testing.T) {
	local, remote := engines(t)
	ctx := context.Background()
	st, err := parser.Compile("EXPLAIN " + from + "categoryName = '墙' AND floor != 'F01'")
	require.NoError(t, err)
	want := "1. query/elementIds {\"match\":{\"categoryName\":\"墙\"}}\n" +
		"2. query/elementIds {\"boolAnd\":[{\"match\":{\"categoryName\":\"墙\"}},{\"match\":{\"floor\":\"F01\"}}]}\n" +
		"result: (1) − (2)\nrequests: 2\n"
	for _, e := range []runner.Engine{local, remote} {
		res, err := runner.Run(ctx, e, st, runner.IDs)
		require.NoError(t, err)
		require.Equal(t, want, res.Plan.String(), e.Name())
	}
	// Locally the records say how many each clause matched.
	res, err := runner.Run(ctx, local, st, runner.IDs)
	require.NoError(t, err)
	var b strings.Builder
	require.NoError(t, runner.Explain(&b, local, res))
	require.True(t, strings.HasPrefix(b.String(), want+"\nRecords matched in file 1124890692330272 (4000 elements):\n"), b.String())
	b.Reset()
	require.NoError(t, runner.Explain(&b, remote, res))
	require.Equal(t, want, b.String())
}

func TestHas(t *testing.T) {
	local, remote := engines(t)
	require.NoError(t, local.Has(runner.Target{Type: "file", ID: demo.FileID}))
	require.EqualError(t, local.Has(runner.Target{Type: "file", ID: "42"}), "file 42 is not in the demo model")
	require.NoError(t, remote.Has(runner.Target{Type: "file", ID: "42"}))
	ts, err := remote.Targets(context.Background())
	require.NoError(t, err)
	require.Equal(t, []runner.TargetInfo{{Target: runner.Target{Type: "file", ID: "42"}, Elements: -1, Rooms: -1, Areas: -1}}, ts)
}

// TestRunWritten checks that a local engine answers a plain query wanted
// Written with its match sets, and a remote one with IDs, both writing
// the same as the IDs answer; a statement with a SELECT list stays a
// table.
func TestRunWritten(t *testing.T) {
	local, remote := engines(t)
	ctx := context.Background()
	st, err := parser.Compile(from + "floor = 'F01' AND categoryName = '墙'")
	require.NoError(t, err)
	ids, err := runner.Run(ctx, local, st, runner.IDs)
	require.NoError(t, err)
	written, err := runner.Run(ctx, local, st, runner.Written)
	require.NoError(t, err)
	require.Nil(t, written.Answer.Results)
	require.Len(t, written.Answer.Sets, 1)
	require.NotZero(t, written.Answer.Len())
	require.Equal(t, ids.Answer.Len(), written.Answer.Len())
	fromRemote, err := runner.Run(ctx, remote, st, runner.Written)
	require.NoError(t, err)
	require.Nil(t, fromRemote.Answer.Sets)
	for _, f := range []output.Format{output.IDs, output.JSON} {
		want := writeAnswer(t, f, ids.Answer)
		require.Equal(t, want, writeAnswer(t, f, written.Answer), f)
		require.Equal(t, want, writeAnswer(t, f, fromRemote.Answer), f)
	}

	st, err = parser.Compile("SELECT elementId, name FROM file " + demo.FileID + " WHERE floor = 'F01'")
	require.NoError(t, err)
	table, err := runner.Run(ctx, local, st, runner.Written)
	require.NoError(t, err)
	require.NotNil(t, table.Answer.Table)
	require.Nil(t, table.Answer.Sets)
}

func writeAnswer(t *testing.T, f output.Format, a output.Answer) string {
	var b strings.Builder
	w := output.NewWriter(&b, f)
	require.NoError(t, w.Write(a))
	require.NoError(t, w.Flush())
	return b.String()
}
