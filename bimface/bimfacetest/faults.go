package bimfacetest

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// Faults are failures a simulator injects into data requests (never into
// the token endpoint). The zero value injects none.
type Faults struct {
	// Seed seeds the RNG the rates draw from: the same seed and the same
	// sequence of requests give the same faults.
	Seed uint64

	// ErrorRate is the fraction of requests answered 500 system.error.
	ErrorRate float64
	// ThrottleRate is the fraction answered 429 with a Retry-After of
	// RetryAfter seconds.
	ThrottleRate float64
	RetryAfter   int
	// TruncateRate is the fraction whose answer is cut after half its
	// body, the connection then closed.
	TruncateRate float64

	// Latency is added to every request.
	Latency time.Duration

	// FailAfter, if positive, makes every request after the first
	// FailAfter (counted from SetFaults) fail with 500 system.error.
	FailAfter int

	// ExpireTokensEvery, if positive, revokes every access token after
	// each ExpireTokensEvery requests, as ExpireTokens does.
	ExpireTokensEvery int

	// CutUploadAfter, if positive, makes the file server keep only the
	// first CutUploadAfter bytes of the body of each append upload
	// (POST /appendFiles/{id}/data) and then close the connection, as a
	// network failure mid-upload would.
	CutUploadAfter int64

	// Intercept, if set, sees every faultable request first, numbered
	// from 1 since SetFaults; when it returns true it has answered (or
	// deliberately not answered) the request and nothing else is done.
	Intercept func(n int, w http.ResponseWriter, r *http.Request) bool
}

// SetFaults replaces the faults, resetting their RNG and request count.
func (s *Simulator) SetFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = f
	s.faultRNG = rand.New(rand.NewPCG(f.Seed, f.Seed^0x9e3779b97f4a7c15))
	s.sinceExpiry = 0
	s.faultCount = 0
}

// fault is the decision for one request.
type fault struct {
	intercepted bool
	status      int
	retryAfter  int
	truncate    bool
	latency     time.Duration
}

func (s *Simulator) decide(w http.ResponseWriter, r *http.Request) fault {
	s.mu.Lock()
	f := s.faults
	s.faultCount++
	n := s.faultCount
	var out fault
	out.latency = f.Latency
	// One draw per rate per request, whatever the outcome, so that the
	// sequence of decisions depends only on the seed and the count.
	e, th, tr := s.faultRNG.Float64(), s.faultRNG.Float64(), s.faultRNG.Float64()
	switch {
	case f.FailAfter > 0 && n > f.FailAfter:
		out.status = http.StatusInternalServerError
	case e < f.ErrorRate:
		out.status = http.StatusInternalServerError
	case th < f.ThrottleRate:
		out.status, out.retryAfter = http.StatusTooManyRequests, f.RetryAfter
	case tr < f.TruncateRate:
		out.truncate = true
	}
	if f.ExpireTokensEvery > 0 {
		s.sinceExpiry++
		if s.sinceExpiry >= f.ExpireTokensEvery {
			s.sinceExpiry = 0
			clear(s.tokens)
		}
	}
	s.mu.Unlock()
	if f.Intercept != nil {
		out.intercepted = f.Intercept(n, w, r)
	}
	return out
}

// truncate sends the head of rec's answer and half its body, announcing
// the whole length, then closes the connection.
func truncate(w http.ResponseWriter, rec *recorder) {
	body := rec.body.Bytes()
	hj, ok := w.(http.Hijacker)
	if !ok {
		// HTTP/2 has no hijacking: a short body with the full
		// Content-Length makes net/http abort the stream instead.
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(rec.status)
		w.Write(body[:len(body)/2])
		panic(http.ErrAbortHandler)
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\n", rec.status, http.StatusText(rec.status))
	rec.header.Set("Content-Length", strconv.Itoa(len(body)))
	rec.header.Set("Connection", "close")
	rec.header.Write(buf)
	buf.WriteString("\r\n")
	buf.Write(body[:len(body)/2])
	buf.Flush()
}

// recorder keeps an answer so that a fault can cut it.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(status int) { r.status = status }

func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
