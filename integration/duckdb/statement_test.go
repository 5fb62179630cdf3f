package duckdb_test

import (
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
	"github.com/bfquery/bfquery/internal/refeval"
	"github.com/bfquery/bfquery/parser"
	"github.com/bfquery/bfquery/sqlgen"
)

// table runs compiled SQL and returns its rows, each cell as text: NULL
// as nil, integers in decimal, doubles as Go writes the float64 (the
// engine's computed numbers are compared as numbers by sameCell).
func table(t testing.TB, db *sql.DB, query string) [][]*string {
	t.Helper()
	rows, err := db.Query(query)
	require.NoError(t, err, query)
	defer rows.Close()
	cols, err := rows.Columns()
	require.NoError(t, err)
	var out [][]*string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		require.NoError(t, rows.Scan(ptrs...))
		row := make([]*string, len(cols))
		for i, v := range vals {
			var s string
			switch v := v.(type) {
			case nil:
				continue
			case string:
				s = v
			case int64:
				s = strconv.FormatInt(v, 10)
			case float64:
				s = strconv.FormatFloat(v, 'g', -1, 64)
			default:
				t.Fatalf("column %s: a %T", cols[i], v)
			}
			row[i] = &s
		}
		out = append(out, row)
	}
	require.NoError(t, rows.Err())
	return out
}

// sameRows compares the engine's table with SQL's rows in order, cell by
// cell: the same text, a computed number (SUM, AVG) the same float64.
func sameRows(tab *eval.Table, got [][]*string) string {
	if tab.Len() != len(got) {
		return fmt.Sprintf("%d rows, want %d", len(got), tab.Len())
	}
	for i := range got {
		for j, col := range tab.Columns {
			w, g := tab.Value(i, j), got[i][j]
			switch {
			case w.Kind() == dsl.KindInvalid && g == nil:
				continue
			case w.Kind() == dsl.KindInvalid || g == nil:
			case col.Column.Func == dsl.FuncSum || col.Column.Func == dsl.FuncAvg:
				a, err1 := strconv.ParseFloat(w.Text(), 64)
				b, err2 := strconv.ParseFloat(*g, 64)
				if err1 == nil && err2 == nil && a == b {
					continue
				}
			case w.Text() == *g:
				continue
			}
			gs := "NULL"
			if g != nil {
				gs = strconv.Quote(*g)
			}
			return fmt.Sprintf("row %d column %s is %s, want %q (%v)", i, col.Name, gs, w.Text(), w.Kind())
		}
	}
	return ""
}

// TestStatementDifferential runs random statements with SELECT lists
// (the generator the engine's own statement test uses: projections,
// DISTINCT, groups, aggregates, HAVING, ORDER BY, LIMIT, OFFSET, with
// or without WHERE) through the local engine and through DuckDB over the
// export, and compares whole rows in order: the engine's order is
// defined for every statement, and the SQL says it.
func TestStatementDifferential(t *testing.T) {
	c, db := dataset(t, 1200, 21)
	for _, tc := range []struct {
		req        dsl.Request
		sel        dsl.Select
		statements int
	}{
		{dsl.File("1124890692330272"), dsl.SelectElements, 250},
		{dsl.Integration("1648888854324400"), dsl.SelectElements, 100},
		{dsl.File("1124890692330272"), dsl.SelectRooms, 60},
		{dsl.File("1124890692330272"), dsl.SelectAreas, 40},
		{dsl.File("1124890692330273", "1124890692330272"), dsl.SelectElements, 120},
	} {
		t.Run(fmt.Sprintf("%s %s %d", tc.req.TargetType(), tc.sel, len(tc.req.TargetIDs())), func(t *testing.T) {
			tg, err := c.Target(tc.req.TargetType(), tc.req.TargetIDs()[0])
			require.NoError(t, err)
			ix, err := tg.Index(tc.sel)
			require.NoError(t, err)
			g := refeval.NewGen(ix, 7)
			rows, untranslatable := 0, 0
			for i := range tc.statements {
				st := g.Statement(tc.req, len(tc.req.TargetIDs())).Of(tc.sel)
				text, _ := parser.Format(st)
				want, err := c.Run(st)
				require.NoError(t, err, text)
				query, err := sqlgen.Compile(st, sqlgen.Options{})
				if errors.Is(err, sqlgen.ErrUntranslatable) {
					untranslatable++
					continue
				}
				require.NoError(t, err, text)
				rows += want.Len()
				if msg := sameRows(want, table(t, db, query)); msg != "" {
					t.Fatalf("statement %d: %s\n%s\n%s\nengine:\n%s\nduckdb:\n%s", i, msg, text, query, want, show(table(t, db, query)))
				}
			}
			require.Greater(t, rows, tc.statements/2, "too few rows to test much")
			require.Less(t, untranslatable, tc.statements/10, "too many statements without an exact SQL (ILIKE) to test much")
		})
	}
}

// TestStatementEdges runs statements over values chosen to be hard for
// SQL: a key's first candidate in a later group or after a top-level
// field, numbers written in several ways and as numeric strings (distinct
// groups, equal numbers), booleans beside text, -0, numbers beyond
// float64, keys some records lack.
func TestStatementEdges(t *testing.T) {
	c, db := smallDataset(t, map[string]string{
		"1": "testdata/edge.ndjson",
		"2": "../../testdata/cache/semantics.json",
	})
	for _, q := range []string{
		"SELECT elementId, num, flag, tags, name FROM file 1",
		"SELECT elementId, num FROM file 1 ORDER BY num DESC",
		"SELECT elementId, tags FROM file 1 ORDER BY tags, elementId DESC",
		"SELECT num, COUNT(*), COUNT(num), COUNT(DISTINCT num), SUM(num), AVG(num), MIN(num), MAX(num) FROM file 1 GROUP BY num",
		"SELECT flag, COUNT(*), MIN(flag), MAX(flag) FROM file 1 GROUP BY flag ORDER BY flag DESC",
		"SELECT SUM(boundingBox.min.y), AVG(boundingBox.min.y), MIN(boundingBox.min.y), MAX(boundingBox.max.y) FROM file 1",
		"SELECT neg, COUNT(*) FROM file 1 GROUP BY neg ORDER BY neg",
		"SELECT DISTINCT num FROM file 1 ORDER BY num",
		"SELECT DISTINCT tags, flag FROM file 1",
		"SELECT 长度, 面积, COUNT(*) AS n FROM file 2 GROUP BY 长度, 面积 HAVING n >= 1 ORDER BY 面积 DESC, 长度",
		"SELECT name, COUNT(*) FROM file 1, 2 GROUP BY name ORDER BY COUNT(*) DESC, name",
		"SELECT targetId, COUNT(*), SUM(长度) FROM file 1, 2 GROUP BY targetId HAVING targetId = 2",
		"SELECT targetId, elementId, name FROM file 1, 2 WHERE name IS NOT NULL ORDER BY targetId DESC, elementId LIMIT 7 OFFSET 1",
		"SELECT floor, MIN(长度), MAX(长度), SUM(长度) FROM file 2 GROUP BY floor HAVING NOT MIN(长度) = 3000 OR MAX(长度) CONTAINS '0'",
		"SELECT COUNT(*), SUM(nothing), MIN(nothing) FROM file 1 WHERE nothing IS NOT NULL",
		"SELECT elementId FROM file 1 ORDER BY elementId DESC LIMIT 100 OFFSET 3",
	} {
		st, err := parser.Compile(q)
		require.NoError(t, err, q)
		want, err := c.Run(st)
		require.NoError(t, err, q)
		query, err := sqlgen.Compile(st, sqlgen.Options{})
		require.NoError(t, err, q)
		if msg := sameRows(want, table(t, db, query)); msg != "" {
			t.Errorf("%s: %s\n%s\nengine:\n%s", q, msg, query, want)
		}
	}
}

// show writes rows as the engine's Table.String does, for messages.
func show(rows [][]*string) string {
	var b strings.Builder
	for _, row := range rows {
		for j, v := range row {
			if j > 0 {
				b.WriteByte('\t')
			}
			if v == nil {
				b.WriteString("NULL")
			} else {
				b.WriteString(strconv.Quote(*v))
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}
