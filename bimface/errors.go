package bimface

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
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
// URL has its query-string secrets replaced by REDACTED, and no field
// holds a token or the app secret.
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

// scrubURL renders u with secret query values replaced by REDACTED and
// without user info.
func scrubURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	v := *u
	v.User = nil
	if v.RawQuery != "" {
		q := v.Query()
		changed := false
		for _, p := range secretParams {
			for k := range q {
				if strings.EqualFold(k, p) {
					q[k] = []string{"REDACTED"}
					changed = true
				}
			}
		}
		if changed {
			v.RawQuery = q.Encode()
		}
	}
	return v.String()
}

// urlSecrets returns the values of u's secret query parameters, which a
// server may echo in its message.
func urlSecrets(u *url.URL) []string {
	if u == nil || u.RawQuery == "" {
		return nil
	}
	var out []string
	for k, vs := range u.Query() {
		for _, p := range secretParams {
			if strings.EqualFold(k, p) {
				out = append(out, vs...)
			}
		}
	}
	return out
}

// redact replaces every secret the client knows (app secret, view token,
// current and previous access token) and the more given in s. It is the last line of defence for text
// that came from elsewhere, such as a server message echoing a token.
func (c *Client) redact(s string, more ...string) string {
	c.tokenMu.Lock()
	tok, prev := c.token, c.prevToken
	c.tokenMu.Unlock()
	secrets := append([]string{c.appSecret, c.viewToken, tok, prev}, more...)
	if c.appSecret != "" {
		// The Basic credential of the token request, and the secret as a
		// URL would carry it, in case a server echoes either.
		secrets = append(secrets, base64.StdEncoding.EncodeToString([]byte(c.appKey+":"+c.appSecret)), url.QueryEscape(c.appSecret))
	}
	for _, secret := range secrets {
		if len(secret) >= 4 && strings.Contains(s, secret) {
			s = strings.ReplaceAll(s, secret, "REDACTED")
		}
	}
	return s
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
