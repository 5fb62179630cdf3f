package bimfacetest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/dsl"
)

// The credentials a simulator accepts unless WithCredentials says
// otherwise.
const (
	AppKey    = "bfquery-sim-key"
	AppSecret = "bfquery-sim-secret"
)

// CodeInvalidParameter is BIMFACE's code for a request it cannot read,
// such as an invalid DSL.
const CodeInvalidParameter = "input.parameter.error"

// DefaultTokenTTL is how long access tokens live, as on BIMFACE.
const DefaultTokenTTL = 7 * 24 * time.Hour

// chinaTime is the zone of expireTime in token answers.
var chinaTime = time.FixedZone("CST", 8*60*60)

// Simulator is a BIMFACE API server over Data. It is an http.Handler,
// safe for concurrent use.
type Simulator struct {
	data *Data
	mux  *http.ServeMux

	appKey, appSecret string
	tokenTTL          time.Duration
	maxBatch          int
	noIn              bool
	typedValues       bool
	legacyBody        bool
	pages             *pager

	mu          sync.Mutex
	tokens      map[string]time.Time // access token → expiry
	viewTokens  map[string]*viewGrant
	faults      Faults
	faultRNG    *rand.Rand
	sinceExpiry int
	faultCount  int

	requests     atomic.Int64
	tokensIssued atomic.Int64

	store *store // uploaded files and the jobs on them

	// What guards a simulator that serves others (security.go, limits.go,
	// spool.go).
	now          func() time.Time // for expiries
	urlKey       []byte           // signs download URLs
	maxTokens    int
	internalURLs bool
	outbound     *http.Client // for upload URLs and callbacks
	limits       Limits
	spoolMu      sync.Mutex
	spoolDir     string // uploaded files, made on first upload

	// The simulator's life: what runs in the background (the timers that
	// end jobs, the callbacks) starts only while it is open, and Close
	// stops or waits for all of it. ctx is cancelled by Close, so that a
	// callback to a receiver that hangs ends with it.
	lifeMu sync.Mutex
	closed bool
	timers map[*time.Timer]struct{}
	work   sync.WaitGroup
	ctx    context.Context
	cancel context.CancelFunc
}

// An Option configures a Simulator.
type Option func(*Simulator) error

// WithoutIn makes the simulator answer a DSL that uses the in clause with
// input.parameter.error, as a server that predates in does; a planner
// that lowers in into boolOr of matches is tested against it.
func WithoutIn() Option {
	return func(s *Simulator) error {
		s.noIn = true
		return nil
	}
}

// WithCredentials sets the app key and secret the token endpoint accepts.
func WithCredentials(appKey, appSecret string) Option {
	return func(s *Simulator) error {
		if appKey == "" || appSecret == "" {
			return errors.New("WithCredentials: empty key or secret")
		}
		s.appKey, s.appSecret = appKey, appSecret
		return nil
	}
}

// WithTokenTTL sets how long access tokens live (DefaultTokenTTL unless
// set). The token answer's expireTime says so, to the second; the
// simulator refuses a token from its exact expiry on.
func WithTokenTTL(d time.Duration) Option {
	return func(s *Simulator) error {
		if d <= 0 {
			return fmt.Errorf("WithTokenTTL: %v must be positive", d)
		}
		s.tokenTTL = d
		return nil
	}
}

// WithMaxBatchIDs sets the most IDs an element batch read accepts,
// bimface.MaxBatchIDs unless set.
func WithMaxBatchIDs(n int) Option {
	return func(s *Simulator) error {
		if n < 1 {
			return fmt.Errorf("WithMaxBatchIDs: %d must be positive", n)
		}
		s.maxBatch = n
		return nil
	}
}

// WithFaults sets the faults injected from the first request on.
func WithFaults(f Faults) Option {
	return func(s *Simulator) error {
		s.SetFaults(f)
		return nil
	}
}

// New returns a simulator serving data.
func New(data *Data, opts ...Option) (*Simulator, error) {
	if data == nil {
		return nil, errors.New("bimfacetest: nil Data")
	}
	s := &Simulator{
		data:       data,
		appKey:     AppKey,
		appSecret:  AppSecret,
		tokenTTL:   DefaultTokenTTL,
		maxBatch:   bimface.MaxBatchIDs,
		tokens:     map[string]time.Time{},
		viewTokens: map[string]*viewGrant{},
		pages:      newPager(),
		faultRNG:   rand.New(rand.NewPCG(0, 0)),
		store:      newStore(),
		limits:     DefaultLimits(),
		timers:     map[*time.Timer]struct{}{},
	}
	for _, opt := range opts {
		if err := opt(s); err != nil {
			return nil, fmt.Errorf("bimfacetest: %w", err)
		}
	}
	s.initSecurity()
	s.routes()
	s.ctx, s.cancel = context.WithCancel(context.Background())
	return s, nil
}

// Close ends the simulator's life: it stops the timers that would end
// jobs (a job still running stays so), cancels the callbacks being sent
// and waits for them, and removes the uploaded files from disk. The
// simulator must not serve requests afterwards; stop the server first
// (NewServer does so when the test ends, and bfquery serve when it
// stops). Close may be called more than once.
func (s *Simulator) Close() error {
	s.lifeMu.Lock()
	s.closed = true
	for t := range s.timers {
		t.Stop()
	}
	clear(s.timers)
	s.lifeMu.Unlock()
	s.cancel()
	s.work.Wait()
	s.outbound.CloseIdleConnections()
	return s.removeSpool()
}

// begin counts a piece of background work in, reporting false once the
// simulator is closed; the work calls s.work.Done when it ends. Counting
// in under lifeMu, which Close holds to mark the simulator closed, means
// nothing is counted in once Close has started waiting.
func (s *Simulator) begin() bool {
	s.lifeMu.Lock()
	defer s.lifeMu.Unlock()
	if s.closed {
		return false
	}
	s.work.Add(1)
	return true
}

// isClosed reports whether Close has been called.
func (s *Simulator) isClosed() bool {
	s.lifeMu.Lock()
	defer s.lifeMu.Unlock()
	return s.closed
}

// schedule settles the jobs after d, so that a job's callback goes out
// without waiting for a request. The timer is kept until it fires, for
// Close to stop.
func (s *Simulator) schedule(d time.Duration) {
	s.lifeMu.Lock()
	defer s.lifeMu.Unlock()
	if s.closed {
		return
	}
	var t *time.Timer
	t = time.AfterFunc(d, func() {
		s.lifeMu.Lock()
		delete(s.timers, t)
		s.lifeMu.Unlock()
		if !s.begin() {
			return
		}
		defer s.work.Done()
		s.settle()
	})
	s.timers[t] = struct{}{}
}

// goCallback sends a job's callback in the background, unless it has no
// URL or the simulator is closed.
func (s *Simulator) goCallback(n notice) {
	if n.url == "" || !s.begin() {
		return
	}
	go func() {
		defer s.work.Done()
		s.sendCallback(n)
	}()
}

// Data returns what the simulator serves.
func (s *Simulator) Data() *Data { return s.data }

// Requests returns how many requests the simulator has received, the
// token endpoint's included.
func (s *Simulator) Requests() int64 { return s.requests.Load() }

// TokensIssued returns how many access tokens the simulator has handed out.
func (s *Simulator) TokensIssued() int64 { return s.tokensIssued.Load() }

// ExpireTokens revokes every access token handed out so far, as if they
// had all expired: the next request with one gets 401
// authentication.failed. View tokens are kept.
func (s *Simulator) ExpireTokens() {
	s.mu.Lock()
	clear(s.tokens)
	s.mu.Unlock()
}

// ServeHTTP answers one request, after the faults have had their say.
func (s *Simulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	if r.URL.Path == "/oauth2/token" {
		s.mux.ServeHTTP(w, r)
		return
	}
	s.settle()
	f := s.decide(w, r)
	if f.intercepted {
		return
	}
	if f.latency > 0 {
		t := time.NewTimer(f.latency)
		select {
		case <-r.Context().Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
	switch {
	case f.status == http.StatusTooManyRequests:
		w.Header().Set("Retry-After", strconv.Itoa(f.retryAfter))
		writeError(w, http.StatusTooManyRequests, "too.many.requests", "request rate exceeded, retry later")
	case f.status != 0:
		writeError(w, f.status, bimface.CodeSystemError, "simulated server failure")
	case f.truncate:
		rec := &recorder{header: http.Header{}, status: http.StatusOK}
		s.mux.ServeHTTP(rec, r)
		truncate(w, rec)
	default:
		s.mux.ServeHTTP(w, r)
	}
}

func (s *Simulator) routes() {
	m := http.NewServeMux()
	m.HandleFunc("POST /oauth2/token", s.token)
	m.HandleFunc("GET /view/token", s.auth(s.viewToken))
	for _, sel := range []dsl.Select{dsl.SelectElements, dsl.SelectRooms, dsl.SelectAreas} {
		h := s.auth(func(w http.ResponseWriter, r *http.Request) { s.query(w, r, sel) })
		m.HandleFunc("POST /data/v2/query/"+sel.IDsField(), h)
		m.HandleFunc("GET /data/v2/query/"+sel.IDsField(), h)
	}
	m.HandleFunc("GET /data/v2/query/paginationContextId", s.auth(s.paginationContext))
	m.HandleFunc("GET /data/v2/query/propertyValues", s.auth(s.propertyValues))
	for kind, typ := range map[string]dsl.TargetType{"files": dsl.TargetFile, "integrations": dsl.TargetIntegration} {
		p := "/data/v2/" + kind + "/{id}/"
		h := func(fn func(http.ResponseWriter, *http.Request, *target)) http.HandlerFunc {
			return s.auth(func(w http.ResponseWriter, r *http.Request) {
				key := targetKey{typ, r.PathValue("id")}
				if !s.viewAllows(r, key) {
					writeError(w, http.StatusUnauthorized, bimface.CodeAuthenticationFailed, "view token is not valid for "+string(typ)+" "+key.id)
					return
				}
				t := s.target(key)
				if t == nil {
					writeError(w, http.StatusNotFound, bimface.CodeFileNotFound, fmt.Sprintf("%s %s not found", typ, key.id))
					return
				}
				fn(w, r, t)
			})
		}
		m.HandleFunc("GET "+p+"elementIds", h(s.elementIDs))
		m.HandleFunc("POST "+p+"elements", h(s.elements))
		m.HandleFunc("GET "+p+"elements", h(s.elements))
		m.HandleFunc("GET "+p+"elements/{eid}", h(s.element))
		m.HandleFunc("GET "+p+"rooms", h(func(w http.ResponseWriter, r *http.Request, t *target) { s.spaces(w, r, t, dsl.SelectRooms) }))
		m.HandleFunc("GET "+p+"rooms/{eid}", h(func(w http.ResponseWriter, r *http.Request, t *target) { s.space(w, r, t, dsl.SelectRooms) }))
		m.HandleFunc("GET "+p+"areas", h(func(w http.ResponseWriter, r *http.Request, t *target) { s.spaces(w, r, t, dsl.SelectAreas) }))
		m.HandleFunc("GET "+p+"areas/{eid}", h(func(w http.ResponseWriter, r *http.Request, t *target) { s.space(w, r, t, dsl.SelectAreas) }))
		m.HandleFunc("GET "+p+"floors", h(s.floors))
		m.HandleFunc("GET "+p+"tree", h(s.tree))
		m.HandleFunc("POST "+p+"tree", h(s.tree))
	}
	s.fileRoutes(m)
	s.jobRoutes(m)
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "resource.not.found", r.Method+" "+r.URL.Path+" is not an endpoint of the simulator")
	})
	s.mux = m
}

// token answers POST /oauth2/token.
func (s *Simulator) token(w http.ResponseWriter, r *http.Request) {
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte(s.appKey+":"+s.appSecret))
	if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte(want)) != 1 {
		writeError(w, http.StatusUnauthorized, bimface.CodeAuthenticationFailed, "appKey or appSecret is not valid")
		return
	}
	exp := s.now().Add(s.tokenTTL)
	s.mu.Lock()
	tok := s.newToken("tok")
	s.addToken(tok, exp)
	s.mu.Unlock()
	s.tokensIssued.Add(1)
	writeData(w, bimface.AccessToken{Token: tok, ExpireTime: exp.In(chinaTime).Format("2006-01-02 15:04:05")})
}

// auth wraps a data endpoint: it needs a valid access token, or a view
// token, whose target the handler checks with viewAllows.
func (s *Simulator) auth(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if vt := r.URL.Query().Get("view_token"); vt != "" && r.URL.Path != "/view/token" {
			key, ok := s.useViewToken(vt)
			if !ok {
				writeError(w, http.StatusUnauthorized, bimface.CodeAuthenticationFailed, "view token is not valid")
				return
			}
			h(w, r.WithContext(contextWithView(r, key)))
			return
		}
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		s.mu.Lock()
		exp, known := s.tokens[tok]
		s.mu.Unlock()
		if !ok || !known || !s.now().Before(exp) {
			writeError(w, http.StatusUnauthorized, bimface.CodeAuthenticationFailed, "access token is not valid or has expired")
			return
		}
		h(w, r)
	}
}

// viewToken answers GET /view/token?fileId= (or integrateId=).
func (s *Simulator) viewToken(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var key targetKey
	switch {
	case q.Get("fileId") != "":
		key = targetKey{dsl.TargetFile, q.Get("fileId")}
	case q.Get("integrateId") != "":
		key = targetKey{dsl.TargetIntegration, q.Get("integrateId")}
	case q.Get("compareId") != "":
		key = targetKey{targetComparison, q.Get("compareId")}
	default:
		writeError(w, http.StatusBadRequest, CodeInvalidParameter, "fileId, integrateId or compareId is required")
		return
	}
	if key.typ == targetComparison {
		id, err := strconv.ParseInt(key.id, 10, 64)
		s.store.mu.Lock()
		j := s.store.comparisons[id]
		s.store.mu.Unlock()
		if err != nil || j == nil {
			writeError(w, http.StatusNotFound, bimface.CodeCompareNotFound, fmt.Sprintf("comparison %s not found", key.id))
			return
		}
	} else if s.target(key) == nil {
		writeError(w, http.StatusNotFound, bimface.CodeFileNotFound, fmt.Sprintf("%s %s not found", key.typ, key.id))
		return
	}
	s.mu.Lock()
	tok := s.newToken("view")
	s.addViewToken(tok, key)
	s.mu.Unlock()
	writeData(w, tok)
}

// writeData writes a success envelope around data.
func writeData(w http.ResponseWriter, data any) {
	b, err := json.Marshal(data)
	if err != nil {
		writeError(w, http.StatusInternalServerError, bimface.CodeSystemError, err.Error())
		return
	}
	writeRaw(w, b)
}

// writeRaw writes a success envelope around data, already JSON.
func writeRaw(w http.ResponseWriter, data []byte) {
	const head, tail = `{"code":"success","data":`, `,"message":""}`
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(head)+len(data)+len(tail)))
	bw := bufio.NewWriterSize(w, 32<<10)
	bw.WriteString(head)
	bw.Write(data)
	bw.WriteString(tail)
	bw.Flush()
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	b, _ := json.Marshal(struct {
		Code    string  `json:"code"`
		Data    *string `json:"data"`
		Message string  `json:"message"`
	}{code, nil, msg})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

// recorder keeps an answer so that a fault can cut it.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) WriteHeader(status int)      { r.status = status }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
