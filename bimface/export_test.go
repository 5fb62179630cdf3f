package bimface

import (
	"net/http"
	"time"
)

// SetCallbackMemory makes h, a CallbackHandler, remember nonces for ttl
// and at most max of them, on the clock now.
func SetCallbackMemory(h http.Handler, ttl time.Duration, max int, now func() time.Time) {
	h.(*callbackHandler).nonces = newNonceMemory(ttl, max, now)
}
