package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestExportCommand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "bim")
	code, stdout, stderr := bfquery(t, "", "export", "--out", out, "-f", "csv")
	require.Equal(t, 0, code, stderr)
	require.Empty(t, stdout)
	require.Equal(t, "exported the demo model into "+out+": 1 target, 4048 records, 125075 property rows, 2 files\n", stderr)
	_, err := os.Stat(filepath.Join(out, "properties", "target_id=1124890692330272", "part-00000.csv"))
	require.NoError(t, err)

	for _, tc := range []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"missing target", []string{"export", "--out", out, "--file", "9"}, 1, "bfquery: file 9 is in none of the caches\n"},
		{"not a cache", []string{"export", "--out", out, "--cache", t.TempDir()}, 1, ""},
		{"format", []string{"export", "--out", out, "-f", "xlsx"}, 2, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := bfquery(t, "", tc.args...)
			require.Equal(t, tc.code, code, stderr)
			if tc.err != "" {
				require.Equal(t, tc.err, stderr)
			}
		})
	}
}

func TestSQLCommand(t *testing.T) {
	d, err := filepath.Abs("d") // kong makes --data absolute
	require.NoError(t, err)
	for _, tc := range []struct {
		name     string
		args     []string
		code     int
		out, err string
	}{
		{"duckdb", []string{"sql", "SELECT areaId FROM integration 5 WHERE name = 'x'"}, 0,
			"SELECT target_id, id\nFROM elements\nWHERE target_id = '5' AND target_type = 'integration' AND kind = 'area'\n" +
				"  AND id IN (SELECT id FROM properties WHERE target_id = '5' AND kind = 'area' AND key = 'name' AND (value_kind = 'string' AND value_text = 'x'))\nORDER BY seq;\n", ""},
		{"tables", []string{"sql", "--dialect", "trino", "--elements", "hive.bim.elements", "--properties", "hive.bim.properties", "SELECT elementId FROM file 5 WHERE a IS NULL"}, 0,
			"SELECT target_id, id\nFROM hive.bim.elements\nWHERE target_id = '5' AND target_type = 'file' AND kind = 'element'\n" +
				"  AND NOT id IN (SELECT id FROM hive.bim.properties WHERE target_id = '5' AND kind = 'element' AND key = 'a' AND value_kind IS NOT NULL)\nORDER BY seq;\n", ""},
		{"parse error", []string{"sql", "SELECT elementId FROM file 5 WHERE"}, 2, "", "bfquery: 1:35: expected a condition after \"WHERE\", found end of input\n  SELECT elementId FROM file 5 WHERE\n                                    ^\n"},
		{"trino views", []string{"sql", "--dialect", "trino", "--data", "d", "SELECT elementId FROM file 5 WHERE a = 1"}, 2, "",
			"bfquery: trino reads tables through a catalog: define elements and properties over " + d + " with its Hive connector, then name them with --elements and --properties\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := bfquery(t, "", tc.args...)
			require.Equal(t, tc.code, code, stderr)
			require.Equal(t, tc.out, stdout)
			require.Equal(t, tc.err, stderr)
		})
	}
}
