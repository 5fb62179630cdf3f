package main

import (
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/bimface/bimfacetest"
)

func TestExposure(t *testing.T) {
	refused := "--addr ADDR can be reached from other hosts, and the app secret is the published default: " +
		"anyone who reaches it could take a token and read, upload and delete files. Give --app-key and --app-secret " +
		"(or BFQUERY_SERVE_APP_KEY and BFQUERY_SERVE_APP_SECRET), or --allow-default-credentials to serve anyway"
	warned := "bfquery: WARNING: serving on 0.0.0.0:8080, which other hosts can reach, with the published default credentials:\n" +
		"bfquery: WARNING: anyone who reaches it can take a token and read, upload and delete files.\n"
	tcp := func(ip string) net.Addr { return &net.TCPAddr{IP: net.ParseIP(ip), Port: 8080} }
	for _, tc := range []struct {
		name    string
		ln      net.Addr
		secret  string
		allow   bool
		warning string
		err     string
	}{
		{"loopback, default secret", tcp("127.0.0.1"), bimfacetest.AppSecret, false, "", ""},
		{"IPv6 loopback, default secret", tcp("::1"), bimfacetest.AppSecret, false, "", ""},
		{"all interfaces, default secret", tcp("0.0.0.0"), bimfacetest.AppSecret, false, "", refused},
		{"all IPv6 interfaces, default secret", tcp("::"), bimfacetest.AppSecret, false, "", refused},
		{"a LAN address, default secret", tcp("192.168.1.20"), bimfacetest.AppSecret, false, "", refused},
		{"all interfaces, own secret", tcp("0.0.0.0"), "s3cr3t-of-the-team", false, "", ""},
		{"all interfaces, default secret allowed", tcp("0.0.0.0"), bimfacetest.AppSecret, true, warned, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			warning, err := exposure(tc.ln, "ADDR", tc.secret, tc.allow)
			require.Equal(t, tc.warning, warning)
			if tc.err == "" {
				require.NoError(t, err)
				return
			}
			require.EqualError(t, err, tc.err)
		})
	}
}

// freeAddr is a free port on every interface.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "0.0.0.0:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// serveFor runs "bfquery serve" with args and returns its exit code and
// stderr; if it is still serving after wait, it is stopped with SIGINT
// once ready (true if it was).
func serveFor(t *testing.T, port string, wait time.Duration, args ...string) (code int, stderr string, served bool) {
	t.Helper()
	done := make(chan int, 1)
	var errOut strings.Builder
	go func() {
		done <- run(append([]string{"serve"}, args...), strings.NewReader(""), &strings.Builder{}, &errOut)
	}()
	select {
	case code := <-done:
		return code, errOut.String(), false
	case <-time.After(wait):
	}
	require.Eventually(t, func() bool {
		resp, err := http.Get("http://127.0.0.1:" + port + "/support")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil
	}, 30*time.Second, 20*time.Millisecond)
	interrupt(t)
	select {
	case code = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop on SIGINT")
	}
	return code, errOut.String(), true
}

// TestServeDefaultCredentials: on an address other hosts can reach, serve
// refuses the published default secret unless told to accept it, and then
// warns.
func TestServeDefaultCredentials(t *testing.T) {
	t.Setenv("BFQUERY_SERVE_APP_KEY", "")
	t.Setenv("BFQUERY_SERVE_APP_SECRET", "")
	os.Unsetenv("BFQUERY_SERVE_APP_KEY")
	os.Unsetenv("BFQUERY_SERVE_APP_SECRET")
	addr := freeAddr(t)
	_, port, _ := net.SplitHostPort(addr)

	code, stderr, served := serveFor(t, port, 10*time.Second, "--addr", addr)
	require.False(t, served)
	require.Equal(t, exitUsage, code)
	require.Equal(t, "bfquery: --addr "+addr+" can be reached from other hosts, and the app secret is the published default: "+
		"anyone who reaches it could take a token and read, upload and delete files. Give --app-key and --app-secret "+
		"(or BFQUERY_SERVE_APP_KEY and BFQUERY_SERVE_APP_SECRET), or --allow-default-credentials to serve anyway\n", stderr)

	code, stderr, served = serveFor(t, port, 0, "--addr", addr, "--allow-default-credentials", "--allow-internal-urls", "--max-conns", "8")
	require.True(t, served)
	require.Equal(t, exitOK, code, stderr)
	require.True(t, strings.HasPrefix(stderr, "bfquery: WARNING: serving on "+addr+", which other hosts can reach, with the published default credentials:\n"+
		"bfquery: WARNING: anyone who reaches it can take a token and read, upload and delete files.\n"+
		"bfquery: serving [file 1124890692330272] on http://"+addr+"/, project 10000000006016 (Ctrl-C stops)\n"), stderr)

	// Credentials from the environment: no warning, and never the secret.
	t.Setenv("BFQUERY_SERVE_APP_KEY", "team-key")
	t.Setenv("BFQUERY_SERVE_APP_SECRET", "team-secret-value")
	code, stderr, served = serveFor(t, port, 0, "--addr", addr)
	require.True(t, served)
	require.Equal(t, exitOK, code, stderr)
	require.Equal(t, "bfquery: serving [file 1124890692330272] on http://"+addr+"/, project 10000000006016 (Ctrl-C stops)\nbfquery: stopped\n", stderr)
}

func TestServeHelp(t *testing.T) {
	code, out, errOut := bfquery(t, "", "serve", "--help")
	require.Equal(t, 0, code, errOut)
	out = strings.Join(strings.Fields(out), " ") // however the help wraps
	for _, want := range []string{
		"refuses the published default app secret",
		"download URLs are signed and last 5 minutes",
		"What it does not do: TLS",
		"--allow-internal-urls",
		"--max-conns=N",
	} {
		require.Contains(t, out, want)
	}
}

func TestServeBadMaxConns(t *testing.T) {
	code, _, errOut := bfquery(t, "", "serve", "--max-conns", "0")
	require.Equal(t, exitUsage, code)
	require.Equal(t, "bfquery: --max-conns 0: must be positive\n", errOut)
}

// TestServeRebuildsIndex: serving a cache whose index file is damaged
// rebuilds it, with the line queries print.
func TestServeRebuildsIndex(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.CopyFS(dir, os.DirFS(fixture)))
	code, _, errOut := bfquery(t, "", "index", dir)
	require.Equal(t, 0, code, errOut)
	idx := filepath.Join(dir, "integration", "integration-1648888854324400.elements.bfqidx")
	require.NoError(t, os.WriteFile(idx, []byte("BFQINDEX but not one"), 0o644))
	_, port, _ := net.SplitHostPort(freeAddr(t))
	addr := "127.0.0.1:" + port
	code, stderr, served := serveFor(t, port, 0, "--addr", addr, "--cache", dir)
	require.True(t, served)
	require.Equal(t, exitOK, code, stderr)
	require.True(t, strings.HasPrefix(stderr, "bfquery: index file "+idx+": truncated: 20 bytes, shorter than its header: rebuilt\n"), stderr)
}
