package bimface

import (
	"context"
	"crypto/md5"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"
)

// Callback is BIMFACE's notice that a translation, integration,
// comparison or offline databag has ended: a GET to the callback URL with
// these query parameters. IDName is the parameter that named the job:
// fileId, integrateId or compareId.
//
// BIMFACE signs only the ID, Status and Nonce (see CallbackSignature):
// Reason and Thumbnail are not signed, and anyone who saw a callback can
// change them, as they can the name of its ID.
type Callback struct {
	IDName    string
	ID        string
	Status    string // success or failed (processing for some databags)
	Reason    string // not signed
	Thumbnail string // not signed
	Nonce     string
	Signature string
}

// The kinds of callback, named by the query parameter that carries the
// ID of their job.
const (
	CallbackFile      = "fileId"      // a file's translation or databag
	CallbackIntegrate = "integrateId" // an integration or its databag
	CallbackCompare   = "compareId"   // a comparison or its databag
)

var callbackKinds = []string{CallbackFile, CallbackIntegrate, CallbackCompare}

// ErrBadSignature is the error of ParseCallback for a callback that
// BIMFACE did not sign with the application's key and secret.
var ErrBadSignature = errors.New("bimface: callback signature does not match")

// CallbackSignature is the signature BIMFACE sends with a callback:
// the hex MD5 of "appKey:appSecret:id:status:nonce" (seed 002,
// "signature(签名)").
func CallbackSignature(appKey, appSecret, id, status, nonce string) string {
	sum := md5.Sum([]byte(appKey + ":" + appSecret + ":" + id + ":" + status + ":" + nonce))
	return hex.EncodeToString(sum[:])
}

// ParseCallback reads a callback's query parameters and checks their
// signature, in constant time. A callback without an ID, status or
// nonce, with the IDs of several kinds, or whose signature does not
// match, is an error wrapping ErrBadSignature: it did not come from
// BIMFACE and must not be acted on. So is any callback when appKey or
// appSecret is empty, as anyone can sign with those.
//
// ParseCallback remembers nothing: it does not see a callback sent again,
// nor one sent again under another kind's ID name, which the signature
// does not cover. CallbackHandler refuses both.
func ParseCallback(q url.Values, appKey, appSecret string) (*Callback, error) {
	if appKey == "" || appSecret == "" {
		return nil, errors.Join(ErrBadSignature, errors.New("bimface: a callback cannot be checked without the appKey and appSecret"))
	}
	cb := &Callback{Status: q.Get("status"), Reason: q.Get("reason"), Thumbnail: q.Get("thumbnail"), Nonce: q.Get("nonce"), Signature: q.Get("signature")}
	for _, name := range callbackKinds {
		if v := q.Get(name); v != "" {
			if cb.IDName != "" {
				return nil, errors.Join(ErrBadSignature, fmt.Errorf("bimface: callback names both %s and %s", cb.IDName, name))
			}
			cb.IDName, cb.ID = name, v
		}
	}
	if cb.ID == "" || cb.Status == "" || cb.Nonce == "" || cb.Signature == "" {
		return nil, errors.Join(ErrBadSignature, errors.New("bimface: callback lacks an id, status, nonce or signature"))
	}
	want := CallbackSignature(appKey, appSecret, cb.ID, cb.Status, cb.Nonce)
	// Hex digests compare case-insensitively; lower both first so that the
	// comparison itself stays constant-time.
	got := []byte(cb.Signature)
	for i, c := range got {
		if 'A' <= c && c <= 'Z' {
			got[i] = c + 'a' - 'A'
		}
	}
	if subtle.ConstantTimeCompare(got, []byte(want)) != 1 {
		return nil, ErrBadSignature
	}
	return cb, nil
}

// How long, and how many, nonces a CallbackHandler remembers. A callback
// comes within moments of its job's end; a day of them is far more than
// an application gets, and each costs about a hundred bytes.
const (
	callbackNonceTTL = 24 * time.Hour
	callbackNonceMax = 100_000
)

// CallbackHandler answers BIMFACE's callbacks of the given kinds
// (CallbackFile, CallbackIntegrate, CallbackCompare): it checks the
// callback with ParseCallback, calls fn, and answers 200 as BIMFACE
// expects when fn returns nil and 500 otherwise, so that the notice is
// not lost. fn is not called, and the answer is 403 Forbidden, for a
// callback that does not match its signature or is of another kind, and
// 409 Conflict for one whose nonce the handler has already seen: a
// callback sent again by someone who saw it. A nonce is remembered for a
// day (the last 100,000 at most), and forgotten if fn fails, so that
// BIMFACE may send it again.
//
// The signature covers the ID but not its name: a handler of several
// kinds keeps one memory of nonces for them all, so that a callback sent
// again under another kind's name is refused as well; handlers of
// different kinds know nothing of each other's nonces.
//
// CallbackHandler fails if appKey or appSecret is empty, since anyone can
// compute the signatures of an empty secret, or if kinds names no kind or
// an unknown one.
func CallbackHandler(appKey, appSecret string, kinds []string, fn func(context.Context, *Callback) error) (http.Handler, error) {
	if appKey == "" || appSecret == "" {
		return nil, errors.New("bimface: CallbackHandler: appKey and appSecret must not be empty")
	}
	if len(kinds) == 0 {
		return nil, errors.New("bimface: CallbackHandler: no kind of callback named")
	}
	for _, k := range kinds {
		if !slices.Contains(callbackKinds, k) {
			return nil, fmt.Errorf("bimface: CallbackHandler: unknown kind of callback %q: must be fileId, integrateId or compareId", k)
		}
	}
	if fn == nil {
		return nil, errors.New("bimface: CallbackHandler: nil func")
	}
	return &callbackHandler{
		appKey: appKey, appSecret: appSecret, kinds: slices.Clone(kinds), fn: fn,
		nonces: newNonceMemory(callbackNonceTTL, callbackNonceMax, time.Now),
	}, nil
}

type callbackHandler struct {
	appKey, appSecret string
	kinds             []string
	fn                func(context.Context, *Callback) error
	nonces            *nonceMemory
}

func (h *callbackHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	cb, err := ParseCallback(r.URL.Query(), h.appKey, h.appSecret)
	if err != nil {
		http.Error(w, "signature does not match", http.StatusForbidden)
		return
	}
	if !slices.Contains(h.kinds, cb.IDName) {
		http.Error(w, "not a kind of callback expected here", http.StatusForbidden)
		return
	}
	if !h.nonces.claim(cb.Nonce) {
		http.Error(w, "callback already received", http.StatusConflict)
		return
	}
	if err := h.fn(r.Context(), cb); err != nil {
		h.nonces.forget(cb.Nonce)
		http.Error(w, "callback not processed", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// nonceMemory remembers nonces for ttl, and at most max of them: past
// that, the oldest are forgotten first.
type nonceMemory struct {
	mu    sync.Mutex
	ttl   time.Duration
	max   int
	now   func() time.Time
	seq   uint64
	seen  map[string]uint64 // nonce → seq of its claim
	order []claimed         // oldest first
}

type claimed struct {
	nonce string
	at    time.Time
	seq   uint64
}

func newNonceMemory(ttl time.Duration, max int, now func() time.Time) *nonceMemory {
	return &nonceMemory{ttl: ttl, max: max, now: now, seen: map[string]uint64{}}
}

// claim records nonce and reports whether it was new.
func (m *nonceMemory) claim(nonce string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	for len(m.order) > 0 && now.Sub(m.order[0].at) >= m.ttl {
		m.drop()
	}
	if _, ok := m.seen[nonce]; ok {
		return false
	}
	for len(m.order) > 0 && len(m.seen) >= m.max {
		m.drop()
	}
	if len(m.order) >= 2*m.max {
		// Forgotten nonces leave their claims behind in order; do not let
		// those pile up.
		m.order = slices.DeleteFunc(m.order, func(c claimed) bool { return !m.current(c) })
	}
	m.seq++
	m.seen[nonce] = m.seq
	m.order = append(m.order, claimed{nonce, now, m.seq})
	return true
}

// current reports whether c is the claim its nonce is remembered by.
func (m *nonceMemory) current(c claimed) bool {
	seq, ok := m.seen[c.nonce]
	return ok && seq == c.seq
}

// drop forgets the oldest claim.
func (m *nonceMemory) drop() {
	c := m.order[0]
	m.order[0] = claimed{}
	m.order = m.order[1:]
	if m.current(c) {
		delete(m.seen, c.nonce)
	}
}

// forget forgets nonce, so that it may be claimed again.
func (m *nonceMemory) forget(nonce string) {
	m.mu.Lock()
	delete(m.seen, nonce)
	m.mu.Unlock()
}
