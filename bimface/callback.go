package bimface

import (
	"context"
	"crypto/md5"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
)

// Callback is BIMFACE's notice that a translation, integration or
// offline databag has ended: a GET to the callback URL with these query
// parameters. IDName is the parameter that named the job: fileId,
// integrateId or compareId.
type Callback struct {
	IDName    string
	ID        string
	Status    string // success or failed (processing for some databags)
	Reason    string
	Thumbnail string
	Nonce     string
	Signature string
}

// ErrBadSignature is the error of ParseCallback for a callback that
// BIMFACE did not sign with the application's key and secret.
var ErrBadSignature = errors.New("bimface: callback signature does not match")

// CallbackSignature is the signature BIMFACE sends with a callback:
// the hex MD5 of "appKey:appSecret:id:status:nonce".
func CallbackSignature(appKey, appSecret, id, status, nonce string) string {
	sum := md5.Sum([]byte(appKey + ":" + appSecret + ":" + id + ":" + status + ":" + nonce))
	return hex.EncodeToString(sum[:])
}

// ParseCallback reads a callback's query parameters and checks their
// signature, in constant time. A callback without an ID, status or
// nonce, or whose signature does not match, is an error wrapping
// ErrBadSignature: it did not come from BIMFACE and must not be acted on.
func ParseCallback(q url.Values, appKey, appSecret string) (*Callback, error) {
	cb := &Callback{Status: q.Get("status"), Reason: q.Get("reason"), Thumbnail: q.Get("thumbnail"), Nonce: q.Get("nonce"), Signature: q.Get("signature")}
	for _, name := range []string{"fileId", "integrateId", "compareId"} {
		if v := q.Get(name); v != "" {
			cb.IDName, cb.ID = name, v
			break
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

// CallbackHandler answers BIMFACE's callbacks: it checks the signature
// (403 Forbidden, fn not called, when it does not match), calls fn, and
// answers 200 as BIMFACE expects when fn returns nil and 500 otherwise,
// so that the notice is not lost.
func CallbackHandler(appKey, appSecret string, fn func(context.Context, *Callback) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cb, err := ParseCallback(r.URL.Query(), appKey, appSecret)
		if err != nil {
			http.Error(w, "signature does not match", http.StatusForbidden)
			return
		}
		if err := fn(r.Context(), cb); err != nil {
			http.Error(w, "callback not processed", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}
