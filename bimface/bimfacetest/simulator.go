package bimfacetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/dsl"
)

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

	// The file server's and the jobs' options (options.go).
	translateDelay time.Duration
	failures       []failure
	models         map[string]*Data
	genElements    int
	supported      bimface.Support
	projectID      int64
	maxEntries     int

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

		models:      map[string]*Data{},
		genElements: DefaultGeneratedElements,
		supported:   DefaultSupport(),
		projectID:   DefaultProjectID,
		maxEntries:  DefaultMaxEntries,
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

// Data returns what the simulator serves.
func (s *Simulator) Data() *Data { return s.data }

// Requests returns how many requests the simulator has received, the
// token endpoint's included.
func (s *Simulator) Requests() int64 { return s.requests.Load() }

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

// routes maps each endpoint to its handler; the file a handler lives in
// is named after its resource, as in package bimface.
func (s *Simulator) routes() {
	m := http.NewServeMux()
	a := s.accessOnly

	// auth.go
	m.HandleFunc("POST /oauth2/token", s.token)
	m.HandleFunc("GET /view/token", s.auth(s.viewToken))

	// query.go
	for _, sel := range []dsl.Select{dsl.SelectElements, dsl.SelectRooms, dsl.SelectAreas} {
		h := s.auth(func(w http.ResponseWriter, r *http.Request) { s.query(w, r, sel) })
		m.HandleFunc("POST /data/v2/query/"+sel.IDsField(), h)
		m.HandleFunc("GET /data/v2/query/"+sel.IDsField(), h)
	}
	m.HandleFunc("GET /data/v2/query/paginationContextId", s.auth(s.paginationContext))
	m.HandleFunc("GET /data/v2/query/propertyValues", s.auth(s.propertyValues))

	// model.go and tree.go
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

	// files.go, upload_direct.go and upload_append.go
	m.HandleFunc("PUT /upload", a(s.upload))
	m.HandleFunc("GET /upload/policy", a(s.uploadPolicy))
	m.HandleFunc("POST /oss/"+bucket+"/", s.ossPost)
	m.HandleFunc("POST /appendFiles", a(s.createAppend))
	m.HandleFunc("GET /appendFiles/{id}", a(s.getAppend))
	m.HandleFunc("POST /appendFiles/{id}/data", a(s.appendData))
	m.HandleFunc("GET /files/{id}", a(s.fileInfo))
	m.HandleFunc("GET /metadata", a(s.metadata))
	m.HandleFunc("GET /files", a(s.listFiles))
	m.HandleFunc("GET /files/{id}/uploadStatus", a(s.uploadStatus))
	m.HandleFunc("GET /support", a(s.support))
	m.HandleFunc("GET /download/url", a(s.downloadURL))
	m.HandleFunc("GET /download/{id}", s.download)
	m.HandleFunc("DELETE /file", a(s.deleteFile))

	// translate.go
	m.HandleFunc("PUT /translate", a(s.translate))
	m.HandleFunc("GET /translate", a(s.translateStatus))
	m.HandleFunc("POST /v1/{projectId}/translations", a(s.translations))

	// integrate.go
	m.HandleFunc("PUT /integrate", a(s.integrate))
	m.HandleFunc("GET /integrate", a(s.integrateStatus))
	m.HandleFunc("DELETE /integrate", a(s.integrateDelete))

	// compare.go
	m.HandleFunc("POST /v2/compare", a(s.compare))
	m.HandleFunc("GET /v2/compare", a(s.compareStatus))
	m.HandleFunc("DELETE /v2/compare", a(s.compareDelete))

	// databags.go
	for coll, typ := range map[string]dsl.TargetType{"files": dsl.TargetFile, "integrations": dsl.TargetIntegration, "comparisions": targetComparison} {
		m.HandleFunc("PUT /"+coll+"/{id}/offlineDatabag", a(func(w http.ResponseWriter, r *http.Request) { s.databagCreate(w, r, typ) }))
		m.HandleFunc("GET /"+coll+"/{id}/offlineDatabag", a(func(w http.ResponseWriter, r *http.Request) { s.databagList(w, r, typ) }))
	}
	m.HandleFunc("GET /data/databag/downloadUrl", a(s.databagURL))

	// shares.go
	m.HandleFunc("POST /share", a(s.shareCreate))
	m.HandleFunc("GET /share", a(s.shareGet))
	m.HandleFunc("GET /shares", a(s.shareList))
	m.HandleFunc("DELETE /share", a(s.shareDelete))
	m.HandleFunc("DELETE /shares", a(s.shareDeleteMany))

	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "resource.not.found", r.Method+" "+r.URL.Path+" is not an endpoint of the simulator")
	})
	s.mux = m
}
