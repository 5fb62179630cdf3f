package duckdb_test

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
	"github.com/bfquery/bfquery/export"
	"github.com/bfquery/bfquery/internal/modelgen"
	"github.com/bfquery/bfquery/internal/refeval"
	"github.com/bfquery/bfquery/parser"
	"github.com/bfquery/bfquery/sqlgen"
)

// dataset writes two generated caches, one of a file and an integration
// of three files, the other of a second file, exports both into one
// dataset, and opens DuckDB on it. The engine's cache holds the targets of
// both.
func dataset(t testing.TB, elements int, seed uint64) (*eval.Cache, *sql.DB) {
	t.Helper()
	out := t.TempDir()
	var targets []*eval.Target
	for i, cfg := range []modelgen.CacheConfig{
		{Seed: seed, FileID: "1124890692330272", Elements: elements, IntegrationID: "1648888854324400", IntegrationFiles: 3, Format: modelgen.NDJSON, Gzip: true},
		{Seed: seed + 1, FileID: "1124890692330273", Elements: elements / 3, Format: modelgen.Envelope},
	} {
		cache := t.TempDir()
		_, err := modelgen.WriteCache(cache, cfg)
		require.NoError(t, err)
		// Small runs, so that a key's rows spread over several files as
		// in a large model.
		_, err = export.Export(cache, out, export.Options{RunRows: 5000 + 3000*i})
		require.NoError(t, err)
		c, err := eval.Open(cache)
		require.NoError(t, err)
		targets = append(targets, c.Targets()...)
	}
	c := eval.NewCache(targets...)
	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1) // the views live in the connection's catalog
	views, err := sqlgen.Views(out, sqlgen.DuckDB)
	require.NoError(t, err)
	_, err = db.Exec(views)
	require.NoError(t, err)
	return c, db
}

// run runs a compiled statement and returns the IDs of each target.
func run(t testing.TB, db *sql.DB, query string) map[string][]string {
	t.Helper()
	rows, err := db.Query(query)
	require.NoError(t, err, query)
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var tid, id string
		require.NoError(t, rows.Scan(&tid, &id))
		out[tid] = append(out[tid], id)
	}
	require.NoError(t, rows.Err())
	return out
}

// TestDifferential runs random queries in the whole language through the
// local engine and through DuckDB over the export, on elements, rooms and
// areas of a file and of an integration, and on both files at once.
func TestDifferential(t *testing.T) {
	c, db := dataset(t, 1500, 11)
	var version string
	require.NoError(t, db.QueryRow("SELECT version()").Scan(&version))
	t.Logf("DuckDB %s", version)
	for _, tc := range []struct {
		req     dsl.Request
		sel     dsl.Select
		queries int
	}{
		{dsl.File("1124890692330272"), dsl.SelectElements, 300},
		{dsl.Integration("1648888854324400"), dsl.SelectElements, 150},
		{dsl.File("1124890692330272"), dsl.SelectRooms, 60},
		{dsl.File("1124890692330272"), dsl.SelectAreas, 30},
		{dsl.File("1124890692330273", "1124890692330272"), dsl.SelectElements, 100},
	} {
		name := fmt.Sprintf("%s %s", tc.req.TargetType(), tc.sel)
		t.Run(name, func(t *testing.T) {
			tg, err := c.Target(tc.req.TargetType(), tc.req.TargetIDs()[0])
			require.NoError(t, err)
			ix, err := tg.Index(tc.sel)
			require.NoError(t, err)
			require.NotNil(t, ix)
			g := refeval.NewGen(ix, 5)
			nonEmpty, untranslatable := 0, 0
			for i := range tc.queries {
				q := g.Query(0)
				st := dsl.Statement{Select: tc.sel, Request: tc.req.WithQuery(q)}
				want, err := c.Query(st.Request, st.Select)
				require.NoError(t, err)
				text, err := sqlgen.Compile(st, sqlgen.Options{})
				if errors.Is(err, sqlgen.ErrUntranslatable) {
					untranslatable++
					continue
				}
				require.NoError(t, err)
				got := run(t, db, text)
				for _, r := range want {
					if len(r.IDs) > 0 {
						nonEmpty++
					}
					if diff := cmp.Diff(r.IDs, got[r.TargetID], cmpopt); diff != "" {
						js, _ := dsl.ExtendedJSON(q)
						t.Fatalf("query %d %s\n%s\n(-engine +duckdb):\n%s", i, js, text, diff)
					}
				}
			}
			require.Greater(t, nonEmpty, tc.queries/4, "too few queries match anything to test much")
			require.Less(t, untranslatable, tc.queries/4, "too many queries without an exact SQL (ILIKE) to test much")
		})
	}
}

var cmpopt = cmp.Comparer(func(a, b []string) bool {
	return strings.Join(a, "\x00") == strings.Join(b, "\x00")
})

// smallDataset exports files of elements, each as the only file of a
// cache, into one dataset.
func smallDataset(t *testing.T, files map[string]string) (*eval.Cache, *sql.DB) {
	t.Helper()
	out := t.TempDir()
	var targets []*eval.Target
	for id, file := range files {
		cache := t.TempDir()
		data, err := os.ReadFile(file)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(cache, "elements.ndjson"), data, 0o644))
		ix, err := eval.LoadIndex(bytes.NewReader(data), file, dsl.SelectElements)
		require.NoError(t, err)
		require.NoError(t, eval.WriteManifest(cache, &eval.Manifest{Version: eval.ManifestVersion, Targets: []eval.TargetManifest{{
			Type: dsl.TargetFile, ID: id, Counts: eval.Counts{Elements: ix.Len()}, Elements: []eval.Part{{Path: "elements.ndjson"}},
		}}}))
		_, err = export.Export(cache, out, export.Options{})
		require.NoError(t, err)
		c, err := eval.Open(cache)
		require.NoError(t, err)
		targets = append(targets, c.Targets()...)
	}
	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1)
	views, err := sqlgen.Views(out, sqlgen.DuckDB)
	require.NoError(t, err)
	_, err = db.Exec(views)
	require.NoError(t, err)
	return eval.NewCache(targets...), db
}

// TestEdges runs queries on values chosen to be hard for SQL: LIKE's
// wildcards and escapes in the data, quotes, backslashes, newlines,
// numbers written in several ways, -0, numbers beyond float64, booleans
// as strings, empty strings, nulls, objects and arrays as values, arrays
// of scalars and dotted member names at the top level; and the semantics
// test's elements. Each query is written as text, so that the parser's
// literals are those a user writes, and random queries follow.
func TestEdges(t *testing.T) {
	c, db := smallDataset(t, map[string]string{
		"1": "testdata/edge.ndjson",
		"2": "../../testdata/cache/semantics.json",
	})
	queries := []string{
		`name LIKE '50\% off\_sale'`, `name LIKE '50% off_sale'`, `name LIKE '5_\%%'`, `name LIKE 'back\\\\slash'`, `name LIKE 'back\\slash'`, `name LIKE 'back\\\\_lash'`,
		`path LIKE '%\\\\%'`, `path LIKE '%\\'`, `path = '\\'`, `path CONTAINS 'file_1'`, `path CONTAINS '\\dir'`,
		`quote = 'it\'s "q"'`, `quote = "''"`, `quote CONTAINS "'"`, `nl CONTAINS '\n'`, `nl LIKE 'line1_line2%'`,
		`num = 3000`, `num = '3000'`, `num = 3e3`, `num = '3e3'`, `num = '03000'`, `num = -3000`, `num CONTAINS '3000.0'`, `num CONTAINS '.'`,
		`num LIKE '3%'`, `num BETWEEN 2999 AND 3001`, `num > 1000 AND num < 2000`, `num BETWEEN 1000 AND 1000`, `num >= 1e3`,
		`flag = true`, `flag = 'true'`, `flag = false`, `flag = 'false'`, `flag CONTAINS 'ru'`, `flag IS NULL`, `NOT flag = true`,
		`obj IS NULL`, `arr IS NOT NULL`, `nothing IS NULL`, `nothing IS NOT NULL`, `empty = ''`, `empty CONTAINS ''`, `empty LIKE '_'`, `empty LIKE ''`,
		"`中文` LIKE '标准层\\_%'", "`中文` LIKE '标准层_'", "`中文` LIKE '___'", "`中文` CONTAINS '层_甲'",
		`tags = 'a_b'`, `tags = 3`, `tags = true`, `tags LIKE '%\%%'`, `tags = 'single'`, `tags IS NULL`,
		"`a.b` IS NOT NULL", `boundingBox.min.x = 0`, `boundingBox.min.x = -0.0`, `boundingBox.max.x = 0`, `boundingBox.max.x > 0`,
		`boundingBox.min.y > 1e308`, `boundingBox.min.y = 1e400`, `boundingBox.max.y < -1e308`, `boundingBox.min.z = 12.5`, `boundingBox.min.z BETWEEN 12 AND 13`,
		`big = 123456789012345678901234567890`, `big = '1.2345678901234568e29'`, `neg = 0`, `neg = '-0'`, `neg >= 0 AND neg <= 0`,
		`elementId = 2`, `elementId = '2'`, `elementId IN ('e1', 2)`, `name IS NULL`, `NOT name = 'x'`, `NOT (name = 'x' OR flag = true)`,
		`长度 = 3000`, `面积 = 30`, `面积 = '30'`, `厚度 = 30`, `编号 = 30`, `编号 CONTAINS '120'`, `结构 = false`, `productID = 'NaN'`, `注释 IS NULL`,
		`长度 >= 1000`, `长度 <= 3000`, `tags LIKE '%'`, `guid NOT LIKE 'g-10_'`, `name NOT IN ('F01', 'x')`,
	}
	check := func(t *testing.T, st dsl.Statement, label string) {
		t.Helper()
		want, err := c.Query(st.Request, st.Select)
		text, cerr := sqlgen.Compile(st, sqlgen.Options{})
		if err != nil {
			// A query the engine refuses (the generator can make a
			// bound of -Inf from a value beyond float64) has no SQL
			// either.
			require.EqualError(t, cerr, err.Error(), label)
			return
		}
		if errors.Is(cerr, sqlgen.ErrUntranslatable) {
			return // refused, not answered differently (ILIKE)
		}
		require.NoError(t, cerr, label)
		got := run(t, db, text)
		for _, r := range want {
			if diff := cmp.Diff(r.IDs, got[r.TargetID], cmpopt); diff != "" {
				t.Errorf("%s\n%s\n(-engine +duckdb):\n%s", label, text, diff)
			}
		}
	}
	nonEmpty := 0
	for _, q := range queries {
		st, err := parser.Compile("SELECT elementId FROM file 1, 2 WHERE " + q)
		require.NoError(t, err, q)
		want, err := c.Query(st.Request, st.Select)
		require.NoError(t, err)
		if len(want[0].IDs)+len(want[1].IDs) > 0 {
			nonEmpty++
		}
		check(t, st, q)
	}
	require.Greater(t, nonEmpty, len(queries)*2/3, "most hand-written queries should match something")
	for _, id := range []string{"1", "2"} {
		tg, err := c.Target(dsl.TargetFile, id)
		require.NoError(t, err)
		ix, err := tg.Index(dsl.SelectElements)
		require.NoError(t, err)
		g := refeval.NewGen(ix, 9)
		for i := range 300 {
			q := g.Query(0)
			js, _ := dsl.ExtendedJSON(q)
			check(t, dsl.Statement{Select: dsl.SelectElements, Request: dsl.File(id).WithQuery(q)}, fmt.Sprintf("file %s query %d %s", id, i, js))
		}
	}
}
