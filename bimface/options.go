package bimface

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// An Option configures a Client in NewClient. Options that get a bad
// value make NewClient fail rather than be ignored.
type Option func(*Client) error

// WithCredentials sets the application's key and secret, used to fetch
// access tokens from /oauth2/token.
func WithCredentials(appKey, appSecret string) Option {
	return func(c *Client) error {
		if appKey == "" || appSecret == "" {
			return errors.New("WithCredentials: appKey and appSecret must not be empty")
		}
		c.appKey, c.appSecret = appKey, appSecret
		return nil
	}
}

// WithViewToken makes the client call data endpoints (/data/...) with
// ?view_token=tok instead of an access token; the other endpoints (files,
// translate, integrate, databags, shares) take only an access token, so
// they still need WithCredentials. A view token gives access to
// one file, integration or comparison only; it is how a browser-side
// caller that has no app secret reads model data.
func WithViewToken(tok string) Option {
	return func(c *Client) error {
		if tok == "" {
			return errors.New("WithViewToken: empty token")
		}
		c.viewToken = tok
		return nil
	}
}

// WithBaseURL sets the API server, https://api.bimface.com/ by default. A
// missing final slash is added, so that endpoint paths resolve below it.
func WithBaseURL(rawURL string) Option {
	return func(c *Client) error {
		u, err := parseBaseURL(rawURL)
		if err != nil {
			return fmt.Errorf("WithBaseURL: %w", err)
		}
		c.baseURL = u
		return nil
	}
}

// WithFileBaseURL sets the file server, https://file.bimface.com/ by
// default.
func WithFileBaseURL(rawURL string) Option {
	return func(c *Client) error {
		u, err := parseBaseURL(rawURL)
		if err != nil {
			return fmt.Errorf("WithFileBaseURL: %w", err)
		}
		c.fileBaseURL = u
		return nil
	}
}

// WithEndpoint points both the API and the file base URL at one server, as
// a test server or a simulator serves both.
func WithEndpoint(rawURL string) Option {
	return func(c *Client) error {
		u, err := parseBaseURL(rawURL)
		if err != nil {
			return fmt.Errorf("WithEndpoint: %w", err)
		}
		c.baseURL = u
		f := *u
		c.fileBaseURL = &f
		return nil
	}
}

func parseBaseURL(rawURL string) (*url.URL, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		// url.Error repeats the URL, password and all.
		return nil, fmt.Errorf("not a URL: %v", unwrapURLError(err))
	}
	// Errors show the URL without its user info, which may hold a password.
	shown := rawURL
	if u.User != nil {
		v := *u
		v.User = nil
		shown = v.String()
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("%q: scheme must be http or https", shown)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("%q: no host", shown)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("%q: must not have a query, fragment or user info", shown)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
		if u.RawPath != "" {
			u.RawPath += "/"
		}
	}
	return u, nil
}

// WithHTTPClient sets the HTTP client requests are sent with. Its own
// Timeout, if any, applies to each attempt in addition to WithTimeout.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return errors.New("WithHTTPClient: nil client")
		}
		c.client = hc
		return nil
	}
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(c *Client) error {
		c.userAgent = ua
		return nil
	}
}

// WithTimeout bounds each attempt of each request, 60s by default; zero
// means no bound other than the context's.
func WithTimeout(d time.Duration) Option {
	return func(c *Client) error {
		if d < 0 {
			return fmt.Errorf("WithTimeout: negative duration %v", d)
		}
		c.timeout = d
		return nil
	}
}

// WithRetry sets the retry policy. WithRetry(RetryPolicy{MaxAttempts: 1})
// turns retries off.
func WithRetry(p RetryPolicy) Option {
	return func(c *Client) error {
		if p.MaxAttempts < 1 {
			return fmt.Errorf("WithRetry: MaxAttempts %d must be at least 1", p.MaxAttempts)
		}
		if p.BaseDelay < 0 || p.MaxDelay < 0 || p.MaxElapsed < 0 {
			return errors.New("WithRetry: negative duration")
		}
		c.retry = p
		return nil
	}
}

// WithQueryGET sends the read-only requests that carry a JSON body (the
// query DSL, element batches, customized trees) as GET with a body, as
// BIMFACE's older documentation shows them, instead of POST.
func WithQueryGET() Option {
	return func(c *Client) error {
		c.queryGET = true
		return nil
	}
}

// WithBatchConcurrency sets how many requests of one batch call (such as
// Files.Elements on more than MaxBatchIDs IDs) run at once; 4 by default.
func WithBatchConcurrency(n int) Option {
	return func(c *Client) error {
		if n < 1 {
			return fmt.Errorf("WithBatchConcurrency: %d must be at least 1", n)
		}
		c.batchConcurrency = n
		return nil
	}
}

// WithMaxResponseBytes bounds the size of a response body, 64 MiB by
// default. A larger answer fails with an *Error.
func WithMaxResponseBytes(n int64) Option {
	return func(c *Client) error {
		if n < 1 {
			return fmt.Errorf("WithMaxResponseBytes: %d must be positive", n)
		}
		c.maxResponseBytes = n
		return nil
	}
}

// WithTokenRefreshMargin sets how long before its expireTime an access
// token is replaced, 5 minutes by default.
func WithTokenRefreshMargin(d time.Duration) Option {
	return func(c *Client) error {
		if d < 0 {
			return fmt.Errorf("WithTokenRefreshMargin: negative duration %v", d)
		}
		c.refreshMargin = d
		return nil
	}
}

// WithPageSize sets how many IDs each page of an ID list holds
// (MaxPageSize unless set): query answers, and the elementIds lists of
// files and integrations. It must be between 1 and MaxPageSize.
func WithPageSize(n int) Option {
	return func(c *Client) error {
		size, err := checkPageSize(n)
		if err != nil || n == 0 {
			return fmt.Errorf("WithPageSize: %d: must be between 1 and %d", n, MaxPageSize)
		}
		c.pageSize = size
		return nil
	}
}

// RetryPolicy bounds retries. Waits grow exponentially from BaseDelay up
// to MaxDelay with full jitter (a uniform random wait between zero and the
// bound), unless the server sends Retry-After, which is honoured as
// given. No retry starts once MaxElapsed would be exceeded by its wait.
type RetryPolicy struct {
	MaxAttempts int           // attempts in all, the first included
	BaseDelay   time.Duration // bound of the first wait
	MaxDelay    time.Duration // largest bound of a wait; 0 means no cap
	MaxElapsed  time.Duration // time budget across attempts; 0 means none
}

// DefaultRetryPolicy returns the policy of a new Client.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{
		MaxAttempts: 5,
		BaseDelay:   250 * time.Millisecond,
		MaxDelay:    10 * time.Second,
		MaxElapsed:  time.Minute,
	}
}

// backoff returns the wait before retry number attempt+1.
func (p RetryPolicy) backoff(attempt int) time.Duration {
	bound := p.BaseDelay
	for i := 0; i < attempt && i < 30 && (p.MaxDelay == 0 || bound < p.MaxDelay); i++ {
		bound *= 2
	}
	if p.MaxDelay > 0 && bound > p.MaxDelay {
		bound = p.MaxDelay
	}
	if bound <= 0 {
		return 0
	}
	return rand.N(bound + 1)
}
