package bimfacetest

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"syscall"
	"time"
)

// ViewTokenTTL is how long a view token lives after its last use: each
// use gives it another 12 hours, as on BIMFACE (001, line 15).
const ViewTokenTTL = 12 * time.Hour

// DownloadURLTTL is how long a download URL works, as on BIMFACE
// (004, line 1146: 下载地址有效时间是5分钟).
const DownloadURLTTL = 5 * time.Minute

// viewGrant is what a view token opens, until when.
type viewGrant struct {
	key targetKey
	exp time.Time
}

// initSecurity sets what the options leave unset: the clock, the key
// download URLs are signed with and the client for outgoing requests.
func (s *Simulator) initSecurity() {
	if s.now == nil {
		s.now = time.Now
	}
	if s.maxTokens == 0 {
		s.maxTokens = DefaultMaxTokens
	}
	s.urlKey = make([]byte, 32)
	rand.Read(s.urlKey)
	s.outbound = outboundClient(s.internalURLs)
}

// newToken makes a fresh token: 130 random bits from crypto/rand after
// prefix, so that no token can be guessed from another or from the time
// the simulator started.
func (s *Simulator) newToken(prefix string) string {
	return prefix + "-" + rand.Text()
}

// keep adds a token to m, first making room if m holds max tokens:
// expired ones go, then those closest to expiring.
func keep[V any](m map[string]V, tok string, v V, max int, now time.Time, exp func(V) time.Time) {
	if len(m) >= max {
		for k, e := range m {
			if !now.Before(exp(e)) {
				delete(m, k)
			}
		}
	}
	for len(m) >= max {
		first, soonest := "", time.Time{}
		for k, e := range m {
			if t := exp(e); first == "" || t.Before(soonest) {
				first, soonest = k, t
			}
		}
		delete(m, first)
	}
	m[tok] = v
}

// addToken keeps a new access token; s.mu is held.
func (s *Simulator) addToken(tok string, exp time.Time) {
	keep(s.tokens, tok, exp, s.maxTokens, s.now(), func(t time.Time) time.Time { return t })
}

// addViewToken keeps a new view token of key; s.mu is held.
func (s *Simulator) addViewToken(tok string, key targetKey) {
	now := s.now()
	keep(s.viewTokens, tok, &viewGrant{key, now.Add(ViewTokenTTL)}, s.maxTokens, now, func(g *viewGrant) time.Time { return g.exp })
}

// useViewToken reports what a view token opens, if it is valid, and
// gives it another ViewTokenTTL.
func (s *Simulator) useViewToken(tok string) (targetKey, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.viewTokens[tok]
	if !ok {
		return targetKey{}, false
	}
	now := s.now()
	if !now.Before(g.exp) {
		delete(s.viewTokens, tok)
		return targetKey{}, false
	}
	g.exp = now.Add(ViewTokenTTL)
	return g.key, true
}

// downloadSignature signs a download of a file until exp: only the
// simulator, which holds urlKey, can make a URL it accepts.
func (s *Simulator) downloadSignature(id int64, exp int64) []byte {
	h := hmac.New(sha256.New, s.urlKey)
	fmt.Fprintf(h, "download\n%d\n%d", id, exp)
	return h.Sum(nil)
}

// signedDownload is the query that lets the download of file id through
// for DownloadURLTTL.
func (s *Simulator) signedDownload(id int64) string {
	exp := s.now().Add(DownloadURLTTL).Unix()
	return "expires=" + strconv.FormatInt(exp, 10) + "&signature=" + base64.RawURLEncoding.EncodeToString(s.downloadSignature(id, exp))
}

// checkDownload answers 403 unless r carries a signature of the download
// of file id that has not expired. The signature is checked first, in
// constant time, so that a guess learns nothing from the answer.
func (s *Simulator) checkDownload(w http.ResponseWriter, r *http.Request, id int64) bool {
	q := r.URL.Query()
	exp, err := strconv.ParseInt(q.Get("expires"), 10, 64)
	sig, serr := base64.RawURLEncoding.DecodeString(q.Get("signature"))
	if err != nil || serr != nil || !hmac.Equal(sig, s.downloadSignature(id, exp)) {
		writeError(w, http.StatusForbidden, "AccessDenied", "the download URL is not signed by this server")
		return false
	}
	if s.now().Unix() >= exp {
		writeError(w, http.StatusForbidden, "AccessDenied", "the download URL has expired")
		return false
	}
	return true
}

// Timeouts of the requests the simulator makes: uploads from a URL and
// callbacks.
const (
	dialTimeout  = 10 * time.Second
	fetchTimeout = 5 * time.Minute
)

// internalAddressError is a connection the simulator refused to make.
type internalAddressError struct{ addr netip.Addr }

func (e *internalAddressError) Error() string {
	return e.addr.String() + " is an internal address, which this server does not connect to"
}

// outboundClient is the client for requests to URLs that clients give.
// Unless allowInternal, it refuses to connect to an internal address;
// the check is made on the address being dialled, after name resolution
// and on every redirect, so neither a name that resolves to loopback nor
// a redirect gets around it. It uses no proxy, which would connect in its
// place.
func outboundClient(allowInternal bool) *http.Client {
	d := &net.Dialer{Timeout: dialTimeout}
	if !allowInternal {
		d.Control = func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return err
			}
			if a := ap.Addr().Unmap(); isInternal(a) {
				return &internalAddressError{a}
			}
			return nil
		}
	}
	return &http.Client{
		Timeout: fetchTimeout,
		Transport: &http.Transport{
			DialContext:           d.DialContext,
			TLSHandshakeTimeout:   dialTimeout,
			ResponseHeaderTimeout: 30 * time.Second,
			IdleConnTimeout:       30 * time.Second,
			MaxIdleConnsPerHost:   2,
		},
	}
}

// specialPrefixes are the IPv4 ranges beyond netip's predicates that
// reach no public host: "this network", shared address space (carrier
// NAT), IETF protocol assignments, benchmarking and reserved.
var specialPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
}

// isInternal reports whether a is an address of this host or of a
// private network: not one a client may make the server fetch from.
func isInternal(a netip.Addr) bool {
	if a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsMulticast() || a.IsUnspecified() || !a.IsValid() {
		return true
	}
	for _, p := range specialPrefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// fetchError says why fetching a client's URL failed, naming a refused
// internal address and nothing else of the network, which is the
// server's business.
func fetchError(err error) string {
	var ie *internalAddressError
	if errors.As(err, &ie) {
		return "fetching the url failed: " + ie.Error()
	}
	return "fetching the url failed"
}
