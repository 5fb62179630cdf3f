package bimface

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// expireTimeLayout is the layout of expireTime in /oauth2/token answers.
const expireTimeLayout = "2006-01-02 15:04:05"

// chinaTime is the zone BIMFACE writes expireTime in. A fixed zone rather
// than time.LoadLocation("Asia/Shanghai"), which needs tzdata on the host;
// China has had no daylight saving time since 1991.
var chinaTime = time.FixedZone("CST", 8*60*60)

// AccessToken is the answer of /oauth2/token.
type AccessToken struct {
	Token      string `json:"token"`
	ExpireTime string `json:"expireTime"` // "2006-01-02 15:04:05", China time
}

// Expiry returns the token's expireTime as an instant.
func (t AccessToken) Expiry() (time.Time, error) {
	return time.ParseInLocation(expireTimeLayout, t.ExpireTime, chinaTime)
}

// accessToken returns a valid access token, fetching one if the cached
// one is missing or about to expire. Concurrent callers share one fetch.
func (c *Client) accessToken(ctx context.Context) (string, error) {
	if c.appKey == "" {
		return "", errors.New("bimface: this call needs an access token: use WithCredentials")
	}
	c.tokenMu.Lock()
	if c.token != "" && time.Now().Before(c.tokenUntil) {
		tok := c.token
		c.tokenMu.Unlock()
		return tok, nil
	}
	c.tokenMu.Unlock()

	// The fetch outlives any one caller's cancellation, so that a caller
	// giving up does not fail the others waiting on the same fetch; it is
	// still bounded by the retry policy and per-attempt timeout.
	ch := c.tokenGroup.DoChan("token", func() (any, error) {
		return c.fetchToken(context.WithoutCancel(ctx))
	})
	select {
	case <-ctx.Done():
		return "", ctx.Err()
	case r := <-ch:
		if r.Err != nil {
			return "", r.Err
		}
		return r.Val.(string), nil
	}
}

func (c *Client) fetchToken(ctx context.Context) (string, error) {
	// Another caller may have finished a fetch between our check and our
	// joining the group.
	c.tokenMu.Lock()
	if c.token != "" && time.Now().Before(c.tokenUntil) {
		tok := c.token
		c.tokenMu.Unlock()
		return tok, nil
	}
	c.tokenMu.Unlock()

	req, err := c.NewRequest(http.MethodPost, "oauth2/token", nil)
	if err != nil {
		return "", err
	}
	// Asking for a token has no side effect worth guarding: retry it like
	// a read.
	var at AccessToken
	if _, err := c.do(ctx, req, &at, authBasic, Idempotent(true)); err != nil {
		return "", err
	}
	if at.Token == "" {
		return "", errors.New("bimface: POST oauth2/token: answer has no token")
	}
	exp, err := at.Expiry()
	if err != nil {
		// The server's text may echo the new token, which redact does not
		// know yet; time's error quotes the text, so it is not wrapped.
		return "", fmt.Errorf("bimface: POST oauth2/token: expireTime %q is not %s", c.redact(at.ExpireTime, at.Token), expireTimeLayout)
	}
	c.tokenMu.Lock()
	c.prevToken, c.token = c.token, at.Token
	c.tokenUntil = exp.Add(-c.refreshMargin)
	c.tokenMu.Unlock()
	return at.Token, nil
}

// invalidateToken drops tok from the cache unless another caller already
// replaced it.
func (c *Client) invalidateToken(tok string) {
	c.tokenMu.Lock()
	if c.token == tok {
		c.tokenUntil = time.Time{}
	}
	c.tokenMu.Unlock()
}

// ViewTokenFor names what a view token is for: set exactly one field.
type ViewTokenFor struct {
	FileID      string
	IntegrateID string
	CompareID   string
}

// ViewToken asks for a view token for one file, integration or
// comparison (GET /view/token). It needs WithCredentials, also in
// view-token mode.
func (c *Client) ViewToken(ctx context.Context, f ViewTokenFor) (string, error) {
	q := url.Values{}
	for _, p := range []struct{ name, v string }{
		{"fileId", f.FileID}, {"integrateId", f.IntegrateID}, {"compareId", f.CompareID},
	} {
		if p.v != "" {
			q.Set(p.name, p.v)
		}
	}
	if len(q) != 1 {
		return "", errors.New("bimface: ViewToken: set exactly one of FileID, IntegrateID, CompareID")
	}
	req, err := c.NewRequest(http.MethodGet, "view/token?"+q.Encode(), nil)
	if err != nil {
		return "", err
	}
	var tok string
	if _, err := c.do(ctx, req, &tok, authBearer); err != nil {
		return "", err
	}
	return tok, nil
}
