package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/bimface/bimfacetest"
	"github.com/bfquery/bfquery/internal/ptytest"
)

// TestShellFromPipe runs the shell on statements and commands from a pipe,
// as a script.
func TestShellFromPipe(t *testing.T) {
	dir := t.TempDir()
	export := filepath.Join(dir, "walls.csv")
	script := strings.Join([]string{
		`\timing off`,
		`\rows 2`,
		`SELECT elementId FROM file 1124890692330272`,
		`  WHERE floor = 'F01' AND categoryName = '墙';`,
		`\export ` + export,
		`\format count`,
		`\use file 1124890692330272`,
		`SELECT elementId WHERE 体积 IS NOT NULL;`,
		`\keys 名称`,
		`\values specialty`,
		`\dsl SELECT elementId WHERE floor = 'F01'`,
		`SELECT elementId WHERE floor = ;`,
		`\q`,
		`SELECT never;`,
	}, "\n") + "\n"
	code, out, errOut := bfquery(t, script, "shell")
	require.Equal(t, "elementId | name           | categoryName | floor | family | familyType\n"+
		"----------+----------------+--------------+-------+--------+---------------\n"+
		"300071    | 砌块墙 - 190mm | 墙           | F01   | 基本墙 | 砌块墙 - 190mm\n"+
		"300313    | 常规 - 200mm   | 墙           | F01   | 基本墙 | 常规 - 200mm\n"+
		"2684\n"+
		"key      | distinct values | elements\n"+
		"---------+-----------------+---------\n"+
		"类型名称 | 51              | 4000\n"+
		"specialty | elements\n"+
		"----------+---------\n"+
		"'建筑'    | 1907\n"+
		"'暖通'    | 295\n"+
		"'电气'    | 205\n"+
		"'结构'    | 977\n"+
		"'给排水'  | 616\n"+
		"{\n  \"targetType\": \"file\",\n  \"targetIds\": [\n    \"1124890692330272\"\n  ],\n  \"query\": {\n    \"match\": {\n      \"floor\": \"F01\"\n    }\n  }\n}\n", out)
	require.Equal(t, "Timing is off.\n"+
		"Results show at most 2 rows.\n"+
		"(141 rows; 2 shown, \\rows N to show more, \\export FILE for all)\n"+
		"(141 rows written to "+export+" as csv)\n"+
		"Output format is count.\n"+
		"Queries without FROM now run on file 1124890692330272.\n"+
		"(1 key)\n"+
		"(5 values)\n"+
		"ERROR: 1:31: expected a value after \"=\", found end of input\n  SELECT elementId WHERE floor =\n                                ^\n"+
		"bfquery: some statements failed: 1\n", errOut)
	require.Equal(t, 2, code)
	data, err := os.ReadFile(export)
	require.NoError(t, err)
	require.Equal(t, 142, strings.Count(string(data), "\n"))
}

// TestNoCommandFromPipe: bfquery alone, not on a terminal, says what it
// always said instead of waiting for input.
func TestNoCommandFromPipe(t *testing.T) {
	code, out, errOut := bfquery(t, "SELECT elementId FROM file 1 WHERE a = 1;\n")
	require.Equal(t, 2, code)
	require.Equal(t, "", out)
	require.True(t, strings.HasPrefix(errOut, `bfquery: expected one of "query", "dsl", "fmt"`), errOut)
	require.Contains(t, errOut, `"shell"`)
}

// TestShellRemote runs the shell on the simulator: a query with a plan,
// \keys from propertyValues, and a key that a query used.
func TestShellRemote(t *testing.T) {
	srv := simulator(t)
	script := strings.Join([]string{
		`\timing off`,
		`\format count`,
		`\targets`,
		`SELECT elementId FROM file 1124890692330272 WHERE floor = 'F01' AND NOT categoryName = '墙' AND 体积 > 2;`,
		`\targets`,
		`\keys floor`,
		`\values floor`,
		`\keys 体积`,
	}, "\n") + "\n"
	code, out, errOut := bfquery(t, script, "shell", "--remote", "--endpoint", srv.URL)
	require.Equal(t, 0, code, errOut)
	require.Equal(t, "type | id | elements | rooms | areas\n-----+----+----------+-------+------\n"+
		"153\n"+
		"type | id               | elements | rooms | areas\n"+
		"-----+------------------+----------+-------+------\n"+
		"file | 1124890692330272 | ?        | ?     | ?\n"+
		"key     | distinct values | elements\n"+
		"--------+-----------------+---------\n"+
		"floor   | 12              | ?\n"+
		"floorId | 12              | ?\n"+
		"floor | elements\n"+
		"------+---------\n"+
		"'B01' | ?\n'F01' | ?\n'F02' | ?\n'F03' | ?\n'F04' | ?\n'F05' | ?\n'F06' | ?\n'F07' | ?\n'F08' | ?\n'F09' | ?\n'F10' | ?\n'RF'  | ?\n"+
		"key  | distinct values | elements\n"+
		"-----+-----------------+---------\n"+
		"体积 | 2118            | ?\n", out)
	require.Equal(t, "Timing is off.\nOutput format is count.\n(0 targets)\n(1 target)\n(2 keys)\n(12 values)\n(1 key)\n", errOut)
}

// TestShellCtrlCCancelsQuery runs bfquery shell on a terminal against the
// simulator, holds a query on the server and presses Ctrl-C: the query is
// cancelled, and the shell goes on to the next one.
func TestShellCtrlCCancelsQuery(t *testing.T) {
	srv := jobServer(t)
	t.Setenv("BFQUERY_HISTORY", filepath.Join(t.TempDir(), "history"))
	t.Setenv("PAGER", "cat") // the screen shows the whole result
	held := make(chan struct{}, 1)
	var hold atomic.Bool
	hold.Store(true)
	srv.SetFaults(bimfacetest.Faults{Intercept: func(_ int, _ http.ResponseWriter, r *http.Request) bool {
		if !strings.HasPrefix(r.URL.Path, "/data/v2/query/") || !hold.Load() {
			return false
		}
		// Read the body, so that the server notices the client leaving.
		io.Copy(io.Discard, r.Body)
		held <- struct{}{}
		select {
		case <-r.Context().Done():
		case <-time.After(ptytest.WaitFor):
		}
		return true
	}})
	pt := ptytest.Open(t)
	done := make(chan int, 1)
	go func() { done <- run([]string{"shell", "--remote", "--endpoint", srv.URL}, pt.TTY, pt.TTY, pt.TTY) }()
	pt.Expect("=> ")
	pt.Send("SELECT elementId FROM file 1124890692330272 WHERE floor = 'F01';\r")
	select {
	case <-held:
	case <-time.After(ptytest.WaitFor):
		t.Fatalf("the query did not reach the server; the shell wrote:\n%s", pt.Screen())
	}
	// The terminal's Ctrl-C: SIGINT to the process.
	hold.Store(false)
	interrupt(t)
	pt.Expect("query cancelled")
	pt.Expect("=> ")
	pt.Send("SELECT elementId FROM file 1124890692330272 WHERE floor = 'F01' AND categoryName = '墙';\r")
	pt.Expect("(141 rows, ")
	// Ctrl-D once the line editor reads again: pressed while the terminal
	// is still in the mode the pager left, it is the line discipline's
	// end of file rather than a key.
	pt.Expect("=> ")
	pt.Send("\x04")
	select {
	case code := <-done:
		require.Equal(t, 0, code, pt.Screen())
	case <-time.After(ptytest.WaitFor):
		t.Fatalf("the shell did not end on Ctrl-D; it wrote:\n%s", pt.Screen())
	}
}

// TestShellRemoteKeysFromSample lists keys on the simulator before any
// query has used them: they come from a sample of the target's elements,
// Chinese ones included, and Tab completes them.
func TestShellRemoteKeysFromSample(t *testing.T) {
	srv := simulator(t)
	script := strings.Join([]string{
		`\use file 1124890692330272`,
		`\keys 底*`,
		`\keys 阶段*`,
	}, "\n") + "\n"
	code, out, errOut := bfquery(t, script, "shell", "--remote", "--endpoint", srv.URL)
	require.Equal(t, 0, code, errOut)
	require.Equal(t, "key      | distinct values | elements\n"+
		"---------+-----------------+---------\n"+
		"底部偏移 | 5               | ?\n"+
		"key    | distinct values | elements\n"+
		"-------+-----------------+---------\n"+
		"阶段化 | 2               | ?\n", out)
	require.Equal(t, "Queries without FROM now run on file 1124890692330272.\n(1 key)\n(1 key)\n", errOut)
}

// TestShellUseUnknownTarget: \use refuses a target the cache does not
// hold, rather than fail later in text the user never typed.
func TestShellUseUnknownTarget(t *testing.T) {
	code, out, errOut := bfquery(t, "\\use file 999\n\\use file abc\n\\use\n", "shell")
	require.Equal(t, 1, code)
	require.Equal(t, "", out)
	require.Equal(t, "ERROR: file 999 is not in the demo model (file 1124890692330272): \\targets lists the targets\n"+
		"ERROR: file abc is not in the demo model (file 1124890692330272): \\targets lists the targets\n"+
		"Queries without FROM run on file 1124890692330272.\n"+
		"bfquery: some statements failed: 2\n", errOut)
}

// TestShellValuesUnknownKey: \values of a key no element has says so.
func TestShellValuesUnknownKey(t *testing.T) {
	code, out, errOut := bfquery(t, "\\use file 1124890692330272\n\\values 不存在\n", "shell")
	require.Equal(t, 1, code)
	require.Equal(t, "", out)
	require.Equal(t, "Queries without FROM now run on file 1124890692330272.\n"+
		"ERROR: no element of file 1124890692330272 has the key 不存在: \\keys lists the keys\n"+
		"bfquery: some statements failed: 1\n", errOut)
}
