package bimfacetest_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/bimface/bimfacetest"
)

// started runs a simulator on loopback that the test closes itself,
// unlike NewServer's, and a client of it. The HTTP server is closed when
// the test ends.
func started(t *testing.T, opts ...bimfacetest.Option) (*bimfacetest.Simulator, *bimface.Client) {
	t.Helper()
	sim, err := bimfacetest.New(demoModel(t), opts...)
	require.NoError(t, err)
	hs := httptest.NewServer(sim)
	t.Cleanup(hs.Close)
	c, err := bimface.NewClient(bimface.WithEndpoint(hs.URL), bimface.WithCredentials(bimfacetest.AppKey, bimfacetest.AppSecret),
		bimface.WithRetry(bimfacetest.FastRetry()))
	require.NoError(t, err)
	return sim, c
}

// TestCloseStopsTimers: a translation still running when the simulator
// is closed never ends, and its callback is never sent.
func TestCloseStopsTimers(t *testing.T) {
	var callbacks atomic.Int64
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { callbacks.Add(1) }))
	defer rcv.Close()
	const delay = time.Second
	sim, c := started(t, bimfacetest.WithTranslateDelay(delay), bimfacetest.WithInternalURLs())
	ctx := context.Background()
	f, err := c.SourceFiles.Upload(ctx, "a.rvt", strings.NewReader("rvt"), 3, nil)
	require.NoError(t, err)
	tr, err := c.Translate.Start(ctx, &bimface.TranslateRequest{Source: bimface.TranslateSource{FileID: f.FileID}, Callback: rcv.URL})
	require.NoError(t, err)
	require.Equal(t, bimface.StatusProcessing, tr.Status)
	require.NoError(t, sim.Close())

	// Past the delay, neither the timer nor a request ends the job.
	time.Sleep(delay + delay/2)
	tr, err = c.Translate.Status(ctx, f.FileID)
	require.NoError(t, err)
	require.Equal(t, bimface.StatusProcessing, tr.Status)
	require.Zero(t, callbacks.Load())
	require.NoError(t, sim.Close(), "a second Close")
}

// TestCloseCancelsCallbacks: Close does not wait for a callback receiver
// that hangs: the callback's request is cancelled.
func TestCloseCancelsCallbacks(t *testing.T) {
	got, release := make(chan struct{}, 1), make(chan struct{})
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- struct{}{}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer rcv.Close()
	defer close(release)
	sim, c := started(t, bimfacetest.WithInternalURLs())
	ctx := context.Background()
	f, err := c.SourceFiles.Upload(ctx, "a.rvt", strings.NewReader("rvt"), 3, nil)
	require.NoError(t, err)
	_, err = c.Translate.Start(ctx, &bimface.TranslateRequest{Source: bimface.TranslateSource{FileID: f.FileID}, Callback: rcv.URL})
	require.NoError(t, err)
	select {
	case <-got:
	case <-time.After(10 * time.Second):
		t.Fatal("the callback was not sent")
	}
	closed := make(chan error, 1)
	go func() { closed <- sim.Close() }()
	// A callback left alone would hang for its 10-second timeout.
	select {
	case err := <-closed:
		require.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("Close waited for a hanging callback receiver")
	}
}

// TestNewServerCloses: the test's end closes NewServer's simulator,
// which removes its uploads.
func TestNewServerCloses(t *testing.T) {
	var s *bimfacetest.Server
	var id int64
	t.Run("server", func(t *testing.T) {
		s = bimfacetest.NewServer(t, demoModel(t))
		id = uploadSmall(t, s, "a.rvt", "rvt")
		b, ok := s.FileContent(id)
		require.True(t, ok)
		require.Equal(t, "rvt", string(b))
	})
	_, ok := s.FileContent(id)
	require.False(t, ok)
}
