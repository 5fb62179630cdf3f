package runner_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/internal/demo"
	"github.com/bfquery/bfquery/internal/runner"
	"github.com/bfquery/bfquery/parser"
)

func TestUnknownKeys(t *testing.T) {
	cache, err := demo.Open()
	require.NoError(t, err)
	e := runner.Local(cache, "the demo model")
	from := "SELECT elementId FROM file 1124890692330272 WHERE "
	for _, tc := range []struct {
		where string
		notes []string
	}{
		{"floor = 'F01'", nil},
		{"FLOOR = 'F01'", []string{"no element of file 1124890692330272 has the key FLOOR; did you mean floor?"}},
		{"floorr = 'F01' AND floorr != 'F02'", []string{"no element of file 1124890692330272 has the key floorr; did you mean floor?"}},
		{"`类型 名称` = 'C18'", []string{"no element of file 1124890692330272 has the key `类型 名称`; did you mean 类型名称?"}},
		{"nothing_like_it = 1", []string{"no element of file 1124890692330272 has the key nothing_like_it"}},
	} {
		t.Run(tc.where, func(t *testing.T) {
			st, err := parser.Compile(from + tc.where)
			require.NoError(t, err)
			require.Equal(t, tc.notes, runner.UnknownKeys(context.Background(), e, st))
		})
	}
}
