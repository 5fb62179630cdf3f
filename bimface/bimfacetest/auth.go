package bimfacetest

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/dsl"
)

type viewCtxKey struct{}

func contextWithView(r *http.Request, key targetKey) context.Context {
	return context.WithValue(r.Context(), viewCtxKey{}, key)
}

// viewAllows reports whether r may read target key: always with an
// access token, only its own target with a view token.
func (s *Simulator) viewAllows(r *http.Request, key targetKey) bool {
	v, ok := r.Context().Value(viewCtxKey{}).(targetKey)
	return !ok || v == key
}

// accessOnly wraps an endpoint that, like all of the file server's and
// the jobs', takes an access token and never a view token.
func (s *Simulator) accessOnly(h http.HandlerFunc) http.HandlerFunc {
	return s.auth(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("view_token") != "" {
			writeError(w, http.StatusUnauthorized, bimface.CodeAuthenticationFailed, "this endpoint takes an access token, not a view token")
			return
		}
		h(w, r)
	})
}

// The credentials a simulator accepts unless WithCredentials says
// otherwise.
const (
	AppKey    = "bfquery-sim-key"
	AppSecret = "bfquery-sim-secret"
)

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
