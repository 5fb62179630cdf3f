package bimface_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/bimface"
)

const cbKey, cbSecret = "k", "s"

// signed is the query of a callback for idName=id signed with cbKey and
// cbSecret.
func signed(idName, id, status, nonce string) string {
	return url.Values{idName: {id}, "status": {status}, "nonce": {nonce},
		"signature": {bimface.CallbackSignature(cbKey, cbSecret, id, status, nonce)}}.Encode()
}

// callbackRecorder is a CallbackHandler whose fn records what it got and
// fails while fail is set.
type callbackRecorder struct {
	http.Handler
	seen []*bimface.Callback
	fail bool
}

func newCallbackRecorder(t *testing.T, kinds ...string) *callbackRecorder {
	t.Helper()
	rec := &callbackRecorder{}
	h, err := bimface.CallbackHandler(cbKey, cbSecret, kinds, func(_ context.Context, cb *bimface.Callback) error {
		rec.seen = append(rec.seen, cb)
		if rec.fail {
			return errors.New("not now")
		}
		return nil
	})
	require.NoError(t, err)
	rec.Handler = h
	return rec
}

// send sends the callback query to h and returns the answer's status
// and whether fn was called.
func (rec *callbackRecorder) send(query string) (int, bool) {
	n := len(rec.seen)
	w := httptest.NewRecorder()
	rec.ServeHTTP(w, httptest.NewRequest("GET", "/cb?"+query, nil))
	return w.Code, len(rec.seen) > n
}

func TestCallbackHandler(t *testing.T) {
	good := bimface.CallbackSignature(cbKey, cbSecret, "857482189666208", "success", "n1")
	// The steps run in order on one handler of files' callbacks: what
	// it has seen matters.
	h := newCallbackRecorder(t, bimface.CallbackFile)
	for _, tc := range []struct {
		name   string
		query  string
		fail   bool
		status int
	}{
		{"right", "fileId=857482189666208&status=success&nonce=n1&signature=" + good, false, 200},
		{"sent again", "fileId=857482189666208&status=success&nonce=n1&signature=" + good, false, 409},
		{"sent again with upper-case hex", "fileId=857482189666208&status=success&nonce=n1&signature=" + string(bytes.ToUpper([]byte(good))), false, 409},
		{"upper-case hex", "fileId=1&nonce=n2&status=success&signature=" + string(bytes.ToUpper([]byte(bimface.CallbackSignature(cbKey, cbSecret, "1", "success", "n2")))), false, 200},
		{"wrong signature", "fileId=857482189666208&status=success&nonce=n3&signature=0123456789abcdef0123456789abcdef", false, 403},
		{"status changed", "fileId=857482189666208&status=failed&nonce=n1&signature=" + good, false, 403},
		{"no nonce", "fileId=857482189666208&status=success&signature=" + good, false, 403},
		{"a file's callback sent as an integration's", "integrateId=857482189666208&status=success&nonce=n4&signature=" + bimface.CallbackSignature(cbKey, cbSecret, "857482189666208", "success", "n4"), false, 403},
		{"an integration's callback", signed("integrateId", "100", "success", "n5"), false, 403},
		{"two IDs", signed("fileId", "100", "success", "n6") + "&integrateId=100", false, 403},
		{"fn fails", signed("fileId", "100", "success", "n7"), true, 500},
		{"sent again after fn failed", signed("fileId", "100", "success", "n7"), false, 200},
		{"sent again after that", signed("fileId", "100", "success", "n7"), false, 409},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h.fail = tc.fail
			status, called := h.send(tc.query)
			require.Equal(t, tc.status, status)
			require.Equal(t, tc.status == 200 || tc.status == 500, called, "fn called")
		})
	}
}

// TestCallbackSentAsAnotherKind: BIMFACE signs a callback's ID but not
// its name; a handler of several kinds refuses a file's callback sent
// again as an integration's, as it has seen its nonce.
func TestCallbackSentAsAnotherKind(t *testing.T) {
	h := newCallbackRecorder(t, bimface.CallbackFile, bimface.CallbackIntegrate)
	status, _ := h.send(signed("fileId", "100", "success", "n1"))
	require.Equal(t, 200, status)
	status, called := h.send(signed("integrateId", "100", "success", "n1"))
	require.Equal(t, 409, status)
	require.False(t, called)
	require.Equal(t, []*bimface.Callback{{IDName: "fileId", ID: "100", Status: "success", Nonce: "n1", Signature: bimface.CallbackSignature(cbKey, cbSecret, "100", "success", "n1")}}, h.seen)
	status, _ = h.send(signed("integrateId", "100", "success", "n2"))
	require.Equal(t, 200, status)
}

// TestCallbackNonceMemoryIsBounded: nonces are forgotten after their
// time, or when more are seen than the handler keeps, oldest first.
func TestCallbackNonceMemoryIsBounded(t *testing.T) {
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	t.Run("time", func(t *testing.T) {
		h := newCallbackRecorder(t, bimface.CallbackFile)
		bimface.SetCallbackMemory(h.Handler, time.Hour, 10, clock)
		q := signed("fileId", "1", "success", "n1")
		for _, step := range []struct {
			after  time.Duration
			status int
		}{{0, 200}, {59 * time.Minute, 409}, {time.Minute, 200}, {time.Minute, 409}} {
			now = now.Add(step.after)
			status, _ := h.send(q)
			require.Equal(t, step.status, status, "after %v more", step.after)
		}
	})
	t.Run("count", func(t *testing.T) {
		h := newCallbackRecorder(t, bimface.CallbackFile)
		bimface.SetCallbackMemory(h.Handler, time.Hour, 2, clock)
		for _, step := range []struct {
			nonce  string
			status int
		}{{"n1", 200}, {"n2", 200}, {"n3", 200}, {"n3", 409}, {"n2", 409}, {"n1", 200}, {"n3", 409}, {"n2", 200}} {
			status, _ := h.send(signed("fileId", "1", "success", step.nonce))
			require.Equal(t, step.status, status, step.nonce)
		}
	})
}

func TestCallbackHandlerRefusesBadSetup(t *testing.T) {
	fn := func(context.Context, *bimface.Callback) error { return nil }
	for _, tc := range []struct {
		name, key, secret string
		kinds             []string
		fn                func(context.Context, *bimface.Callback) error
		want              string
	}{
		{"no key and secret", "", "", []string{bimface.CallbackFile}, fn, "bimface: CallbackHandler: appKey and appSecret must not be empty"},
		{"no secret", "k", "", []string{bimface.CallbackFile}, fn, "bimface: CallbackHandler: appKey and appSecret must not be empty"},
		{"no key", "", "s", []string{bimface.CallbackFile}, fn, "bimface: CallbackHandler: appKey and appSecret must not be empty"},
		{"no kind", "k", "s", nil, fn, "bimface: CallbackHandler: no kind of callback named"},
		{"unknown kind", "k", "s", []string{"file"}, fn, `bimface: CallbackHandler: unknown kind of callback "file": must be fileId, integrateId or compareId`},
		{"no func", "k", "s", []string{bimface.CallbackFile}, nil, "bimface: CallbackHandler: nil func"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, err := bimface.CallbackHandler(tc.key, tc.secret, tc.kinds, tc.fn)
			require.EqualError(t, err, tc.want)
			require.Nil(t, h)
		})
	}
}

func TestParseCallback(t *testing.T) {
	for _, tc := range []struct {
		name        string
		q           string
		key, secret string
		want        string
	}{
		{"bad signature", "integrateId=1&status=success&nonce=x&signature=bad", cbKey, cbSecret, "bimface: callback signature does not match"},
		{"empty credentials", "fileId=1&status=success&nonce=x&signature=" + bimface.CallbackSignature("", "", "1", "success", "x"), "", "",
			"bimface: callback signature does not match\nbimface: a callback cannot be checked without the appKey and appSecret"},
		{"two IDs", signed("fileId", "1", "success", "x") + "&compareId=1", cbKey, cbSecret,
			"bimface: callback signature does not match\nbimface: callback names both fileId and compareId"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, err := url.ParseQuery(tc.q)
			require.NoError(t, err)
			_, err = bimface.ParseCallback(q, tc.key, tc.secret)
			require.EqualError(t, err, tc.want)
			require.ErrorIs(t, err, bimface.ErrBadSignature)
		})
	}
}
