package plan_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/bimface/bimfacetest"
	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
	"github.com/bfquery/bfquery/internal/demo"
	"github.com/bfquery/bfquery/internal/refeval"
	"github.com/bfquery/bfquery/parser"
	"github.com/bfquery/bfquery/plan"
)

// TestTableDifferential runs random statements with SELECT lists on the
// simulator through plans, and locally: the same rows. BIMFACE's order
// of records is not the cache's, so rows are compared as sets, and
// statements without LIMIT and OFFSET, whose rows depend on the order.
func TestTableDifferential(t *testing.T) {
	ctx := context.Background()
	data, err := bimfacetest.LoadFS(demo.FS())
	require.NoError(t, err)
	srv := bimfacetest.NewServer(t, data)
	remote := plan.Remote(srv.Client(), nil)
	cache := data.Cache()
	ix, err := cache.Index(dsl.TargetFile, demo.FileID, dsl.SelectElements)
	require.NoError(t, err)
	g := refeval.NewGen(ix, 5)
	rows := 0
	for i := range 40 {
		st := g.Statement(dsl.File(demo.FileID), 1).Limit(0).Offset(0)
		text, err := parser.Format(st)
		require.NoError(t, err)
		want, err := cache.Run(st)
		require.NoError(t, err, text)
		got, err := plan.Table(ctx, remote, st, plan.Options{})
		require.NoError(t, err, text)
		// Units are those of the records read: on BIMFACE, only the ones
		// found.
		for j := range want.Columns {
			want.Columns[j].Unit, got.Columns[j].Unit = "", ""
		}
		require.Equal(t, want.Columns, got.Columns, text)
		require.Equal(t, rowSet(want), rowSet(got), "statement %d: %s", i, text)
		rows += want.Len()
	}
	require.Greater(t, rows, 500)

	// Rooms and areas, as their text says: FROM rooms OF file ….
	for _, sel := range []dsl.Select{dsl.SelectRooms, dsl.SelectAreas} {
		ix, err := cache.Index(dsl.TargetFile, demo.FileID, sel)
		require.NoError(t, err)
		g := refeval.NewGen(ix, 6)
		rows := 0
		for i := range 25 {
			st := g.Statement(dsl.File(demo.FileID), 1).Of(sel).Limit(0).Offset(0)
			text, err := parser.Format(st)
			require.NoError(t, err)
			st = compile(t, text)
			want, err := cache.Run(st)
			require.NoError(t, err, text)
			got, err := plan.Table(ctx, remote, st, plan.Options{})
			require.NoError(t, err, text)
			require.Equal(t, rowSet(want), rowSet(got), "%v statement %d: %s", sel, i, text)
			rows += want.Len()
		}
		require.Greater(t, rows, 25, sel)
	}
}

// rowSet renders rows sorted, computed numbers rounded to 9 significant
// digits: sums added in another order differ in their last bits.
func rowSet(tab *eval.Table) []string {
	var out []string
	for _, r := range tab.Rows() {
		var b strings.Builder
		for j, v := range r {
			c := tab.Columns[j].Column
			if (c.Func == dsl.FuncSum || c.Func == dsl.FuncAvg) && v.Kind() == dsl.KindNumber {
				f, _ := strconv.ParseFloat(v.Text(), 64)
				if f != 0 {
					f = roundSig(f, 9)
				}
				fmt.Fprintf(&b, "%v|", f)
				continue
			}
			fmt.Fprintf(&b, "%d%q|", v.Kind(), v.Text())
		}
		out = append(out, b.String())
	}
	slices.Sort(out)
	return out
}

func roundSig(f float64, n int) float64 {
	p := math.Pow(10, float64(n)-math.Ceil(math.Log10(math.Abs(f))))
	return math.Round(f*p) / p
}

// TestTableRooms: rooms come from their listing, filtered by the IDs the
// plan found; a statement without WHERE reads them all.
func TestTableRooms(t *testing.T) {
	ctx := context.Background()
	data, err := bimfacetest.LoadFS(demo.FS())
	require.NoError(t, err)
	remote := plan.Remote(bimfacetest.NewServer(t, data).Client(), nil)
	for _, src := range []string{
		`SELECT roomId, name, 面积 FROM file 1124890692330272 WHERE 面积 > 130 ORDER BY 面积 DESC`,
		`SELECT roomId FROM file 1124890692330272 ORDER BY roomId LIMIT 3`,
	} {
		st := compile(t, src)
		want, err := data.Cache().Run(st)
		require.NoError(t, err)
		got, err := plan.Table(ctx, remote, st, plan.Options{})
		require.NoError(t, err)
		require.Equal(t, want.String(), got.String(), src)
		require.NotZero(t, got.Len())
	}
}

func TestExplainTable(t *testing.T) {
	p, err := plan.Build(context.Background(), plan.Local(demoCache(t)), compile(t,
		`SELECT floor, SUM(体积) FROM file 1124890692330272 WHERE categoryName = '墙' AND 体积 BETWEEN 2 AND 3 GROUP BY floor ORDER BY floor`), plan.Options{})
	require.NoError(t, err)
	require.Equal(t, `1. query/propertyValues of 体积 for file 1124890692330272
     体积 BETWEEN 2 AND 3: 345 of 2118 values
2. query/elementIds {"boolAnd":[{"match":{"categoryName":"墙"}},{"in":{"体积":[2.002,2.006,2.013,2.014,2.016,"…340 more"]}}]}
result: (2)
3. read the elements found (1000 IDs a request, several at once), and compute here: SELECT floor, SUM(体积); GROUP BY floor; ORDER BY
requests: 2, and one per 1000 elements found
`, p.String())
	p, err = plan.Build(context.Background(), plan.Local(demoCache(t)), compile(t, `SELECT floor, COUNT(*) FROM rooms OF file 1124890692330272 WHERE 面积 > 100 GROUP BY floor`), plan.Options{})
	require.NoError(t, err)
	require.Equal(t, `1. query/propertyValues of 面积 for file 1124890692330272
     面积 > 100: 13 of 40 values
2. query/roomIds {"in":{"面积":["105.688152","106.692499","107.259962","113.997133","114.518000","…8 more"]}}
result: (2)
3. read the rooms found (one listing of the target's rooms), and compute here: SELECT floor, COUNT(*); GROUP BY floor
requests: 2, and one listing per target
`, p.String())
	p, err = plan.Build(context.Background(), plan.Local(demoCache(t)), compile(t, `SELECT COUNT(*) FROM file 1124890692330272`), plan.Options{})
	require.NoError(t, err)
	require.Equal(t, `1. all elementIds of file 1124890692330272
result: (1)
2. read the elements found (1000 IDs a request, several at once), and compute here: SELECT COUNT(*)
requests: 1, and one per 1000 elements found
`, p.String())
}
