package sqlgen_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/parser"
	"github.com/bfquery/bfquery/sqlgen"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestGolden compiles one query that uses every construct, on two
// targets, in each dialect; testdata/*.sql hold what is expected.
func TestGolden(t *testing.T) {
	const q = `SELECT roomId FROM file 1, 2 WHERE floor = 'F01' AND (name CONTAINS 'it''s' OR name LIKE '50\% off\_%\\')
		AND NOT 面积 BETWEEN 1 AND 2.5 AND 长度 IN (3000, '3000', true) AND flag = 'true' AND big > 1e400
		AND code = 'a\\b' AND x IS NULL AND y IS NOT NULL AND z < -0 AND boundingBox.min.x >= 0.1`
	st, err := parser.Compile(strings.ReplaceAll(q, `'it''s'`, `'it\'s'`))
	require.NoError(t, err)
	for _, d := range sqlgen.Dialects {
		t.Run(string(d), func(t *testing.T) {
			got, err := sqlgen.Compile(st, sqlgen.Options{Dialect: d})
			require.NoError(t, err)
			name := filepath.Join("testdata", string(d)+".sql")
			if *update {
				require.NoError(t, os.WriteFile(name, []byte(got), 0o644))
			}
			want, err := os.ReadFile(name)
			require.NoError(t, err)
			require.Equal(t, string(want), got)
		})
	}
}

// TestGoldenStatements compiles statements with SELECT lists in each
// dialect: groups over two targets with every aggregate, HAVING, ORDER BY,
// LIMIT and OFFSET; a DISTINCT projection of rooms; records ordered by
// ID. testdata/statements-*.sql hold what is expected.
func TestGoldenStatements(t *testing.T) {
	queries := []string{
		"SELECT targetId, floor AS f, COUNT(*) AS n, COUNT(体积), COUNT(DISTINCT familyType), SUM(体积), AVG(面积), MIN(name), MAX(长度) " +
			"FROM file 1, 2 WHERE categoryName = 'it''s' GROUP BY targetId, floor HAVING n > 2 AND NOT f = 'F01' ORDER BY SUM(体积) DESC, f LIMIT 10 OFFSET 5",
		"SELECT DISTINCT name, 面积 FROM rooms OF file 1 ORDER BY 面积 DESC, name LIMIT 3",
		"SELECT elementId, name AS `a\\b` FROM file 1 ORDER BY elementId LIMIT 4 OFFSET 2",
	}
	for _, d := range sqlgen.Dialects {
		t.Run(string(d), func(t *testing.T) {
			var got strings.Builder
			for _, q := range queries {
				st, err := parser.Compile(strings.ReplaceAll(q, `'it''s'`, `'it\'s'`))
				require.NoError(t, err, q)
				sql, err := sqlgen.Compile(st, sqlgen.Options{Dialect: d})
				require.NoError(t, err, q)
				got.WriteString(sql + "\n")
			}
			name := filepath.Join("testdata", "statements-"+string(d)+".sql")
			if *update {
				require.NoError(t, os.WriteFile(name, []byte(got.String()), 0o644))
			}
			want, err := os.ReadFile(name)
			require.NoError(t, err)
			require.Equal(t, string(want), got.String())
		})
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		name, query string
		opt         sqlgen.Options
		want        string
	}{
		{"explain", "EXPLAIN SELECT elementId FROM file 1 WHERE a = 1", sqlgen.Options{}, "EXPLAIN has no SQL form: sql prints the query itself"},
		{"nul", `SELECT elementId FROM file 1 WHERE a = 'x\u0000y'`, sqlgen.Options{}, `"x\x00y": a NUL character cannot be written in SQL text`},
		{"dialect", "SELECT elementId FROM file 1 WHERE a = 1", sqlgen.Options{Dialect: "oracle"}, `unknown dialect "oracle": must be duckdb, spark or trino`},
		{"table", "SELECT elementId FROM file 1 WHERE a = 1", sqlgen.Options{Properties: "p; DROP TABLE x"}, `table name "p; DROP TABLE x": must be identifiers separated by dots`},
		{"ilike", "SELECT elementId FROM file 1 WHERE a ILIKE 'x%'", sqlgen.Options{}, "sqlgen: no exact translation: ILIKE folds case as Unicode's simple case folding does, which no SQL dialect promises; use LIKE"},
		{"like on a sum", "SELECT floor, SUM(v) FROM file 1 GROUP BY floor HAVING SUM(v) LIKE '1%'", sqlgen.Options{}, "sqlgen: no exact translation: LIKE tests the text of a computed number, which SQL does not write as the engine does"},
		{"contains on an average", "SELECT AVG(v) AS a FROM file 1 HAVING a CONTAINS '.5'", sqlgen.Options{}, "sqlgen: no exact translation: CONTAINS tests the text of a computed number, which SQL does not write as the engine does"},
		{"ilike in having", "SELECT floor, COUNT(*) FROM file 1 GROUP BY floor HAVING floor ILIKE 'f%'", sqlgen.Options{}, "sqlgen: no exact translation: ILIKE folds case as Unicode's simple case folding does, which no SQL dialect promises; use LIKE"},
		{"nul in an alias", "SELECT floor AS `a\u0000b` FROM file 1", sqlgen.Options{}, `"a\x00b": a NUL character cannot be written in SQL text`},
		{"regexp on spark", "SELECT elementId FROM file 1 WHERE a ~ '^x'", sqlgen.Options{Dialect: sqlgen.Spark}, "sqlgen: no exact translation: REGEXP is RE2's syntax, which spark does not read"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := parser.Compile(tc.query)
			require.NoError(t, err)
			_, err = sqlgen.Compile(st, tc.opt)
			require.EqualError(t, err, tc.want)
		})
	}
}

func TestViews(t *testing.T) {
	dir, err := filepath.Abs("data")
	require.NoError(t, err)
	got, err := sqlgen.Views("data", sqlgen.Spark)
	require.NoError(t, err)
	require.Equal(t, "SET spark.sql.sources.partitionColumnTypeInference.enabled = false;\n"+
		"CREATE OR REPLACE TEMPORARY VIEW elements USING parquet OPTIONS (path '"+dir+"/elements');\n"+
		"CREATE OR REPLACE TEMPORARY VIEW properties USING parquet OPTIONS (path '"+dir+"/properties');\n", got)
	_, err = sqlgen.Views("data", sqlgen.Trino)
	require.EqualError(t, err, "trino reads tables through a catalog: define elements and properties over data with its Hive connector, then name them with --elements and --properties")
}
