package main

import (
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/bimface/bimfacetest"
	"github.com/bfquery/bfquery/internal/demo"
)

// simulator starts a simulator of the demo model and points the CLI's
// credentials at it.
func simulator(t *testing.T) *bimfacetest.Server {
	t.Helper()
	data, err := bimfacetest.LoadFS(demo.FS())
	require.NoError(t, err)
	t.Setenv("BIMFACE_APP_KEY", bimfacetest.AppKey)
	t.Setenv("BIMFACE_APP_SECRET", bimfacetest.AppSecret)
	t.Setenv("BIMFACE_ENDPOINT", "")
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	return bimfacetest.NewServer(t, data)
}

const demoQuery = "SELECT elementId FROM file 1124890692330272 WHERE "

// TestPullQueryCompare is the offline workflow: pull the model from the
// simulator, query the cache, and compare with the same queries run
// remotely, plans included.
func TestPullQueryCompare(t *testing.T) {
	srv := simulator(t)
	dir := filepath.Join(t.TempDir(), "cache")

	code, out, errOut := bfquery(t, "", "pull", "--endpoint", srv.URL, "--file", demo.FileID, "--out", dir, "-q")
	require.Equal(t, 0, code, errOut)
	require.Regexp(t, `^pulled file 1124890692330272 into .*: 4000 elements \(0 resumed\), 40 rooms, 8 areas in .*\n$`, out)
	code, out, _ = bfquery(t, "", "pull", "--endpoint", srv.URL, "--file", demo.FileID, "--out", dir, "-q")
	require.Equal(t, 0, code)
	require.Contains(t, out, "is already in")

	queries := []string{
		"floor = 'F01' AND categoryName = '墙'",
		"categoryName = '墙' AND NOT floor = 'F01' AND 体积 > 2",
		"familyType LIKE 'C%' OR roomId IS NULL",
		"体积 BETWEEN 1 AND 2 AND floor NOT IN ('F01', 'F02')",
	}
	for _, q := range queries {
		_, demoOut, _ := bfquery(t, "", "query", "-f", "json", demoQuery+q)
		code, cached, errOut := bfquery(t, "", "query", "--cache", dir, "-f", "json", demoQuery+q)
		require.Equal(t, 0, code, errOut)
		require.Equal(t, demoOut, cached, q)
		code, remoteCount, errOut := bfquery(t, "", "query", "--remote", "--endpoint", srv.URL, "-f", "count", demoQuery+q)
		require.Equal(t, 0, code, errOut)
		_, localCount, _ := bfquery(t, "", "query", "--cache", dir, "-f", "count", demoQuery+q)
		require.Equal(t, localCount, remoteCount, q)
		code, cmpOut, errOut := bfquery(t, "", "query", "--cache", dir, "--compare", "--endpoint", srv.URL, demoQuery+q)
		require.Equal(t, 0, code, errOut+cmpOut)
		require.Equal(t, "target 1124890692330272: same "+strings.TrimSpace(localCount)+" IDs\n", cmpOut)
	}

	// The documented examples, as a --dsl batch.
	code, local, errOut := bfquery(t, "", "query", "--cache", dir, "-f", "json", "--dsl", "../../testdata/examples/5-sql-example.json")
	require.Equal(t, 0, code, errOut)
	code, remote, errOut := bfquery(t, "", "query", "--remote", "--endpoint", srv.URL, "-f", "json", "--dsl", "../../testdata/examples/5-sql-example.json")
	require.Equal(t, 0, code, errOut)
	require.Equal(t, local, remote)
}

func TestRemoteExplain(t *testing.T) {
	srv := simulator(t)
	code, out, errOut := bfquery(t, "", "query", "--remote", "--endpoint", srv.URL, "EXPLAIN "+demoQuery+"NOT categoryName = '墙'")
	require.Equal(t, 0, code, errOut)
	require.Equal(t, "1. query/elementIds {\"match\":{\"categoryName\":\"墙\"}}\n2. all elementIds of file 1124890692330272\nresult: (2) − (1)\nrequests: 2\n", out)
}

func TestCompareFindsDifferences(t *testing.T) {
	srv := simulator(t)
	dir := t.TempDir()
	// A cache where one element lost its floor.
	src, err := os.ReadFile("../../testdata/cache/semantics.json")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "e.json"), src, 0o644))
	code, out, _ := bfquery(t, "", "query", "--cache", filepath.Join(dir, "e.json"), "--compare", "--endpoint", srv.URL, demoQuery+"elementId IN ('101', '300014')")
	require.Equal(t, 1, code)
	require.Equal(t, "target 1124890692330272: 1 IDs local, 1 remote; 1 only local (-), 1 only remote (+)\n-101\n+300014\n", out)
}

func TestCredentials(t *testing.T) {
	srv := simulator(t)
	t.Setenv("BIMFACE_APP_SECRET", "wrong-secret-value")
	code, out, errOut := bfquery(t, "", "query", "--remote", "--endpoint", srv.URL, demoQuery+"floor = 'F01'")
	require.Equal(t, 1, code)
	require.Empty(t, out)
	require.Contains(t, errOut, "authentication.failed")
	require.NotContains(t, errOut, "wrong-secret-value")

	t.Setenv("BIMFACE_APP_KEY", "")
	t.Setenv("BIMFACE_APP_SECRET", "")
	code, _, errOut = bfquery(t, "", "query", "--remote", "--endpoint", srv.URL, demoQuery+"floor = 'F01'")
	require.Equal(t, 1, code)
	require.Equal(t, "bfquery: no BIMFACE credentials: set BIMFACE_APP_KEY and BIMFACE_APP_SECRET, or appKey and appSecret in the config file\n", errOut)

	cfg := filepath.Join(t.TempDir(), "config.json")
	require.NoError(t, os.WriteFile(cfg, []byte(`{"appKey":"`+bimfacetest.AppKey+`","appSecret":"`+bimfacetest.AppSecret+`","endpoint":"`+srv.URL+`"}`), 0o644))
	if runtime.GOOS != "windows" { // where modes mean nothing: TestCheckPrivate
		code, _, errOut = bfquery(t, "", "query", "--remote", "--config", cfg, demoQuery+"floor = 'F01'")
		require.Equal(t, 1, code)
		require.Equal(t, "bfquery: config file "+cfg+" holds a secret but others may read it (mode 0644): run chmod 600 "+cfg+"\n", errOut)
	}
	require.NoError(t, os.Chmod(cfg, 0o600))
	code, out, errOut = bfquery(t, "", "query", "--remote", "--config", cfg, "-f", "count", demoQuery+"floor = 'F01'")
	require.Equal(t, 0, code, errOut)
	require.Equal(t, "610\n", out)

	// A misspelt member is an error, not a silently missing setting.
	require.NoError(t, os.WriteFile(cfg, []byte(`{"appKey":"`+bimfacetest.AppKey+`","appSecret":"`+bimfacetest.AppSecret+`","endpont":"`+srv.URL+`"}`), 0o600))
	code, _, errOut = bfquery(t, "", "query", "--remote", "--config", cfg, demoQuery+"floor = 'F01'")
	require.Equal(t, 1, code)
	require.Equal(t, "bfquery: config file "+cfg+": json: unknown field \"endpont\" (it holds appKey, appSecret and endpoint)\n", errOut)
}

func TestCheckPrivate(t *testing.T) {
	for _, tc := range []struct {
		goos string
		mode fs.FileMode
		err  string
	}{
		{"linux", 0o600, ""},
		{"linux", 0o400, ""},
		{"linux", 0o640, "config file /c.json holds a secret but others may read it (mode 0640): run chmod 600 /c.json"},
		{"darwin", 0o604, "config file /c.json holds a secret but others may read it (mode 0604): run chmod 600 /c.json"},
		{"darwin", 0o700, ""},
		// What Go reports for any Windows file, and for a read-only one.
		{"windows", 0o666, ""},
		{"windows", 0o444, ""},
	} {
		t.Run(fmt.Sprintf("%s %04o", tc.goos, tc.mode), func(t *testing.T) {
			err := checkPrivate(tc.goos, "/c.json", tc.mode)
			if tc.err == "" {
				require.NoError(t, err)
				return
			}
			require.EqualError(t, err, tc.err)
		})
	}
}

// TestServe runs "bfquery serve", queries it, and stops it with SIGINT.
func TestServe(t *testing.T) {
	simulator(t) // credentials in the environment
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())

	done := make(chan int)
	var errOut strings.Builder
	go func() {
		code := run([]string{"serve", "--addr", addr}, strings.NewReader(""), &strings.Builder{}, &errOut)
		done <- code
	}()
	url := "http://" + addr + "/"
	require.Eventually(t, func() bool {
		resp, err := http.Get(url + "data/v2/query/paginationContextId")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil
	}, 30*time.Second, 20*time.Millisecond) // loading the demo model on a busy machine

	code, out, stderr := bfquery(t, "", "query", "--remote", "--endpoint", url, "-f", "count", demoQuery+"floor = 'F01'")
	require.Equal(t, 0, code, stderr)
	require.Equal(t, "610\n", out)

	interrupt(t)
	select {
	case code := <-done:
		require.Equal(t, 0, code, errOut.String())
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop on SIGINT")
	}
	require.Contains(t, errOut.String(), "bfquery: stopped")
	// The project of its translations, which translations --project needs.
	require.Contains(t, errOut.String(), "/, project 10000000006016 (Ctrl-C stops)\n")
}

func TestPageSizeAndServeFlagsAreChecked(t *testing.T) {
	srv := simulator(t)
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"page size too large", []string{"query", "--remote", "--endpoint", srv.URL, "--page-size", "10001", demoQuery + "floor = 'F01'"}, "bfquery: --page-size 10001: must be between 1 and 10000\n"},
		{"negative page size", []string{"pull", "--endpoint", srv.URL, "--page-size=-5", "--file", demo.FileID, "--out", t.TempDir()}, "bfquery: --page-size -5: must be between 1 and 10000\n"},
		{"negative cap", []string{"serve", "--id-cap=-1"}, "bfquery: --id-cap -1: must be 0 (none) or positive\n"},
		{"fault rate", []string{"serve", "--fault-error-rate", "1.5"}, "bfquery: --fault-error-rate 1.5: must be between 0 and 1\n"},
		{"pagination ttl", []string{"serve", "--pagination-ttl", "0s"}, "bfquery: --pagination-ttl 0s: must be positive\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := bfquery(t, "", tc.args...)
			require.Equal(t, 2, code)
			require.Empty(t, out)
			require.Equal(t, tc.wantErr, errOut)
		})
	}
	// A page size that BIMFACE allows gives the same answer.
	_, want, _ := bfquery(t, "", "query", "--remote", "--endpoint", srv.URL, demoQuery+"floor = 'F01'")
	code, got, errOut := bfquery(t, "", "query", "--remote", "--endpoint", srv.URL, "--page-size", "7", demoQuery+"floor = 'F01'")
	require.Equal(t, 0, code, errOut)
	require.Equal(t, want, got)
}
