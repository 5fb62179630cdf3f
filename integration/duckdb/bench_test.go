package duckdb_test

import (
	"database/sql"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
	"github.com/bfquery/bfquery/export"
	"github.com/bfquery/bfquery/internal/modelgen"
	"github.com/bfquery/bfquery/parser"
	"github.com/bfquery/bfquery/sqlgen"
)

// portfolio is ten generated models of BFQUERY_BENCH_ELEMENTS elements
// each (100,000 by default) exported into one dataset, their caches
// loaded by the engine, and DuckDB on the dataset.
type portfolio struct {
	dir   string // the dataset, removed by TestMain
	ids   []string
	cache *eval.Cache
	db    *sql.DB
}

var bench *portfolio

func loadPortfolio(b *testing.B) *portfolio {
	if bench != nil {
		return bench
	}
	n := 100_000
	if s := os.Getenv("BFQUERY_BENCH_ELEMENTS"); s != "" {
		var err error
		n, err = strconv.Atoi(s)
		require.NoError(b, err)
	}
	out, err := os.MkdirTemp("", "bfquery-portfolio-")
	require.NoError(b, err)
	p := &portfolio{dir: out}
	var targets []*eval.Target
	for i := range 10 {
		id := strconv.Itoa(1900000000000001 + i)
		cache, err := os.MkdirTemp("", "bfquery-model-")
		require.NoError(b, err)
		_, err = modelgen.WriteCache(cache, modelgen.CacheConfig{Seed: uint64(i + 1), FileID: id, Elements: n, Format: modelgen.NDJSON, Gzip: true})
		require.NoError(b, err)
		_, err = export.Export(cache, out, export.Options{})
		require.NoError(b, err)
		c, err := eval.Open(cache)
		require.NoError(b, err)
		targets = append(targets, c.Targets()...)
		p.ids = append(p.ids, id)
		os.RemoveAll(cache)
	}
	p.cache = eval.NewCache(targets...)
	p.db, err = sql.Open("duckdb", "")
	require.NoError(b, err)
	p.db.SetMaxOpenConns(1)
	views, err := sqlgen.Views(out, sqlgen.DuckDB)
	require.NoError(b, err)
	_, err = p.db.Exec(views)
	require.NoError(b, err)
	bench = p
	return p
}

var benchQueries = []struct{ name, where string }{
	{"match", "floor = 'F01'"},
	{"and-range", "categoryName = '墙' AND floor != 'F01' AND 体积 BETWEEN 2 AND 3"},
	{"like", "familyType LIKE '%标准%'"},
}

// BenchmarkDuckDBCount counts the records a query matches over the ten
// models, with DuckDB over the Parquet files; BenchmarkEngineCount is the
// local engine answering the same query from its ten loaded indexes, the
// baseline; BenchmarkDuckDBScan counts every properties row, what a query
// that could skip nothing would read.
func BenchmarkDuckDBCount(b *testing.B) {
	p := loadPortfolio(b)
	for _, q := range benchQueries {
		b.Run(q.name, func(b *testing.B) {
			st, err := parser.Compile("SELECT elementId FROM file " + strings.Join(p.ids, ", ") + " WHERE " + q.where)
			require.NoError(b, err)
			text, err := sqlgen.Compile(st, sqlgen.Options{})
			require.NoError(b, err)
			count := "SELECT count(*) FROM (" + strings.TrimSuffix(text, ";\n") + ") AS q"
			var n int
			for b.Loop() {
				require.NoError(b, p.db.QueryRow(count).Scan(&n))
			}
			want := 0
			res, err := p.cache.Query(st.Request, dsl.SelectElements)
			require.NoError(b, err)
			for _, r := range res {
				want += len(r.IDs)
			}
			require.Equal(b, want, n)
			b.ReportMetric(float64(n), "records")
		})
	}
}

func BenchmarkEngineCount(b *testing.B) {
	p := loadPortfolio(b)
	for _, q := range benchQueries {
		b.Run(q.name, func(b *testing.B) {
			st, err := parser.Compile("SELECT elementId FROM file " + strings.Join(p.ids, ", ") + " WHERE " + q.where)
			require.NoError(b, err)
			for b.Loop() {
				_, err := p.cache.Query(st.Request, dsl.SelectElements)
				require.NoError(b, err)
			}
		})
	}
}

func BenchmarkDuckDBScan(b *testing.B) {
	p := loadPortfolio(b)
	var n int64
	for b.Loop() {
		require.NoError(b, p.db.QueryRow("SELECT count(*) FROM properties WHERE value_text IS NOT NULL").Scan(&n))
	}
	b.ReportMetric(float64(n), "rows")
	fmt.Fprintf(os.Stderr, "%d properties rows\n", n)
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bench != nil {
		bench.db.Close()
		os.RemoveAll(bench.dir)
	}
	os.Exit(code)
}
