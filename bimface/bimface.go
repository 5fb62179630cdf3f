package bimface

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"
)

const (
	defaultBaseURL     = "https://api.bimface.com/"
	defaultFileBaseURL = "https://file.bimface.com/"
	defaultUserAgent   = "bfquery-bimface"

	// defaultMaxResponseBytes bounds every response body. A batch of 1000
	// elements with all their properties is a few megabytes; 64 MiB leaves
	// room for large trees without letting a broken server exhaust memory.
	defaultMaxResponseBytes = 64 << 20

	defaultBatchConcurrency = 4
	defaultTimeout          = 60 * time.Second

	// MaxBatchIDs is the most element IDs BIMFACE accepts in one batch
	// request. Batch methods split longer lists automatically.
	MaxBatchIDs = 1000
)

// A Client talks to BIMFACE. It is safe for concurrent use; its access
// token is fetched on first use, cached, and refreshed shortly before it
// expires or when BIMFACE says it is no longer valid.
type Client struct {
	client *http.Client

	// baseURL is the API server, fileBaseURL the file (upload) server,
	// set by WithBaseURL, WithFileBaseURL or WithEndpoint. Both end in a
	// slash; endpoint paths are resolved against them.
	baseURL     *url.URL
	fileBaseURL *url.URL

	userAgent string // sent with every request

	appKey, appSecret string
	viewToken         string

	retry            RetryPolicy
	timeout          time.Duration
	queryGET         bool
	batchConcurrency int
	pageSize         int

	// legacyIntegrationBody is set once a server refused the documented
	// body of an integration's batch read and took the bare array.
	legacyIntegrationBody atomic.Bool
	maxResponseBytes      int64
	refreshMargin         time.Duration

	tokenMu    sync.Mutex
	token      string
	prevToken  string // kept only to redact it from late errors
	tokenUntil time.Time
	tokenGroup singleflight.Group

	// Services, one per family of endpoints, as in go-github.
	Query        *QueryService
	Files        *FilesService
	Integrations *IntegrationsService

	// The file server's source files, and the jobs that turn them into
	// model data.
	SourceFiles *SourceFilesService
	Translate   *TranslateService
	Integrate   *IntegrateService
	Compare     *CompareService
	Databags    *DatabagsService
	Shares      *SharesService

	supportMu sync.Mutex
	support   *Support // the file server's /support answer, once fetched
}

type service struct{ client *Client }

// BaseURL returns the API server's URL, ending in a slash.
func (c *Client) BaseURL() *url.URL {
	u := *c.baseURL
	return &u
}

// FileBaseURL returns the file server's URL, ending in a slash.
func (c *Client) FileBaseURL() *url.URL {
	u := *c.fileBaseURL
	return &u
}

// UserAgent returns the User-Agent header the client sends.
func (c *Client) UserAgent() string { return c.userAgent }

// NewClient returns a client configured by opts. It needs either
// WithCredentials (the usual access-token mode) or WithViewToken.
func NewClient(opts ...Option) (*Client, error) {
	base, _ := url.Parse(defaultBaseURL)
	fileBase, _ := url.Parse(defaultFileBaseURL)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	// Batch calls run several requests at once against one host; the
	// default of two idle connections per host would churn connections.
	tr.MaxIdleConnsPerHost = 32
	c := &Client{
		client:           &http.Client{Transport: tr},
		baseURL:          base,
		fileBaseURL:      fileBase,
		userAgent:        defaultUserAgent,
		retry:            DefaultRetryPolicy(),
		timeout:          defaultTimeout,
		batchConcurrency: defaultBatchConcurrency,
		pageSize:         MaxPageSize,
		maxResponseBytes: defaultMaxResponseBytes,
		refreshMargin:    5 * time.Minute,
	}
	for _, opt := range opts {
		if err := opt(c); err != nil {
			return nil, fmt.Errorf("bimface: %w", err)
		}
	}
	if c.appKey == "" && c.viewToken == "" {
		return nil, errors.New("bimface: no credentials: use WithCredentials or WithViewToken")
	}
	s := service{client: c}
	c.Query = (*QueryService)(&s)
	c.Files = (*FilesService)(&s)
	c.Integrations = (*IntegrationsService)(&s)
	c.SourceFiles = (*SourceFilesService)(&s)
	c.Translate = (*TranslateService)(&s)
	c.Integrate = (*IntegrateService)(&s)
	c.Compare = (*CompareService)(&s)
	c.Databags = (*DatabagsService)(&s)
	c.Shares = (*SharesService)(&s)
	return c, nil
}

// NewRequest builds a request for the API server. urlStr is resolved
// against BaseURL and should not start with a slash. A non-nil body is sent
// as JSON: json.RawMessage and []byte are sent as they are, anything else
// is encoded with encoding/json.
//
// Authentication is not set here but in Do, because a token may have to be
// fetched or refreshed between attempts.
func (c *Client) NewRequest(method, urlStr string, body any) (*http.Request, error) {
	return c.newRequest(c.baseURL, "BaseURL", method, urlStr, body)
}

func (c *Client) newRequest(base *url.URL, baseName, method, urlStr string, body any) (*http.Request, error) {
	u, err := resolve(base, baseName, urlStr)
	if err != nil {
		return nil, err
	}
	var buf []byte
	switch b := body.(type) {
	case nil:
	case json.RawMessage:
		buf = b
	case []byte:
		buf = b
	default:
		if buf, err = json.Marshal(body); err != nil {
			return nil, fmt.Errorf("bimface: encoding request body: %w", err)
		}
	}
	var rd io.Reader
	if buf != nil {
		// A bytes.Reader lets net/http fill in GetBody, which Do uses to
		// resend the body on a retry.
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, u.String(), rd)
	if err != nil {
		return nil, fmt.Errorf("bimface: %w", err)
	}
	if buf != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}
	return req, nil
}

func resolve(base *url.URL, baseName, urlStr string) (*url.URL, error) {
	if !strings.HasSuffix(base.Path, "/") {
		return nil, fmt.Errorf("bimface: %s %q must end in a slash", baseName, base)
	}
	u, err := base.Parse(urlStr)
	if err != nil {
		return nil, fmt.Errorf("bimface: %w", err)
	}
	return u, nil
}

// NewUploadRequest builds a request for the file server (FileBaseURL)
// whose body is size bytes of body, sent as mediaType with that
// Content-Length. When body is an io.ReaderAt (a file, a bytes.Reader)
// the request can be sent again and Do may retry it; otherwise Do sends
// it once.
func (c *Client) NewUploadRequest(method, urlStr string, body io.Reader, size int64, mediaType string) (*http.Request, error) {
	u, err := resolve(c.fileBaseURL, "FileBaseURL", urlStr)
	if err != nil {
		return nil, err
	}
	if size < 0 {
		return nil, fmt.Errorf("bimface: negative upload size %d", size)
	}
	var rd io.Reader = http.NoBody
	var getBody func() (io.ReadCloser, error)
	if size > 0 {
		rd = io.LimitReader(body, size)
		if ra, ok := body.(io.ReaderAt); ok {
			getBody = func() (io.ReadCloser, error) { return io.NopCloser(io.NewSectionReader(ra, 0, size)), nil }
			rd = io.NewSectionReader(ra, 0, size)
		}
	}
	req, err := http.NewRequest(method, u.String(), rd)
	if err != nil {
		return nil, fmt.Errorf("bimface: %w", err)
	}
	req.ContentLength = size
	req.GetBody = getBody
	if size == 0 {
		req.GetBody = func() (io.ReadCloser, error) { return http.NoBody, nil }
	}
	req.Header.Set("Content-Type", mediaType)
	req.Header.Set("Accept", "application/json")
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}
	return req, nil
}

// Response is BIMFACE's answer to one request. Its Body has been read and
// closed; the decoded data went to the value passed to Do.
type Response struct {
	*http.Response

	// Code and Message are the envelope's code ("success") and message.
	Code    string
	Message string
}

// envelope is the wrapper of every BIMFACE answer. Data holds a pointer to
// the caller's value, so that the answer is decoded in a single pass.
type envelope struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Data    any    `json:"data"`
}

// Do sends req, authenticated, and decodes the data field of BIMFACE's
// answer into v (which may be nil, or a *json.RawMessage to keep the bytes).
// It retries as the client's RetryPolicy says: GET and HEAD requests, and
// requests sent with Idempotent(true), on connection errors, 5xx and 429;
// others only on 429, which means the request was not processed. An
// authentication failure fetches a new access token and retries once.
// ctx governs the whole call, retries included; opts change how this one
// request is sent.
//
// Any answer other than a 2xx with code "success" is returned as an
// *Error. If ctx is cancelled, Do returns ctx.Err().
func (c *Client) Do(ctx context.Context, req *http.Request, v any, opts ...CallOption) (*Response, error) {
	return c.do(ctx, req, v, authDefault, opts...)
}

type authMode int

const (
	authDefault authMode = iota // access token, or view token in view-token mode
	authBearer                  // access token even in view-token mode (view token requests)
	authBasic                   // appKey:appSecret (the token endpoint)
)

// A CallOption changes how Do sends one request, as go-github's
// RequestOption does for its requests.
type CallOption func(*callConfig)

type callConfig struct {
	idempotent  *bool  // nil: as the method says
	successCode string // a code meaning success besides "success"
}

// Idempotent says whether a request may be sent more than once, whatever
// its method: the query endpoints are POSTs that only read (true), and a
// page of a paged list is a GET that the server counts (false): asking for
// it twice skips a page.
func Idempotent(yes bool) CallOption {
	return func(c *callConfig) { c.idempotent = &yes }
}

// SuccessCode makes code mean success too, for the endpoints that answer
// success with their own code: the newer /v1 endpoints say
// "bimfaceservice-0000".
func SuccessCode(code string) CallOption {
	return func(c *callConfig) { c.successCode = code }
}

func (cfg *callConfig) isIdempotent(req *http.Request) bool {
	if cfg.idempotent != nil {
		return *cfg.idempotent
	}
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	return false
}

func (c *Client) do(ctx context.Context, req *http.Request, v any, mode authMode, opts ...CallOption) (*Response, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var cfg callConfig
	for _, opt := range opts {
		opt(&cfg)
	}
	start := time.Now()
	idem := cfg.isIdempotent(req)
	// A body that cannot be produced again is sent once, whatever the
	// answer: a retry would send it empty.
	once := req.Body != nil && req.Body != http.NoBody && req.GetBody == nil
	refreshed := false
	var lastErr error
	for attempt := 0; ; attempt++ {
		resp, used, err := c.attempt(ctx, req, v, mode, &cfg)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if err == nil {
			return resp, nil
		}
		lastErr = err
		if te := (tokenError{}); errors.As(err, &te) {
			// The token fetch has had its own retries.
			return nil, te.err
		}
		var apiErr *Error
		isAPI := errors.As(err, &apiErr)
		if once {
			return resp, lastErr
		}
		if isAPI && apiErr.isAuthFailure() && used != "" && !refreshed {
			// The cached token may have been revoked or expired early:
			// drop it and try once more with a new one.
			refreshed = true
			c.invalidateToken(used)
			attempt--
			continue
		}
		retryable := false
		var after time.Duration
		if isAPI {
			retryable = apiErr.StatusCode == http.StatusTooManyRequests ||
				(idem && apiErr.StatusCode >= 500)
			after = apiErr.retryAfter
		} else {
			var te *transportError
			retryable = idem && errors.As(err, &te)
		}
		if !retryable || attempt+1 >= c.retry.MaxAttempts {
			return resp, lastErr
		}
		wait := c.retry.backoff(attempt)
		if after > 0 {
			wait = after
		}
		if c.retry.MaxElapsed > 0 && time.Since(start)+wait > c.retry.MaxElapsed {
			return resp, lastErr
		}
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// attempt sends req once. It returns the access token it used, if any, so
// that an authentication failure can invalidate exactly that token.
func (c *Client) attempt(ctx context.Context, req *http.Request, v any, mode authMode, cfg *callConfig) (*Response, string, error) {
	actx, cancel := ctx, context.CancelFunc(func() {})
	if c.timeout > 0 {
		actx, cancel = context.WithTimeout(ctx, c.timeout)
	}
	defer cancel()

	r := req.Clone(actx)
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return nil, "", c.wrapErr(req, err)
		}
		r.Body = body
	}
	var used string
	switch {
	case mode == authBasic:
		r.SetBasicAuth(c.appKey, c.appSecret)
	case mode == authDefault && c.viewToken != "" && c.isDataURL(r.URL):
		q := r.URL.Query()
		q.Set("view_token", c.viewToken)
		u := *r.URL
		u.RawQuery = q.Encode()
		r.URL = &u
	default:
		tok, err := c.accessToken(ctx)
		if err != nil {
			return nil, "", tokenError{err}
		}
		used = tok
		r.Header.Set("Authorization", "Bearer "+tok)
	}

	hresp, err := c.client.Do(r)
	if err != nil {
		if ctx.Err() != nil {
			return nil, used, ctx.Err()
		}
		err = unwrapURLError(err)
		if c.timeout > 0 && errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("no answer within %s (%w)", c.timeout, err)
		}
		return nil, used, c.wrapErr(req, err)
	}
	body, err := c.readBody(hresp)
	hresp.Body.Close()
	resp := &Response{Response: hresp}
	if err != nil {
		if ctx.Err() != nil {
			return nil, used, ctx.Err()
		}
		if errors.Is(err, errBodyTooLarge) {
			return resp, used, c.newError(req, hresp, "", fmt.Sprintf("response body larger than %d bytes", c.maxResponseBytes))
		}
		return resp, used, c.wrapErr(req, fmt.Errorf("reading response: %w", err))
	}
	return resp, used, c.decode(req, resp, body, v, cfg.successCode)
}

// isDataURL reports whether u is one of the data endpoints (/data/... on
// the API server), the only ones that take a view token; file, job and
// share endpoints need an access token.
func (c *Client) isDataURL(u *url.URL) bool {
	return u.Host == c.baseURL.Host && strings.HasPrefix(u.Path, c.baseURL.Path+"data/")
}

// tokenError marks a failure to get an access token, so that do does not
// retry what fetchToken already retried.
type tokenError struct{ err error }

func (e tokenError) Error() string { return e.err.Error() }
func (e tokenError) Unwrap() error { return e.err }

var errBodyTooLarge = errors.New("response body too large")

func (c *Client) readBody(resp *http.Response) ([]byte, error) {
	limit := c.maxResponseBytes
	var buf bytes.Buffer
	if n := resp.ContentLength; n > limit {
		return nil, errBodyTooLarge
	} else if n > 0 {
		buf.Grow(int(n) + bytes.MinRead)
	}
	if _, err := buf.ReadFrom(io.LimitReader(resp.Body, limit+1)); err != nil {
		return nil, err
	}
	if int64(buf.Len()) > limit {
		return nil, errBodyTooLarge
	}
	return buf.Bytes(), nil
}

// decode reads BIMFACE's envelope and turns anything but a 2xx "success"
// into an *Error.
func (c *Client) decode(req *http.Request, resp *Response, body []byte, v any, altCode string) error {
	env := envelope{Data: v}
	ok2xx := resp.StatusCode >= 200 && resp.StatusCode < 300
	if v == nil || !ok2xx {
		// Nothing wants the data, and an error's data is not the caller's
		// type anyway: skip it rather than build a generic value.
		env.Data = skipValue{}
	}
	var decErr error
	if len(bytes.TrimSpace(body)) > 0 {
		decErr = json.Unmarshal(body, &env)
	}
	resp.Code, resp.Message = env.Code, env.Message
	switch {
	case resp.StatusCode == http.StatusNoContent && len(bytes.TrimSpace(body)) == 0:
		// BIMFACE documents 204 No Content for its deletions.
		return nil
	case !ok2xx:
		msg := env.Message
		if decErr != nil || (env.Code == "" && msg == "") {
			msg = c.snippet(body, urlSecrets(req.URL)...)
		}
		return c.newError(req, resp.Response, env.Code, msg)
	case env.Code != CodeSuccess && (altCode == "" || env.Code != altCode):
		msg := env.Message
		if decErr != nil && env.Code == "" {
			msg = "malformed answer: " + c.snippet(body, urlSecrets(req.URL)...)
		}
		return c.newError(req, resp.Response, env.Code, msg)
	case decErr != nil:
		return c.newError(req, resp.Response, env.Code, "decoding data: "+decErr.Error())
	}
	return nil
}

// skipValue decodes any JSON value into nothing.
type skipValue struct{}

func (skipValue) UnmarshalJSON([]byte) error { return nil }

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// get and send are the thin helpers endpoint methods are written with.
func (c *Client) get(ctx context.Context, path string, q url.Values, v any) error {
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	req, err := c.NewRequest(http.MethodGet, path, nil)
	if err != nil {
		return err
	}
	_, err = c.Do(ctx, req, v)
	return err
}

// fileGet is get on the file server.
func (c *Client) fileGet(ctx context.Context, path string, q url.Values, v any) error {
	return c.send(ctx, c.fileBaseURL, "FileBaseURL", http.MethodGet, path, q, nil, v)
}

// send sends one request with a JSON body (if body is not nil) to base.
func (c *Client) send(ctx context.Context, base *url.URL, baseName, method, path string, q url.Values, body, v any) error {
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	req, err := c.newRequest(base, baseName, method, path, body)
	if err != nil {
		return err
	}
	_, err = c.Do(ctx, req, v)
	return err
}

// sendRead sends a read-only request with a JSON body: a POST, or a GET
// with a body when the client was made WithQueryGET. Either way it only
// reads, so it is marked idempotent and retried like a GET.
func (c *Client) sendRead(ctx context.Context, path string, q url.Values, body, v any) error {
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	method := http.MethodPost
	if c.queryGET {
		method = http.MethodGet
	}
	req, err := c.NewRequest(method, path, body)
	if err != nil {
		return err
	}
	_, err = c.Do(ctx, req, v, Idempotent(true))
	return err
}
