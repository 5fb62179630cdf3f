package bimface

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// BIMFACE error codes a caller may want to branch on.
const (
	CodeSuccess              = "success"
	CodeAuthenticationFailed = "authentication.failed"
	CodeSystemError          = "system.error"
	CodeFileNotFound         = "file.not.found"
)

// Error is BIMFACE's answer to a request that failed: a non-2xx status,
// or a 2xx whose code is not "success". Callers branch on it with
// errors.As:
//
//	var e *bimface.Error
//	if errors.As(err, &e) && e.Code == bimface.CodeFileNotFound { ... }
//
// URL has its query-string secrets, and the query of a callback URL it
// carries, replaced by REDACTED. No field holds a token, the app secret,
// their base64 forms or a start of one of them: a body that is not
// BIMFACE's envelope is shown in Message redacted first, then cut to 200
// bytes.
type Error struct {
	Method     string
	URL        string
	StatusCode int
	Code       string // BIMFACE's code, e.g. "file.not.found"; may be empty
	Message    string

	retryAfter time.Duration
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "bimface: %s %s: %d", e.Method, e.URL, e.StatusCode)
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	return b.String()
}

func (e *Error) isAuthFailure() bool {
	return e.StatusCode == http.StatusUnauthorized || e.Code == CodeAuthenticationFailed
}

func (c *Client) newError(req *http.Request, resp *http.Response, code, msg string) *Error {
	e := &Error{
		Method:     req.Method,
		URL:        scrubURL(req.URL),
		StatusCode: resp.StatusCode,
		Code:       c.redact(code, urlSecrets(req.URL)...),
		Message:    c.redact(msg, urlSecrets(req.URL)...),
	}
	e.retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	return e
}

// transportError is a failure to get any answer: connection refused,
// reset, timed out. Its text is redacted; Unwrap gives the original.
type transportError struct {
	redacted string
	err      error
}

func (e *transportError) Error() string { return e.redacted }
func (e *transportError) Unwrap() error { return e.err }

func (c *Client) wrapErr(req *http.Request, err error) error {
	return &transportError{redacted: c.redact(fmt.Sprintf("bimface: %s %s: %v", req.Method, scrubURL(req.URL), err), urlSecrets(req.URL)...), err: err}
}

// unwrapURLError drops net/http's *url.Error wrapper, whose text repeats
// the URL unscrubbed.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// secretParams are query parameters whose values never leave the client
// in an error or log.
var secretParams = []string{"view_token", "access_token", "token", "appSecret", "credential"}

// callbackParam is the query parameter that carries a job's callback URL,
// whose own query string may hold the application's secrets: the seeds'
// example registers callback?authCode=...&signature=... (001, "callback").
const callbackParam = "callback"

// scrubURL renders u with secret query values replaced by REDACTED, the
// query of a callback URL it carries too, and without user info.
func scrubURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	v := *u
	v.User = nil
	if v.RawQuery != "" {
		q := v.Query()
		changed := false
		for k, vs := range q {
			switch {
			case isSecretParam(k):
				q[k] = []string{"REDACTED"}
				changed = true
			case strings.EqualFold(k, callbackParam):
				for i, cb := range vs {
					if s := scrubCallback(cb); s != cb {
						vs[i] = s
						changed = true
					}
				}
			}
		}
		if changed {
			v.RawQuery = q.Encode()
		}
	}
	return v.String()
}

func isSecretParam(k string) bool {
	for _, p := range secretParams {
		if strings.EqualFold(k, p) {
			return true
		}
	}
	return false
}

// scrubCallback shows a callback URL without its user info, query and
// fragment, which are the application's to keep.
func scrubCallback(raw string) string {
	cb, err := url.Parse(raw)
	if err != nil {
		return "REDACTED"
	}
	if cb.User == nil && cb.RawQuery == "" && cb.Fragment == "" {
		return raw
	}
	secret := cb.RawQuery != "" || cb.Fragment != ""
	cb.User, cb.RawQuery, cb.Fragment, cb.RawFragment = nil, "", "", ""
	if secret {
		cb.RawQuery = "REDACTED"
	}
	return cb.String()
}

// urlSecrets returns the values of u's secret query parameters, and the
// query values and password of a callback URL it carries, which a server
// may echo in its message.
func urlSecrets(u *url.URL) []string {
	if u == nil || u.RawQuery == "" {
		return nil
	}
	var out []string
	for k, vs := range u.Query() {
		switch {
		case isSecretParam(k):
			out = append(out, vs...)
		case strings.EqualFold(k, callbackParam):
			for _, raw := range vs {
				cb, err := url.Parse(raw)
				if err != nil {
					continue
				}
				if pw, ok := cb.User.Password(); ok {
					out = append(out, pw)
				}
				for _, cvs := range cb.Query() {
					out = append(out, cvs...)
				}
			}
		}
	}
	return out
}

// redact replaces in s every secret the client knows and the more
// given, and every start of one of at least minSecret bytes (see
// redactAll). It is the last line of defence for text that came from
// elsewhere, such as a server message echoing a token.
func (c *Client) redact(s string, more ...string) string {
	return redactAll(s, c.secrets(more...))
}

// minSecret is the shortest start of a secret that is redacted: shorter
// values, and shorter starts of a secret, are too common in ordinary text
// to be told apart from it, and tell too little of a secret.
const minSecret = 4

// secrets lists what must never be shown: the app secret, the view
// token, the current and previous access token and the more given, each
// also in base64 (with and without padding, which a server may drop); the Basic
// credential of the token request, base64("appKey:appSecret"); and the
// app secret as a URL carries it.
func (c *Client) secrets(more ...string) []string {
	c.tokenMu.Lock()
	tok, prev := c.token, c.prevToken
	c.tokenMu.Unlock()
	plain := append([]string{c.appSecret, c.viewToken, tok, prev}, more...)
	if c.appSecret != "" {
		plain = append(plain, url.QueryEscape(c.appSecret))
	}
	var out []string
	addBase64 := func(s string) {
		b := base64.StdEncoding.EncodeToString([]byte(s))
		out = append(out, b)
		if t := strings.TrimRight(b, "="); t != b {
			out = append(out, t)
		}
	}
	for _, s := range plain {
		if len(s) >= minSecret {
			out = append(out, s)
			addBase64(s)
		}
	}
	if c.appSecret != "" {
		addBase64(c.appKey + ":" + c.appSecret)
	}
	// Longest first: the base64 of the secret lies inside the Basic
	// credential, which is one secret to redact, not three pieces.
	slices.SortStableFunc(out, func(a, b string) int { return len(b) - len(a) })
	return out
}

// redactAll replaces by REDACTED each run of s that is a secret or the
// start of one, at least minSecret bytes long: a server that cut its echo
// of a secret, or a text cut for display, shows no part of it either.
func redactAll(s string, secrets []string) string {
	for _, secret := range secrets {
		head := secret[:minSecret]
		if !strings.Contains(s, head) {
			continue
		}
		var b strings.Builder
		i := 0
		for {
			j := strings.Index(s[i:], head)
			if j < 0 {
				break
			}
			j += i
			b.WriteString(s[i:j])
			b.WriteString("REDACTED")
			i = j + minSecret + commonPrefix(s[j+minSecret:], secret[minSecret:])
		}
		b.WriteString(s[i:])
		s = b.String()
	}
	return s
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// maxSnippet is how much of a body that is not BIMFACE's envelope an
// error shows.
const maxSnippet = 200

// snippet is the start of a body for an error. It is redacted before it
// is cut, so that a secret across the cut is not shown in part, and cut
// on a character boundary.
func (c *Client) snippet(body []byte, more ...string) string {
	s := c.redact(strings.TrimSpace(string(body)), more...)
	if len(s) <= maxSnippet {
		return s
	}
	cut := maxSnippet
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// parseRetryAfter reads a Retry-After header: delay seconds or an HTTP
// date. It returns 0 if there is none or it is unreadable.
func parseRetryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	if n, err := strconv.Atoi(h); err == nil {
		if n < 0 {
			return 0
		}
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}
