//go:build unix

package main

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/term"

	"github.com/bfquery/bfquery/internal/ptytest"
)

// asMain is set in the environment of a copy of the test binary that is
// to run as bfquery itself.
const asMain = "BFQUERY_TEST_AS_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(asMain) == "1" {
		// Signals that come before bfquery handles them would kill the
		// process; catch them until then, and tell the test when it may
		// send its own on fd 3.
		early := make(chan os.Signal, 8)
		signal.Notify(early, os.Interrupt, syscall.SIGTERM)
		go func() {
			for range early {
			}
		}()
		ready := os.NewFile(3, "ready")
		ready.Write([]byte{1})
		ready.Close()
		main()
	}
	os.Exit(m.Run())
}

// signalWait bounds how long a test waits for bfquery to start or end:
// long, so that a busy host does not fail it.
const signalWait = 20 * time.Second

// child is bfquery running as a process.
type child struct {
	cmd    *exec.Cmd
	done   chan struct{}
	stderr strings.Builder
}

// startBfquery runs bfquery with args and stdin, and waits until it may
// be sent signals.
func startBfquery(t *testing.T, stdin *os.File, env []string, args ...string) *child {
	t.Helper()
	exe, err := os.Executable()
	require.NoError(t, err)
	readyR, readyW, err := os.Pipe()
	require.NoError(t, err)
	defer readyR.Close()
	c := &child{cmd: exec.Command(exe, args...), done: make(chan struct{})}
	c.cmd.Env = append(append(os.Environ(), asMain+"=1"), env...)
	c.cmd.Stdin = stdin
	c.cmd.Stderr = &c.stderr
	c.cmd.ExtraFiles = []*os.File{readyW}
	require.NoError(t, c.cmd.Start())
	readyW.Close()
	go func() {
		c.cmd.Wait()
		close(c.done)
	}()
	t.Cleanup(func() {
		select {
		case <-c.done:
		default:
			c.cmd.Process.Kill()
			<-c.done
		}
	})
	require.NoError(t, readyR.SetReadDeadline(time.Now().Add(signalWait)))
	_, err = readyR.Read(make([]byte, 1))
	require.NoError(t, err, "bfquery did not start")
	return c
}

// endWith sends sig until bfquery ends, as the first may come before
// bfquery handles signals, and returns its exit code.
func (c *child) endWith(t *testing.T, sig syscall.Signal) int {
	t.Helper()
	deadline := time.After(signalWait)
	for {
		// bfquery may end between the last signal and this one: then
		// there is no process to signal, and done is closed, or about to.
		if err := c.cmd.Process.Signal(sig); !errors.Is(err, os.ErrProcessDone) {
			require.NoError(t, err)
		}
		select {
		case <-c.done:
			return c.cmd.ProcessState.ExitCode()
		case <-time.After(500 * time.Millisecond):
		case <-deadline:
			t.Fatalf("bfquery did not end on %v within %v; it wrote:\n%s", sig, signalWait, c.stderr.String())
		}
	}
}

// TestSignalEndsBlockingRead starts bfquery on input that never comes
// (a pipe nobody writes to, or a FIFO nobody opens), sends SIGINT or
// SIGTERM and expects it to end with 130 or 143.
func TestSignalEndsBlockingRead(t *testing.T) {
	query := demoQuery + "floor = 'F01'"
	creds := []string{"BIMFACE_APP_KEY=key", "BIMFACE_APP_SECRET=secret", "BIMFACE_ENDPOINT=http://127.0.0.1:1"}
	for _, tc := range []struct {
		name string
		// args names the FIFO as {FIFO}; stdin is a pipe nobody writes
		// to.
		args []string
		env  []string
	}{
		{"query --cache FIFO", []string{"query", "--cache", "{FIFO}", query}, nil},
		{"query --dsl -", []string{"query", "--dsl", "-"}, nil},
		{"query --dsl FIFO", []string{"query", "--dsl", "{FIFO}"}, nil},
		{"query --remote --config FIFO", []string{"query", "--remote", "--config", "{FIFO}", query}, nil},
		{"fmt", []string{"fmt"}, nil},
		{"fmt FIFO", []string{"fmt", "{FIFO}"}, nil},
		{"shell script", []string{"shell"}, nil},
		{"shell --cache FIFO", []string{"shell", "--cache", "{FIFO}"}, nil},
		{"integrate start --request FIFO", []string{"integrate", "start", "--request", "{FIFO}"}, nil},
		{"upload FIFO", []string{"upload", "{FIFO}"}, creds},
	} {
		for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
			t.Run(tc.name+" "+sig.String(), func(t *testing.T) {
				fifo := filepath.Join(t.TempDir(), "fifo")
				require.NoError(t, syscall.Mkfifo(fifo, 0o600))
				args := make([]string, len(tc.args))
				for i, a := range tc.args {
					args[i] = strings.ReplaceAll(a, "{FIFO}", fifo)
				}
				stdin, w, err := os.Pipe()
				require.NoError(t, err)
				defer w.Close()
				c := startBfquery(t, stdin, tc.env, args...)
				stdin.Close()
				code := c.endWith(t, sig)
				require.Equal(t, 128+int(sig), code, "stderr: %s", c.stderr.String())
				require.Empty(t, c.stderr.String())
			})
		}
	}
}

// TestSignalOnTerminal runs the interactive shell on a terminal: SIGINT
// at the prompt does not end it, SIGTERM does, with 143 and the terminal
// as it was.
func TestSignalOnTerminal(t *testing.T) {
	pt := ptytest.Open(t)
	before, err := term.GetState(int(pt.TTY.Fd()))
	require.NoError(t, err)
	t.Setenv("BFQUERY_HISTORY", filepath.Join(t.TempDir(), "history"))
	exe, err := os.Executable()
	require.NoError(t, err)
	readyR, readyW, err := os.Pipe()
	require.NoError(t, err)
	cmd := exec.Command(exe, "shell")
	cmd.Env = append(os.Environ(), asMain+"=1")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = pt.TTY, pt.TTY, pt.TTY
	cmd.ExtraFiles = []*os.File{readyW}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	require.NoError(t, cmd.Start())
	readyW.Close()
	readyR.Close()
	done := make(chan struct{})
	go func() {
		cmd.Wait()
		close(done)
	}()
	defer func() {
		select {
		case <-done:
		default:
			cmd.Process.Kill()
			<-done
		}
	}()
	waitScreen(t, pt, "=> ")
	raw, err := term.GetState(int(pt.TTY.Fd()))
	require.NoError(t, err)
	require.NotEqual(t, before, raw, "the prompt is in raw mode")

	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	select {
	case <-done:
		t.Fatalf("the shell ended on SIGINT; it wrote:\n%s", pt.Screen())
	case <-time.After(time.Second):
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	select {
	case <-done:
	case <-time.After(signalWait):
		t.Fatalf("the shell did not end on SIGTERM; it wrote:\n%s", pt.Screen())
	}
	require.Equal(t, 143, cmd.ProcessState.ExitCode())
	after, err := term.GetState(int(pt.TTY.Fd()))
	require.NoError(t, err)
	require.Equal(t, before, after, "the terminal is as it was")
}

// waitScreen waits until the terminal shows want.
func waitScreen(t *testing.T, pt *ptytest.Session, want string) {
	t.Helper()
	deadline := time.Now().Add(signalWait)
	for !strings.Contains(pt.Output(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("the terminal did not show %q; it shows:\n%s", want, pt.Screen())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestSignalCancelsNetworkCommand: a signal while bfquery waits for
// BIMFACE cancels the request, and bfquery says so and ends with 130 or
// 143.
func TestSignalCancelsNetworkCommand(t *testing.T) {
	arrived := make(chan struct{}, 8)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		select {
		case <-r.Context().Done():
		case <-time.After(2 * signalWait):
		}
	}))
	defer srv.Close()
	env := []string{"BIMFACE_APP_KEY=key", "BIMFACE_APP_SECRET=secret", "BIMFACE_ENDPOINT=" + srv.URL}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			c := startBfquery(t, nil, env, "query", "--remote", demoQuery+"floor = 'F01'")
			// The signal comes while bfquery waits for the server, not
			// while it still starts (then it ends at once, saying nothing).
			select {
			case <-arrived:
			case <-time.After(signalWait):
				t.Fatalf("bfquery sent no request; it wrote:\n%s", c.stderr.String())
			}
			require.Equal(t, 128+int(sig), c.endWith(t, sig))
			require.Equal(t, "bfquery: context canceled\n", c.stderr.String())
		})
	}
}
