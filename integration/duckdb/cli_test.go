package duckdb_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCLI is the README's walk: bfquery export of the demo model, then
// what bfquery sql prints run by DuckDB (through duckq), gives the IDs
// bfquery query gives, for elements, rooms and areas.
func TestCLI(t *testing.T) {
	bin := t.TempDir()
	bfquery, duckq := filepath.Join(bin, "bfquery"), filepath.Join(bin, "duckq")
	build := exec.Command("go", "build", "-o", bfquery, "./cmd/bfquery")
	build.Dir = "../.."
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)
	out, err = exec.Command("go", "build", "-o", duckq, "./cmd/duckq").CombinedOutput()
	require.NoError(t, err, "%s", out)

	data := filepath.Join(t.TempDir(), "bim")
	out, err = exec.Command(bfquery, "export", "--out", data).CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Equal(t, "exported the demo model into "+data+": 1 target, 4048 records, 125075 property rows, 2 files\n", string(out))

	for _, q := range []string{
		"SELECT elementId FROM file 1124890692330272 WHERE floor = 'F01' AND categoryName = '墙'",
		"SELECT elementId FROM file 1124890692330272 WHERE categoryName = '墙' AND floor != 'F01' AND 体积 BETWEEN 2 AND 3",
		"SELECT elementId FROM file 1124890692330272 WHERE familyType LIKE '%标准%' OR 长度 >= 3000.0 AND 面积 IS NOT NULL",
		"SELECT roomId FROM file 1124890692330272 WHERE 面积 > 100",
		"SELECT areaId FROM file 1124890692330272 WHERE NOT name CONTAINS '1'",
	} {
		want, err := exec.Command(bfquery, "query", q).Output()
		require.NoError(t, err, q)
		text, err := exec.Command(bfquery, "sql", "--data", data, q).Output()
		require.NoError(t, err, q)
		run := exec.Command(duckq)
		run.Stdin = strings.NewReader(string(text))
		run.Stderr = os.Stderr
		rows, err := run.Output()
		require.NoError(t, err, q)
		var got strings.Builder
		for _, line := range strings.SplitAfter(string(rows), "\n") {
			if _, id, ok := strings.Cut(line, ","); ok {
				got.WriteString(id)
			}
		}
		require.NotEmpty(t, want, q)
		require.Equal(t, string(want), got.String(), q)
	}

	// Statements with SELECT lists: the engine's CSV, header aside, is
	// what DuckDB answers.
	for _, q := range []string{
		"SELECT floor, COUNT(*) AS walls, SUM(体积), MAX(familyType) FROM file 1124890692330272 WHERE categoryName = '墙' GROUP BY floor ORDER BY walls DESC",
		"SELECT DISTINCT familyType FROM file 1124890692330272 WHERE categoryName = '墙' ORDER BY familyType",
		"SELECT roomId, name, 面积 FROM rooms OF file 1124890692330272 WHERE 面积 > 100 ORDER BY 面积 DESC LIMIT 5",
	} {
		want, err := exec.Command(bfquery, "query", "--format", "csv", q).Output()
		require.NoError(t, err, q)
		text, err := exec.Command(bfquery, "sql", "--data", data, q).Output()
		require.NoError(t, err, q)
		run := exec.Command(duckq)
		run.Stdin = strings.NewReader(string(text))
		run.Stderr = os.Stderr
		rows, err := run.Output()
		require.NoError(t, err, q)
		_, body, _ := strings.Cut(string(want), "\n")
		require.NotEmpty(t, body, q)
		require.Equal(t, body, string(rows), q)
	}
}
