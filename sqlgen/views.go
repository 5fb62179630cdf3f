package sqlgen

import (
	"fmt"
	"path/filepath"

	"github.com/bfquery/bfquery/export"
)

// Views writes the statements that define the elements and properties
// tables as views over the Parquet files of a dataset directory, for
// DuckDB and Spark. target_id, the partition, is read as text: left to
// themselves both engines would read 1124890692330272 as a number, and
// IDs are compared as text. Trino reads tables through a catalog, so it
// has no such statements (see the package documentation).
func Views(dir string, d Dialect) (string, error) {
	c := &compiler{opt: Options{Dialect: d}}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	path := func(table string) string { return filepath.ToSlash(filepath.Join(abs, table)) }
	switch d {
	case DuckDB, "":
		var s string
		for _, t := range []string{export.ElementsTable, export.PropertiesTable} {
			s += fmt.Sprintf("CREATE OR REPLACE VIEW %s AS SELECT * FROM read_parquet(%s, hive_partitioning = true, hive_types = {'target_id': VARCHAR});\n",
				t, c.str(path(t)+"/*/*.parquet"))
		}
		return s, nil
	case Spark:
		s := "SET spark.sql.sources.partitionColumnTypeInference.enabled = false;\n"
		for _, t := range []string{export.ElementsTable, export.PropertiesTable} {
			s += fmt.Sprintf("CREATE OR REPLACE TEMPORARY VIEW %s USING parquet OPTIONS (path %s);\n", t, c.str(path(t)))
		}
		return s, nil
	case Trino:
		return "", fmt.Errorf("trino reads tables through a catalog: define elements and properties over %s with its Hive connector, then name them with --elements and --properties", dir)
	}
	_, err = ParseDialect(string(d))
	return "", err
}
