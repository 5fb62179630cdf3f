package bimface_test

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/dsl"
)

// script answers the n-th request (from 0) with step(n); past its end it
// answers with the last step.
type script struct {
	calls atomic.Int32
	steps []func(w http.ResponseWriter, r *http.Request)
}

func (s *script) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := int(s.calls.Add(1)) - 1
	s.steps[min(n, len(s.steps)-1)](w, r)
}

func status(code int, bimfaceCode string, header ...string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		writeError(w, code, bimfaceCode, "")
	}
}

// hang answers nothing until the client goes away (or 5s pass, so that
// a broken test does not hang).
func hang(w http.ResponseWriter, r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-time.After(5 * time.Second):
	}
}

func ok(w http.ResponseWriter, r *http.Request) { writeRaw(w, `{"elementId":"2"}`) }

// hangUp closes the connection without answering.
func hangUp(w http.ResponseWriter, r *http.Request) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		conn.Close()
	}
}

// noKeepAlive makes every attempt a new connection, so that net/http's own
// retry of requests on reused connections does not hide the client's.
func noKeepAlive() bimface.Option {
	return bimface.WithHTTPClient(&http.Client{Transport: &http.Transport{DisableKeepAlives: true}})
}

func TestRetries(t *testing.T) {
	tests := []struct {
		name      string
		steps     []func(http.ResponseWriter, *http.Request)
		wantCalls int32
		wantErr   string
	}{
		{"500 then success", []func(http.ResponseWriter, *http.Request){status(500, "system.error"), status(500, "system.error"), ok}, 3, ""},
		{"503 then success", []func(http.ResponseWriter, *http.Request){status(503, ""), ok}, 2, ""},
		{"429 with Retry-After 0", []func(http.ResponseWriter, *http.Request){status(429, "", "Retry-After", "0"), status(429, ""), ok}, 3, ""},
		{"connection dropped", []func(http.ResponseWriter, *http.Request){hangUp, hangUp, ok}, 3, ""},
		{"persistent 500", []func(http.ResponseWriter, *http.Request){status(500, "system.error")}, 4, "bimface: GET {URL}/data/v2/files/1/elements/2: 500 system.error"},
		{"404 not retried", []func(http.ResponseWriter, *http.Request){status(404, "file.not.found"), ok}, 1, "bimface: GET {URL}/data/v2/files/1/elements/2: 404 file.not.found"},
		{"400 not retried", []func(http.ResponseWriter, *http.Request){status(400, "parameter.invalid"), ok}, 1, "bimface: GET {URL}/data/v2/files/1/elements/2: 400 parameter.invalid"},
		{"200 with error code not retried", []func(http.ResponseWriter, *http.Request){status(200, "system.error"), ok}, 1, "bimface: GET {URL}/data/v2/files/1/elements/2: 200 system.error"},
		{"non-JSON 502", []func(http.ResponseWriter, *http.Request){func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(502)
			w.Write([]byte("<html>Bad Gateway</html>"))
		}}, 4, "bimface: GET {URL}/data/v2/files/1/elements/2: 502: <html>Bad Gateway</html>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			s := &script{steps: tc.steps}
			f.mux.Handle("GET /data/v2/files/1/elements/2", s)
			_, err := f.client(noKeepAlive()).Files.Element(context.Background(), "1", "2")
			if tc.wantErr == "" {
				require.NoError(t, err)
			} else {
				require.EqualError(t, err, strings.ReplaceAll(tc.wantErr, "{URL}", f.server.URL))
			}
			require.Equal(t, tc.wantCalls, s.calls.Load())
		})
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	tests := []struct {
		name     string
		header   func() string
		minDelay time.Duration
	}{
		{"seconds", func() string { return "1" }, time.Second},
		// An HTTP date has whole seconds: now+2s is at least 1s away.
		{"HTTP date", func() string { return time.Now().Add(2 * time.Second).UTC().Format(http.TimeFormat) }, time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			s := &script{steps: []func(http.ResponseWriter, *http.Request){
				func(w http.ResponseWriter, r *http.Request) { status(503, "", "Retry-After", tc.header())(w, r) }, ok,
			}}
			f.mux.Handle("GET /data/v2/files/1/elements/2", s)
			// Backoff is a few milliseconds: only Retry-After can explain a
			// long wait. The first call fetches the token.
			c := f.client()
			_, err := c.Files.Element(context.Background(), "1", "2")
			require.NoError(t, err)
			s.calls.Store(0)
			start := time.Now()
			_, err = c.Files.Element(context.Background(), "1", "2")
			elapsed := time.Since(start)
			require.NoError(t, err)
			require.EqualValues(t, 2, s.calls.Load())
			require.GreaterOrEqual(t, elapsed, tc.minDelay)
			require.Less(t, elapsed, 3*time.Second)
		})
	}
}

func TestRetryBudget(t *testing.T) {
	t.Run("persistent 5xx stops within the time budget", func(t *testing.T) {
		f := newFixture(t)
		s := &script{steps: []func(http.ResponseWriter, *http.Request){status(500, "system.error")}}
		f.mux.Handle("GET /data/v2/files/1/elements/2", s)
		c := f.client(bimface.WithRetry(bimface.RetryPolicy{MaxAttempts: 1000, BaseDelay: 10 * time.Millisecond, MaxDelay: 40 * time.Millisecond, MaxElapsed: 300 * time.Millisecond}))
		start := time.Now()
		_, err := c.Files.Element(context.Background(), "1", "2")
		elapsed := time.Since(start)
		var e *bimface.Error
		require.True(t, errors.As(err, &e))
		require.Equal(t, "system.error", e.Code)
		require.Equal(t, 500, e.StatusCode)
		require.Less(t, elapsed, time.Second)
		require.Greater(t, s.calls.Load(), int32(2))
		require.Less(t, s.calls.Load(), int32(1000))
	})
	t.Run("Retry-After past the budget fails at once", func(t *testing.T) {
		f := newFixture(t)
		s := &script{steps: []func(http.ResponseWriter, *http.Request){status(429, "too.many.requests", "Retry-After", "3600")}}
		f.mux.Handle("GET /data/v2/files/1/elements/2", s)
		start := time.Now()
		_, err := f.client().Files.Element(context.Background(), "1", "2")
		require.EqualError(t, err, "bimface: GET "+f.server.URL+"/data/v2/files/1/elements/2: 429 too.many.requests")
		require.Less(t, time.Since(start), time.Second)
		require.EqualValues(t, 1, s.calls.Load())
	})
}

func TestRetriesOfWritesOnlyOn429(t *testing.T) {
	tests := []struct {
		name       string
		idempotent bool
		steps      []func(http.ResponseWriter, *http.Request)
		wantCalls  int32
	}{
		{"POST not retried on 500", false, []func(http.ResponseWriter, *http.Request){status(500, "system.error"), ok}, 1},
		{"POST retried on 429", false, []func(http.ResponseWriter, *http.Request){status(429, ""), ok}, 2},
		{"idempotent POST retried on 500", true, []func(http.ResponseWriter, *http.Request){status(500, "system.error"), ok}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			s := &script{steps: tc.steps}
			f.mux.Handle("POST /things", s)
			c := f.client()
			req, err := c.NewRequest(http.MethodPost, "things", map[string]int{"a": 1})
			require.NoError(t, err)
			var opts []bimface.CallOption
			if tc.idempotent {
				opts = append(opts, bimface.Idempotent(true))
			}
			_, _ = c.Do(context.Background(), req, nil, opts...)
			require.Equal(t, tc.wantCalls, s.calls.Load())
		})
	}
}

func TestQueryPOSTIsRetried(t *testing.T) {
	f := newFixture(t)
	var bodies []string
	s := &script{steps: []func(http.ResponseWriter, *http.Request){
		func(w http.ResponseWriter, r *http.Request) {
			bodies = append(bodies, readBody(t, r))
			status(503, "")(w, r)
		},
		func(w http.ResponseWriter, r *http.Request) {
			bodies = append(bodies, readBody(t, r))
			writeRaw(w, `[{"elementIds":["1"],"targetId":"7"}]`)
		},
	}}
	f.mux.Handle("POST /data/v2/query/elementIds", s)
	req := dsl.File("7").Where(dsl.Match(dsl.Floor, "F1"))
	got, err := f.client().Query.IDs(context.Background(), dsl.SelectElements, req, nil)
	require.NoError(t, err)
	require.Equal(t, []bimface.TargetIDs{{TargetID: "7", IDs: []string{"1"}}}, got)
	require.Equal(t, []string{string(req.MustJSON()), string(req.MustJSON())}, bodies, "the body is sent again in full")
}

func TestPerAttemptTimeout(t *testing.T) {
	f := newFixture(t)
	s := &script{steps: []func(http.ResponseWriter, *http.Request){
		func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(2 * time.Second):
			}
		},
		ok,
	}}
	f.mux.Handle("GET /data/v2/files/1/elements/2", s)
	start := time.Now()
	_, err := f.client(bimface.WithTimeout(100*time.Millisecond)).Files.Element(context.Background(), "1", "2")
	require.NoError(t, err)
	require.EqualValues(t, 2, s.calls.Load())
	// The first attempt ended by its timeout, not by the server giving
	// up after 2s.
	require.Less(t, time.Since(start), 1900*time.Millisecond)
}

func TestErrorsAs(t *testing.T) {
	f := newFixture(t)
	f.mux.HandleFunc("GET /data/v2/files/404/elements/2", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "file.not.found", "file not found")
	})
	_, err := f.client().Files.Element(context.Background(), "404", "2")
	var e *bimface.Error
	require.True(t, errors.As(err, &e))
	require.Equal(t, &bimface.Error{
		Method: "GET", URL: f.server.URL + "/data/v2/files/404/elements/2",
		StatusCode: 404, Code: bimface.CodeFileNotFound, Message: "file not found",
	}, e)
	require.EqualError(t, err, "bimface: GET "+f.server.URL+"/data/v2/files/404/elements/2: 404 file.not.found: file not found")
}

func TestBodySizeLimit(t *testing.T) {
	big := `{"elementId":"` + strings.Repeat("x", 500) + `"}`
	tests := []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"with Content-Length", func(w http.ResponseWriter, r *http.Request) { writeRaw(w, big) }},
		{"chunked", func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(`{"code":"success","data":`))
			http.NewResponseController(w).Flush()
			w.Write([]byte(big + "}"))
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.mux.HandleFunc("GET /data/v2/files/1/elements/2", tc.handler)
			_, err := f.client(bimface.WithMaxResponseBytes(200)).Files.Element(context.Background(), "1", "2")
			require.EqualError(t, err, "bimface: GET "+f.server.URL+"/data/v2/files/1/elements/2: 200: response body larger than 200 bytes")
		})
	}
}

func TestSecretsNeverShown(t *testing.T) {
	const viewToken = "vt-secret-77abc"
	secrets := []string{testAppSecret, viewToken, "tok-1", "tok-2"}
	echo := func(w http.ResponseWriter, r *http.Request) {
		// A careless server echoing everything it got.
		writeError(w, http.StatusForbidden, "forbidden", "url="+r.URL.String()+" auth="+r.Header.Get("Authorization")+" secret="+testAppSecret)
	}
	tests := []struct {
		name string
		opts []bimface.Option
		call func(c *bimface.Client, url string) error
	}{
		{"server echoes the access token", nil, func(c *bimface.Client, _ string) error {
			_, err := c.Files.Element(context.Background(), "1", "2")
			return err
		}},
		{"server echoes the view token", []bimface.Option{bimface.WithViewToken(viewToken)}, func(c *bimface.Client, _ string) error {
			_, err := c.Files.Element(context.Background(), "1", "2")
			return err
		}},
		{"secret in a caller's URL", nil, func(c *bimface.Client, _ string) error {
			req, err := c.NewRequest(http.MethodGet, "data/v2/files/1/elements/2?access_token=tok-2&view_token="+viewToken, nil)
			if err != nil {
				return err
			}
			_, err = c.Do(context.Background(), req, nil)
			return err
		}},
		{"connection refused in view-token mode", []bimface.Option{bimface.WithViewToken(viewToken), bimface.WithEndpoint("http://127.0.0.1:1")}, func(c *bimface.Client, _ string) error {
			_, err := c.Files.Element(context.Background(), "1", "2")
			return err
		}},
		{"wrong secret", []bimface.Option{bimface.WithCredentials(testAppKey, testAppSecret+"x")}, func(c *bimface.Client, _ string) error {
			_, err := c.Files.Element(context.Background(), "1", "2")
			return err
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.mux.HandleFunc("GET /data/v2/files/1/elements/2", echo)
			err := tc.call(f.client(append(tc.opts, bimface.WithRetry(bimface.RetryPolicy{MaxAttempts: 1}))...), f.server.URL)
			require.Error(t, err)
			msg := err.Error()
			for _, s := range secrets {
				require.NotContains(t, msg, s)
			}
			var e *bimface.Error
			if errors.As(err, &e) {
				for _, s := range secrets {
					require.NotContains(t, e.URL+e.Message+e.Code, s)
				}
			}
		})
	}
}

func TestContextCancellation(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		ctx     func() (context.Context, context.CancelFunc)
		want    error
	}{
		{"cancelled while waiting for the answer", hang, func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(50*time.Millisecond, cancel)
			return ctx, cancel
		}, context.Canceled},
		{"deadline while waiting for the answer", hang, func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 50*time.Millisecond)
		}, context.DeadlineExceeded},
		{"cancelled during a Retry-After wait", status(503, "", "Retry-After", "30"), func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(100*time.Millisecond, cancel)
			return ctx, cancel
		}, context.Canceled},
		{"already cancelled", ok, func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx, cancel
		}, context.Canceled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.mux.HandleFunc("GET /data/v2/files/1/elements/2", tc.handler)
			c := f.client(bimface.WithRetry(bimface.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxElapsed: time.Minute}))
			ctx, cancel := tc.ctx()
			defer cancel()
			start := time.Now()
			_, err := c.Files.Element(ctx, "1", "2")
			require.Equal(t, tc.want, err) // the context's error itself, not wrapped transport noise
			require.Less(t, time.Since(start), 4*time.Second, "ended by the context, not by the server's 5s")
		})
	}
}

func TestBatchCancellation(t *testing.T) {
	f := newFixture(t)
	// The server notices a client gone only once the body is read.
	f.mux.HandleFunc("POST /data/v2/files/1/elements", func(w http.ResponseWriter, r *http.Request) { readBody(t, r); hang(w, r) })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := f.client().Files.Elements(ctx, "1", ids("", 3500), nil)
	require.Equal(t, context.DeadlineExceeded, err)
}

func TestBatchFailureStopsAndReports(t *testing.T) {
	f := newFixture(t)
	var calls atomic.Int32
	f.mux.HandleFunc("POST /data/v2/files/1/elements", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		writeError(w, http.StatusNotFound, "file.not.found", "no such file")
	})
	_, err := f.client(bimface.WithBatchConcurrency(1)).Files.Elements(context.Background(), "1", ids("", 5000), nil)
	require.EqualError(t, err, "bimface: POST "+f.server.URL+"/data/v2/files/1/elements: 404 file.not.found: no such file")
	require.EqualValues(t, 1, calls.Load(), "later batches are not sent")
}

// TestTokenEndpointEchoesCredential: a token endpoint that echoes the
// Basic credential it got (base64 of appKey:appSecret) in an answer the
// client cannot read, or in an error, does not get it into the error.
func TestTokenEndpointEchoesCredential(t *testing.T) {
	basic := base64.StdEncoding.EncodeToString([]byte(testAppKey + ":" + testAppSecret))
	for _, answer := range []func(w http.ResponseWriter, r *http.Request){
		func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusOK)
			io.WriteString(w, "<html>"+r.Header.Get("Authorization")+"</html>")
		},
		func(w http.ResponseWriter, r *http.Request) {
			writeError(w, http.StatusInternalServerError, "system.error", "bad header "+r.Header.Get("Authorization"))
		},
	} {
		srv := httptest.NewServer(http.HandlerFunc(answer))
		c, err := bimface.NewClient(bimface.WithEndpoint(srv.URL), bimface.WithCredentials(testAppKey, testAppSecret), bimface.WithRetry(bimface.RetryPolicy{MaxAttempts: 1}))
		require.NoError(t, err)
		_, err = c.Files.Element(context.Background(), "1", "2")
		srv.Close()
		require.Error(t, err)
		require.NotContains(t, err.Error(), basic)
		require.NotContains(t, err.Error(), testAppSecret)
		require.Contains(t, err.Error(), "REDACTED")
	}
}

// TestNoAnswerInTime names the per-request timeout when a server does not
// answer, and is still a deadline error.
func TestNoAnswerInTime(t *testing.T) {
	f := newFixture(t)
	f.mux.HandleFunc("GET /data/v2/files/1/elements/2", hang)
	_, err := f.client(bimface.WithTimeout(50*time.Millisecond), bimface.WithRetry(bimface.RetryPolicy{MaxAttempts: 1})).Files.Element(context.Background(), "1", "2")
	require.EqualError(t, err, "bimface: GET "+f.server.URL+"/data/v2/files/1/elements/2: no answer within 50ms (context deadline exceeded)")
	require.ErrorIs(t, err, context.DeadlineExceeded)
}
