package bimfacetest

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/bfquery/bfquery/bimface"
)

// Server is a simulator listening on loopback for one test.
type Server struct {
	*Simulator
	// URL is the server's base URL, http://127.0.0.1:port, without a
	// final slash.
	URL string

	tb testing.TB
}

// NewServer starts a simulator of data on loopback and closes it when the
// test ends. It fails the test if an option is bad.
func NewServer(tb testing.TB, data *Data, opts ...Option) *Server {
	tb.Helper()
	sim, err := New(data, opts...)
	if err != nil {
		tb.Fatal(err)
	}
	hs := httptest.NewServer(sim)
	tb.Cleanup(hs.Close)
	return &Server{Simulator: sim, URL: hs.URL, tb: tb}
}

// FastRetry returns the retry policy Server.Client uses: the client's own
// attempts, with millisecond waits so that tests of faults stay fast.
func FastRetry() bimface.RetryPolicy {
	return bimface.RetryPolicy{MaxAttempts: 5, BaseDelay: time.Millisecond, MaxDelay: 20 * time.Millisecond, MaxElapsed: 10 * time.Second}
}

// Client returns a bimface client for the server with its credentials and
// FastRetry; opts come after, so they may override either.
func (s *Server) Client(opts ...bimface.Option) *bimface.Client {
	s.tb.Helper()
	base := []bimface.Option{
		bimface.WithEndpoint(s.URL),
		bimface.WithCredentials(s.appKey, s.appSecret),
		bimface.WithRetry(FastRetry()),
	}
	c, err := bimface.NewClient(append(base, opts...)...)
	if err != nil {
		s.tb.Fatal(err)
	}
	return c
}

// ShutdownTimeout is how long Serve waits for requests in flight once its
// context is done.
const ShutdownTimeout = 5 * time.Second

// Serve answers requests on ln until ctx is done, then stops accepting,
// lets requests in flight finish (for at most ShutdownTimeout) and
// returns nil. It returns the server's error if it stops otherwise.
func (s *Simulator) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	err := hs.Shutdown(sctx)
	if serr := <-done; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}

// ListenAndServe listens on the TCP address addr and serves as Serve does.
func (s *Simulator) ListenAndServe(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return s.Serve(ctx, ln)
}
