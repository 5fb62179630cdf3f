package bimface_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/bimface"
)

// The secrets of the cut tests: long enough that any part of them is
// recognisable in a message.
const (
	cutAppKey      = "mykey"
	cutAppSecret   = "TopSecretValue123456"
	cutAccessToken = "a7f3c9e1-TopSecretToken-5b2d8f40"
	cutViewToken   = "vt-9c2e-TopSecretView-77ab"
)

// maxSnippet is how much of an unreadable body an error shows.
const maxSnippet = 200

// echoServer is a loopback BIMFACE whose token endpoint and data
// endpoint answer 500 with a body made by body from what the client sent:
// the Basic credential, the Bearer token or the view token.
func echoServer(t *testing.T, body func(sent string) string) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth2/token", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Fail-Token") != "" {
			w.WriteHeader(500)
			io.WriteString(w, body(r.Header.Get("Authorization")))
			return
		}
		writeData(w, map[string]string{"token": cutAccessToken, "expireTime": "2999-01-01 00:00:00"})
	})
	mux.HandleFunc("GET /data/v2/files/1/elements/2", func(w http.ResponseWriter, r *http.Request) {
		sent := r.Header.Get("Authorization")
		if vt := r.URL.Query().Get("view_token"); vt != "" {
			sent = vt
		}
		w.WriteHeader(500)
		io.WriteString(w, body(sent))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// failToken makes the token request carry a header that makes
// echoServer fail it.
type failToken struct{}

func (failToken) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Fail-Token", "1")
	return http.DefaultTransport.RoundTrip(r)
}

// TestSecretsAcrossTheCut: a 500 whose body echoes a secret at every
// offset around the point where the error cuts the body shows no part of
// it: the body is redacted before it is cut.
func TestSecretsAcrossTheCut(t *testing.T) {
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(cutAppKey+":"+cutAppSecret))
	tests := []struct {
		name string
		// echo is what the server writes of what it got, sent;
		// secret is what of it must not show.
		echo   func(sent string) string
		sent   string
		secret string
		opts   []bimface.Option
		path   string
	}{
		{"Basic credential", func(sent string) string { return "Authorization: " + sent }, basic, strings.TrimPrefix(basic, "Basic "),
			[]bimface.Option{bimface.WithCredentials(cutAppKey, cutAppSecret), bimface.WithHTTPClient(&http.Client{Transport: failToken{}})}, "POST {URL}/oauth2/token"},
		{"Bearer token", func(sent string) string { return "Authorization: " + sent }, "Bearer " + cutAccessToken, cutAccessToken,
			[]bimface.Option{bimface.WithCredentials(cutAppKey, cutAppSecret)}, "GET {URL}/data/v2/files/1/elements/2"},
		{"view token", func(sent string) string { return "view_token=" + sent }, cutViewToken, cutViewToken,
			[]bimface.Option{bimface.WithViewToken(cutViewToken)}, "GET {URL}/data/v2/files/1/elements/2"},
		{"app secret", func(string) string { return "appSecret=" + cutAppSecret }, "", cutAppSecret,
			[]bimface.Option{bimface.WithCredentials(cutAppKey, cutAppSecret)}, "GET {URL}/data/v2/files/1/elements/2"},
		{"app secret in base64", func(string) string {
			return "secret=" + base64.StdEncoding.EncodeToString([]byte(cutAppSecret))
		}, "", base64.StdEncoding.EncodeToString([]byte(cutAppSecret)),
			[]bimface.Option{bimface.WithCredentials(cutAppKey, cutAppSecret)}, "GET {URL}/data/v2/files/1/elements/2"},
	}
	for _, tc := range tests {
		// The secret starts from well before the cut (whole in the shown
		// text) to just after it (not shown at all).
		lead := strings.Index(tc.echo(tc.sent), tc.secret)
		for start := maxSnippet - len(tc.secret) - 2; start <= maxSnippet+1; start++ {
			t.Run(fmt.Sprintf("%s at %d", tc.name, start), func(t *testing.T) {
				pad := strings.Repeat("x", start-lead)
				srv := echoServer(t, func(sent string) string { return pad + tc.echo(sent) + strings.Repeat("y", 100) })
				c, err := bimface.NewClient(append(tc.opts, bimface.WithEndpoint(srv.URL), bimface.WithRetry(bimface.RetryPolicy{MaxAttempts: 1}))...)
				require.NoError(t, err)
				_, err = c.Files.Element(context.Background(), "1", "2")
				require.Error(t, err)
				shown := pad + strings.Replace(tc.echo(tc.sent), tc.secret, "REDACTED", 1) + strings.Repeat("y", 100)
				want := "bimface: " + strings.ReplaceAll(tc.path, "{URL}", srv.URL) + ": 500: " + shown[:maxSnippet] + "…"
				require.Equal(t, want, err.Error())
				requireNoPartOf(t, err.Error(), tc.secret)
			})
		}
	}
}

// TestMangledSecretsAcrossTheCut: a server that cut its own echo of a
// secret (the last two characters dropped) gets no part of it shown
// either, wherever its echo lies around the cut or at the end of the
// body.
func TestMangledSecretsAcrossTheCut(t *testing.T) {
	for _, secret := range []string{cutAppSecret, cutAccessToken, base64.StdEncoding.EncodeToString([]byte(cutAppKey + ":" + cutAppSecret))} {
		part := secret[:len(secret)-2]
		for start := maxSnippet - len(part) - 2; start <= maxSnippet+1; start++ {
			for _, tail := range []string{"", strings.Repeat("y", 100)} {
				name := fmt.Sprintf("%.8s at %d, %d after", secret, start, len(tail))
				t.Run(name, func(t *testing.T) {
					pad := strings.Repeat("x", start)
					srv := echoServer(t, func(string) string { return pad + part + tail })
					c, err := bimface.NewClient(bimface.WithEndpoint(srv.URL), bimface.WithCredentials(cutAppKey, cutAppSecret), bimface.WithRetry(bimface.RetryPolicy{MaxAttempts: 1}))
					require.NoError(t, err)
					_, err = c.Files.Element(context.Background(), "1", "2")
					require.Error(t, err)
					shown := pad + "REDACTED" + tail
					if len(shown) > maxSnippet {
						shown = shown[:maxSnippet] + "…"
					}
					require.Equal(t, "bimface: GET "+srv.URL+"/data/v2/files/1/elements/2: 500: "+shown, err.Error())
					requireNoPartOf(t, err.Error(), secret)
				})
			}
		}
	}
}

// requireNoPartOf fails if msg holds a start of secret of 4 bytes or
// more.
func requireNoPartOf(t *testing.T, msg, secret string) {
	t.Helper()
	for n := 4; n <= len(secret); n++ {
		require.NotContains(t, msg, secret[:n])
	}
}

// TestSnippetCutOnACharacter: a body of multi-byte characters is cut
// between two of them.
func TestSnippetCutOnACharacter(t *testing.T) {
	srv := echoServer(t, func(string) string { return "x" + strings.Repeat("构件", 100) })
	c, err := bimface.NewClient(bimface.WithEndpoint(srv.URL), bimface.WithCredentials(cutAppKey, cutAppSecret), bimface.WithRetry(bimface.RetryPolicy{MaxAttempts: 1}))
	require.NoError(t, err)
	_, err = c.Files.Element(context.Background(), "1", "2")
	// 1 + 66×3 bytes fit in 200.
	require.EqualError(t, err, "bimface: GET "+srv.URL+"/data/v2/files/1/elements/2: 500: x"+strings.Repeat("构件", 33)+"…")
	require.True(t, utf8.ValidString(err.Error()))
}

// TestCallbackURLRedacted: the query of a callback URL, where an
// application keeps its own secrets, is shown neither in the URL of an
// error nor where the server echoes it.
func TestCallbackURLRedacted(t *testing.T) {
	const cb = "https://app.example/receive?authCode=iklJk0affae&signature=2ef131395fb6442eb99abd83d45c3201"
	f := newFixture(t)
	f.mux.HandleFunc("PUT /files/1/offlineDatabag", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusBadRequest, "url.invalid", "callback "+r.URL.Query().Get("callback")+" is not reachable")
	})
	_, err := f.client().Databags.Create(context.Background(), bimface.DatabagOf{FileID: 1}, &bimface.DatabagOptions{Callback: cb})
	require.EqualError(t, err, "bimface: PUT "+f.server.URL+"/files/1/offlineDatabag?callback=https%3A%2F%2Fapp.example%2Freceive%3FREDACTED: 400 url.invalid: callback https://app.example/receive?authCode=REDACTED&signature=REDACTED is not reachable")
}

// TestTokenExpiryEchoesToken: an unreadable expireTime that echoes the
// new token does not show it.
func TestTokenExpiryEchoesToken(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth2/token", func(w http.ResponseWriter, r *http.Request) {
		writeData(w, map[string]string{"token": cutAccessToken, "expireTime": "for " + cutAccessToken})
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c, err := bimface.NewClient(bimface.WithEndpoint(srv.URL), bimface.WithCredentials(cutAppKey, cutAppSecret))
	require.NoError(t, err)
	_, err = c.Files.Element(context.Background(), "1", "2")
	require.EqualError(t, err, `bimface: POST oauth2/token: expireTime "for REDACTED" is not 2006-01-02 15:04:05`)
}
