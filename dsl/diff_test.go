package dsl_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/dsl"
)

// TestDiffLines: Diff writes both normal forms a clause a line and marks
// the lines only one of them has.
func TestDiffLines(t *testing.T) {
	or := func(floor string) dsl.Request {
		return dsl.File("1").Where(dsl.Or(dsl.Match(dsl.Floor, floor), dsl.Contain(dsl.Name, "墙")))
	}
	for _, tc := range []struct {
		name string
		a, b dsl.Request
		want string
	}{
		{"same meaning", or("F1"), dsl.File("1", "1").Where(dsl.Or(dsl.Contain(dsl.Name, "墙"), dsl.In(dsl.Floor, "F1"))), ""},
		{"one value", or("F1"), or("F2"), `  TargetType: "file"
  TargetIDs: ["1"]
  Query:
    BoolOr:
      Contain: "name", Value: "'墙'"
-     Match: "floor", Value: "'F1'"
+     Match: "floor", Value: "'F2'"
`},
		{"targets and clauses", dsl.File("1").Where(dsl.And(dsl.Match("a", 1), dsl.Not(dsl.Exists("b")))),
			dsl.Integration("1", "2").Where(dsl.And(dsl.Match("a", 1), dsl.Between("c", 1, 2), dsl.Not(dsl.Exists("b")))), `- TargetType: "file"
- TargetIDs: ["1"]
+ TargetType: "integration"
+ TargetIDs: ["1", "2"]
  Query:
    BoolAnd:
      Match: "a", Value: "1"
      Not:
        Exists: "b"
+     Range: "c", Lower: ">= 1", Upper: "<= 2"
`},
		{"patterns", dsl.File("1").Where(dsl.Like("a", "x%")), dsl.File("1").Where(dsl.Or(dsl.Like("a", "%x%"), dsl.Lt("n", 3))), `  TargetType: "file"
  TargetIDs: ["1"]
  Query:
-   Like: "a", Pattern: "'x%'"
+   BoolOr:
+     Contain: "a", Value: "'x'"
+     Range: "n", Lower: "", Upper: "< 3"
`},
		{"no query", dsl.File("1"), dsl.File("1").Where(dsl.In("a", "x", 2)), `  TargetType: "file"
  TargetIDs: ["1"]
  Query:
-   none
+   In: "a", Values: ["'x'", "2"]
`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, dsl.Diff(tc.a, tc.b))
			require.Equal(t, tc.want == "", dsl.Equivalent(tc.a, tc.b))
		})
	}
}

// TestDiffLarge: past the size of the table a line diff builds, the
// lines that differ are all shown, a's then b's.
func TestDiffLarge(t *testing.T) {
	var qa, qb []dsl.Query
	for i := range 3000 {
		qa = append(qa, dsl.Match(dsl.Key("a"+strings.Repeat("x", i%7)), i))
		qb = append(qb, dsl.Match(dsl.Key("b"+strings.Repeat("y", i%5)), i))
	}
	diff := dsl.DiffQuery(dsl.And(qa...), dsl.And(qb...))
	lines := strings.Split(strings.TrimSuffix(diff, "\n"), "\n")
	require.Len(t, lines, 1+3000+3000)
	require.Equal(t, "  BoolAnd:", lines[0])
	require.Equal(t, `-   Match: "a", Value: "0"`, lines[1])
	require.Equal(t, `+   Match: "b", Value: "0"`, lines[3001])
}
