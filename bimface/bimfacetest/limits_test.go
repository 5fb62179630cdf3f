package bimfacetest_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/bimface/bimfacetest"
)

// serve runs a simulator with limits on loopback until the test ends and
// returns its address.
func serve(t *testing.T, l bimfacetest.Limits) string {
	t.Helper()
	sim, err := bimfacetest.New(demoModel(t), bimfacetest.WithLimits(l))
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sim.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
		require.NoError(t, sim.Close())
	})
	return ln.Addr().String()
}

// get sends a GET on conn and reads the answer.
func get(t *testing.T, conn net.Conn, r *bufio.Reader) *http.Response {
	t.Helper()
	_, err := io.WriteString(conn, "GET /nothing HTTP/1.1\r\nHost: sim\r\n\r\n")
	require.NoError(t, err)
	resp, err := http.ReadResponse(r, nil)
	require.NoError(t, err)
	_, err = io.Copy(io.Discard, resp.Body)
	require.NoError(t, err)
	return resp
}

// closedWithin reports whether the server closes conn within d, reading
// and dropping what it sends.
func closedWithin(conn net.Conn, r io.Reader, d time.Duration) bool {
	conn.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, r)
	return !errors.Is(err, os.ErrDeadlineExceeded)
}

// short are limits a test can see at work; the check of each waits far
// longer than the limit, so a busy machine does not fail it.
var short = bimfacetest.Limits{
	ReadHeaderTimeout: 300 * time.Millisecond, ReadTimeout: 300 * time.Millisecond,
	WriteTimeout: 5 * time.Second, IdleTimeout: 300 * time.Millisecond, MaxConns: 4,
}

func TestServeTimeouts(t *testing.T) {
	addr := serve(t, short)
	for _, tc := range []struct {
		name string
		send func(t *testing.T, conn net.Conn, r *bufio.Reader)
	}{
		{"idle keep-alive", func(t *testing.T, conn net.Conn, r *bufio.Reader) {
			require.Equal(t, http.StatusNotFound, get(t, conn, r).StatusCode)
		}},
		{"header never ends", func(t *testing.T, conn net.Conn, r *bufio.Reader) {
			io.WriteString(conn, "PUT /upload?name=a.rvt HTTP/1.1\r\nHost: sim\r\n")
		}},
		{"body stalls", func(t *testing.T, conn net.Conn, r *bufio.Reader) {
			io.WriteString(conn, "POST /oss/bf-sim-srcfile/ HTTP/1.1\r\nHost: sim\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n--b\r\n")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", addr)
			require.NoError(t, err)
			defer conn.Close()
			r := bufio.NewReader(conn)
			tc.send(t, conn, r)
			require.True(t, closedWithin(conn, r, 20*time.Second), "the connection is still open")
		})
	}
}

// TestServeMaxConns: past MaxConns, a connection waits until another
// closes.
func TestServeMaxConns(t *testing.T) {
	l := bimfacetest.DefaultLimits()
	l.MaxConns = 2
	addr := serve(t, l)
	var held []net.Conn
	for range 2 {
		conn, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		defer conn.Close()
		get(t, conn, bufio.NewReader(conn)) // accepted, then kept alive
		held = append(held, conn)
	}
	third, err := net.Dial("tcp", addr) // the listen queue takes it
	require.NoError(t, err)
	defer third.Close()
	r := bufio.NewReader(third)
	_, err = io.WriteString(third, "GET /nothing HTTP/1.1\r\nHost: sim\r\n\r\n")
	require.NoError(t, err)
	third.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	_, err = r.Peek(1)
	require.ErrorIs(t, err, os.ErrDeadlineExceeded, "served while two connections are held")

	held[0].Close()
	third.SetReadDeadline(time.Now().Add(20 * time.Second))
	resp, err := http.ReadResponse(r, nil)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
}

func TestWithLimitsInvalid(t *testing.T) {
	l := short
	l.MaxConns = 0
	_, err := bimfacetest.New(demoModel(t), bimfacetest.WithLimits(l))
	require.EqualError(t, err, "bimfacetest: WithLimits: every limit must be positive")
}

// TestServeSlowUpload: an upload that takes longer than ReadTimeout and
// WriteTimeout goes through as long as its bytes keep coming.
func TestServeSlowUpload(t *testing.T) {
	l := bimfacetest.Limits{ReadHeaderTimeout: 2 * time.Second, ReadTimeout: 2 * time.Second, WriteTimeout: 2 * time.Second, IdleTimeout: 2 * time.Second, MaxConns: 4}
	addr := serve(t, l)
	s := &bimfacetest.Server{URL: "http://" + addr}
	tok := token(t, s)
	pr, pw := io.Pipe()
	go func() {
		for range 8 { // 3.2 s in all
			time.Sleep(400 * time.Millisecond)
			pw.Write(make([]byte, 1000))
		}
		pw.Close()
	}()
	req, err := http.NewRequest("PUT", s.URL+"/upload?name=slow.rvt", pr)
	require.NoError(t, err)
	req.ContentLength = 8000
	req.Header.Set("Content-Type", "application/octet-stream")
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(b))
	require.Contains(t, string(b), `"length":8000`)
}
