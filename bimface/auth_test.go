package bimface_test

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/bimface/bimfacetest"
	"github.com/bfquery/bfquery/internal/demo"
)

func TestNewClientOptions(t *testing.T) {
	tests := []struct {
		name    string
		opts    []bimface.Option
		wantErr string
	}{
		{"no credentials", nil, "bimface: no credentials: use WithCredentials or WithViewToken"},
		{"empty secret", []bimface.Option{bimface.WithCredentials("k", "")}, "bimface: WithCredentials: appKey and appSecret must not be empty"},
		{"empty view token", []bimface.Option{bimface.WithViewToken("")}, "bimface: WithViewToken: empty token"},
		{"bad scheme", []bimface.Option{bimface.WithViewToken("v"), bimface.WithBaseURL("ftp://x/")}, `bimface: WithBaseURL: "ftp://x/": scheme must be http or https`},
		{"no host", []bimface.Option{bimface.WithViewToken("v"), bimface.WithEndpoint("http://")}, `bimface: WithEndpoint: "http://": no host`},
		{"password in the URL", []bimface.Option{bimface.WithViewToken("v"), bimface.WithEndpoint("http://k:pa55word@h.example/")}, `bimface: WithEndpoint: "http://h.example/": must not have a query, fragment or user info`},
		{"password in a bad URL", []bimface.Option{bimface.WithViewToken("v"), bimface.WithEndpoint("http://k:pa55word@h.example:x/")}, `bimface: WithEndpoint: not a URL: invalid port ":x" after host`},
		{"query in base", []bimface.Option{bimface.WithViewToken("v"), bimface.WithFileBaseURL("https://f.example/?a=1")}, `bimface: WithFileBaseURL: "https://f.example/?a=1": must not have a query, fragment or user info`},
		{"zero attempts", []bimface.Option{bimface.WithViewToken("v"), bimface.WithRetry(bimface.RetryPolicy{})}, "bimface: WithRetry: MaxAttempts 0 must be at least 1"},
		{"zero concurrency", []bimface.Option{bimface.WithViewToken("v"), bimface.WithBatchConcurrency(0)}, "bimface: WithBatchConcurrency: 0 must be at least 1"},
		{"nil http client", []bimface.Option{bimface.WithViewToken("v"), bimface.WithHTTPClient(nil)}, "bimface: WithHTTPClient: nil client"},
		{"negative timeout", []bimface.Option{bimface.WithViewToken("v"), bimface.WithTimeout(-time.Second)}, "bimface: WithTimeout: negative duration -1s"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := bimface.NewClient(tc.opts...)
			require.EqualError(t, err, tc.wantErr)
		})
	}
}

func TestBaseURLs(t *testing.T) {
	tests := []struct {
		name           string
		opts           []bimface.Option
		wantAPI, wantF string
	}{
		{"defaults", nil, "https://api.bimface.com/", "https://file.bimface.com/"},
		{"slash added", []bimface.Option{bimface.WithBaseURL("https://p.example/bimface")}, "https://p.example/bimface/", "https://file.bimface.com/"},
		{"endpoint sets both", []bimface.Option{bimface.WithEndpoint("http://127.0.0.1:8080")}, "http://127.0.0.1:8080/", "http://127.0.0.1:8080/"},
		{"file base", []bimface.Option{bimface.WithFileBaseURL("https://files.example/")}, "https://api.bimface.com/", "https://files.example/"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := bimface.NewClient(append([]bimface.Option{bimface.WithViewToken("v")}, tc.opts...)...)
			require.NoError(t, err)
			require.Equal(t, tc.wantAPI, c.BaseURL().String())
			require.Equal(t, tc.wantF, c.FileBaseURL().String())
		})
	}
}

// elementHandler serves one element to holders of any token the fixture
// handed out, and counts its calls.
func elementHandler(calls *int, mu *sync.Mutex, accept func(tok string) bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		*calls++
		mu.Unlock()
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !accept(tok) {
			writeError(w, http.StatusUnauthorized, "authentication.failed", "Token was not recognized.")
			return
		}
		writeRaw(w, `{"elementId":"313052","name":"wall"}`)
	}
}

func TestTokenFetchedWithBasicAuth(t *testing.T) {
	f := newFixture(t)
	var gotAuth, gotMethod string
	f.mux.HandleFunc("GET /data/v2/files/1/elements/2", func(w http.ResponseWriter, r *http.Request) {
		gotAuth, gotMethod = r.Header.Get("Authorization"), r.Method
		writeRaw(w, `{"elementId":"2"}`)
	})
	c := f.client()
	e, err := c.Files.Element(context.Background(), "1", "2")
	require.NoError(t, err)
	require.Equal(t, "2", e.ElementID)
	require.Equal(t, "Bearer tok-1", gotAuth)
	require.Equal(t, http.MethodGet, gotMethod)
	require.EqualValues(t, 1, f.tokenCalls.Load())

	// A client with the wrong secret gets the token endpoint's error.
	bad, err := bimface.NewClient(bimface.WithEndpoint(f.server.URL), bimface.WithCredentials(testAppKey, "wrong-secret"))
	require.NoError(t, err)
	_, err = bad.Files.Element(context.Background(), "1", "2")
	require.EqualError(t, err, "bimface: POST "+f.server.URL+"/oauth2/token: 401 authentication.failed: bad app key or secret")
}

func TestTokenCaching(t *testing.T) {
	tests := []struct {
		name string
		life time.Duration
		// expireTime written in UTC wall-clock time instead of China time,
		// which a correct client reads as 8 hours earlier.
		utcWallClock bool
		calls        int
		wantTokens   int32
	}{
		{"cached while valid", 7 * 24 * time.Hour, false, 3, 1},
		{"refreshed within the margin", 2 * time.Minute, false, 3, 3},
		{"expired", -time.Hour, false, 3, 3},
		{"outside margin", 10 * time.Minute, false, 3, 1},
		{"read as China time", 2 * time.Hour, true, 3, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			life := tc.life
			if tc.utcWallClock {
				life -= 8 * time.Hour
			}
			f.tokenLife.Store(int64(life))
			var calls int
			var mu sync.Mutex
			f.mux.HandleFunc("GET /data/v2/files/1/elements/2", elementHandler(&calls, &mu, func(tok string) bool { return strings.HasPrefix(tok, "tok-") }))
			c := f.client(bimface.WithTokenRefreshMargin(5 * time.Minute))
			for range tc.calls {
				_, err := c.Files.Element(context.Background(), "1", "2")
				require.NoError(t, err)
			}
			require.Equal(t, tc.wantTokens, f.tokenCalls.Load())
		})
	}
}

func TestAccessTokenExpiry(t *testing.T) {
	got, err := bimface.AccessToken{ExpireTime: "2018-11-21 18:33:44"}.Expiry()
	require.NoError(t, err)
	require.True(t, got.Equal(time.Date(2018, 11, 21, 10, 33, 44, 0, time.UTC)), "got %v", got)
	_, err = bimface.AccessToken{ExpireTime: "2018-11-21T18:33:44Z"}.Expiry()
	require.Error(t, err)
}

func TestConcurrentCallersShareOneTokenFetch(t *testing.T) {
	f := newFixture(t)
	f.tokenDelay.Store(int64(100 * time.Millisecond))
	var calls int
	var mu sync.Mutex
	f.mux.HandleFunc("GET /data/v2/files/1/elements/2", elementHandler(&calls, &mu, func(tok string) bool { return tok == "tok-1" }))
	c := f.client()
	var wg sync.WaitGroup
	errs := make([]error, 20)
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = c.Files.Element(context.Background(), "1", "2")
		})
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	require.EqualValues(t, 1, f.tokenCalls.Load())
	require.Equal(t, 20, calls)
}

func TestAuthFailureRefreshesOnce(t *testing.T) {
	tests := []struct {
		name       string
		accept     func(tok string) bool
		wantErr    string
		wantTokens int32
		wantCalls  int
	}{
		{"revoked token replaced", func(tok string) bool { return tok == "tok-2" }, "", 2, 2},
		{"still failing after refresh", func(string) bool { return false }, "bimface: GET {URL}/data/v2/files/1/elements/2: 401 authentication.failed: Token was not recognized.", 2, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			var calls int
			var mu sync.Mutex
			f.mux.HandleFunc("GET /data/v2/files/1/elements/2", elementHandler(&calls, &mu, tc.accept))
			c := f.client()
			_, err := c.Files.Element(context.Background(), "1", "2")
			if tc.wantErr == "" {
				require.NoError(t, err)
			} else {
				require.EqualError(t, err, strings.ReplaceAll(tc.wantErr, "{URL}", f.server.URL))
			}
			require.Equal(t, tc.wantTokens, f.tokenCalls.Load())
			require.Equal(t, tc.wantCalls, calls)
		})
	}
}

func TestAuthenticationFailedCodeWith200(t *testing.T) {
	f := newFixture(t)
	f.mux.HandleFunc("GET /data/v2/files/1/elements/2", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok-2" {
			// Some BIMFACE answers carry the failure only in the code.
			writeError(w, http.StatusOK, "authentication.failed", "Token was not recognized.")
			return
		}
		writeRaw(w, `{"elementId":"2"}`)
	})
	_, err := f.client().Files.Element(context.Background(), "1", "2")
	require.NoError(t, err)
	require.EqualValues(t, 2, f.tokenCalls.Load())
}

func TestViewTokenMode(t *testing.T) {
	f := newFixture(t)
	var got struct {
		auth, viewToken, floor string
	}
	f.mux.HandleFunc("GET /data/v2/files/1/areas", func(w http.ResponseWriter, r *http.Request) {
		got.auth = r.Header.Get("Authorization")
		got.viewToken = r.URL.Query().Get("view_token")
		got.floor = r.URL.Query().Get("floorId")
		writeRaw(w, `[{"id":"313467","name":"2 2"}]`)
	})
	c, err := bimface.NewClient(bimface.WithEndpoint(f.server.URL), bimface.WithViewToken("vt-secret-77"))
	require.NoError(t, err)
	areas, err := c.Files.Areas(context.Background(), "1", "311")
	require.NoError(t, err)
	require.Equal(t, []bimface.Area{{ID: "313467", Name: "2 2"}}, areas)
	require.Equal(t, "", got.auth)
	require.Equal(t, "vt-secret-77", got.viewToken)
	require.Equal(t, "311", got.floor)
	require.EqualValues(t, 0, f.tokenCalls.Load())

	// Making view tokens needs an access token, which this client lacks.
	_, err = c.ViewToken(context.Background(), bimface.ViewTokenFor{FileID: "1"})
	require.EqualError(t, err, "bimface: this call needs an access token: use WithCredentials")
}

// TestViewTokenOnlyForData has a client with both credentials and a view
// token: data endpoints get the view token, the file server and the job
// endpoints, which take only access tokens, get the access token.
func TestViewTokenOnlyForData(t *testing.T) {
	srv := bimfacetest.NewServer(t, mustData(t))
	type call struct{ path, auth, viewToken string }
	var calls []call
	srv.SetFaults(bimfacetest.Faults{Intercept: func(_ int, _ http.ResponseWriter, r *http.Request) bool {
		calls = append(calls, call{r.URL.Path, strings.Fields(r.Header.Get("Authorization") + " -")[0], r.URL.Query().Get("view_token")})
		return false
	}})
	ctx := context.Background()
	vt, err := srv.Client().ViewToken(ctx, bimface.ViewTokenFor{FileID: demo.FileID})
	require.NoError(t, err)
	c, err := bimface.NewClient(bimface.WithEndpoint(srv.URL), bimface.WithCredentials(bimfacetest.AppKey, bimfacetest.AppSecret), bimface.WithViewToken(vt))
	require.NoError(t, err)
	calls = nil
	_, err = c.Files.Floors(ctx, demo.FileID, nil)
	require.NoError(t, err)
	_, err = c.SourceFiles.Supported(ctx)
	require.NoError(t, err)
	_, err = c.Translate.Status(ctx, 42)
	require.EqualError(t, err, "bimface: GET "+srv.URL+"/translate?fileId=42: 404 file.not.found: file 42 not found")
	require.Equal(t, []call{
		{"/data/v2/files/" + demo.FileID + "/floors", "-", vt},
		{"/support", "Bearer", ""},
		{"/translate", "Bearer", ""},
	}, calls)

	// Without credentials, those calls fail before anything is sent.
	c, err = bimface.NewClient(bimface.WithEndpoint(srv.URL), bimface.WithViewToken(vt))
	require.NoError(t, err)
	calls = nil
	_, err = c.SourceFiles.Supported(ctx)
	require.EqualError(t, err, "bimface: this call needs an access token: use WithCredentials")
	require.Empty(t, calls)
}

func TestViewToken(t *testing.T) {
	f := newFixture(t)
	f.mux.HandleFunc("GET /view/token", func(w http.ResponseWriter, r *http.Request) {
		if !bearer(w, r, "tok-1") {
			return
		}
		q := r.URL.Query()
		writeData(w, "vt-"+q.Get("fileId")+q.Get("integrateId")+q.Get("compareId")+"-"+strings.Join(slices.Sorted(maps.Keys(q)), ","))
	})
	c := f.client()
	tests := []struct {
		name    string
		for_    bimface.ViewTokenFor
		want    string
		wantErr string
	}{
		{"file", bimface.ViewTokenFor{FileID: "11"}, "vt-11-fileId", ""},
		{"integration", bimface.ViewTokenFor{IntegrateID: "22"}, "vt-22-integrateId", ""},
		{"comparison", bimface.ViewTokenFor{CompareID: "33"}, "vt-33-compareId", ""},
		{"none", bimface.ViewTokenFor{}, "", "bimface: ViewToken: set exactly one of FileID, IntegrateID, CompareID"},
		{"two", bimface.ViewTokenFor{FileID: "1", CompareID: "2"}, "", "bimface: ViewToken: set exactly one of FileID, IntegrateID, CompareID"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := c.ViewToken(context.Background(), tc.for_)
			if tc.wantErr != "" {
				require.EqualError(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("view token (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTokenFetchSurvivesOneCallerCancelling(t *testing.T) {
	f := newFixture(t)
	f.tokenDelay.Store(int64(150 * time.Millisecond))
	var calls int
	var mu sync.Mutex
	f.mux.HandleFunc("GET /data/v2/files/1/elements/2", elementHandler(&calls, &mu, func(tok string) bool { return tok == "tok-1" }))
	c := f.client()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	var wg sync.WaitGroup
	var errShort, errLong error
	wg.Go(func() { _, errShort = c.Files.Element(ctx, "1", "2") })
	time.Sleep(10 * time.Millisecond)
	wg.Go(func() { _, errLong = c.Files.Element(context.Background(), "1", "2") })
	wg.Wait()
	require.True(t, errors.Is(errShort, context.DeadlineExceeded), "got %v", errShort)
	require.Equal(t, context.DeadlineExceeded, errShort)
	require.NoError(t, errLong)
	require.EqualValues(t, 1, f.tokenCalls.Load())
}

func TestTokenEndpointRetriedButNotTwice(t *testing.T) {
	mux := http.NewServeMux()
	s := &script{steps: []func(http.ResponseWriter, *http.Request){status(503, "system.error")}}
	mux.Handle("POST /oauth2/token", s)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c, err := bimface.NewClient(bimface.WithEndpoint(srv.URL), bimface.WithCredentials(testAppKey, testAppSecret),
		bimface.WithRetry(bimface.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond}))
	require.NoError(t, err)
	_, err = c.Files.Element(context.Background(), "1", "2")
	require.EqualError(t, err, "bimface: POST "+srv.URL+"/oauth2/token: 503 system.error")
	require.EqualValues(t, 3, s.calls.Load(), "the token fetch is retried by its own policy only")
}

// TestNoContent takes BIMFACE's documented 204 No Content answer to a
// deletion as success.
func TestNoContent(t *testing.T) {
	f := newFixture(t)
	for _, p := range []string{"DELETE /share", "DELETE /integrate", "DELETE /file"} {
		f.mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
			if bearer(w, r, "tok-1") {
				w.WriteHeader(http.StatusNoContent)
			}
		})
	}
	c := f.client()
	ctx := context.Background()
	require.NoError(t, c.Shares.Delete(ctx, bimface.ShareOf{FileID: 3}))
	require.NoError(t, c.Integrate.Delete(ctx, 4))
	require.NoError(t, c.SourceFiles.Delete(ctx, 5))
}
