package bimface

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// SharesService makes and revokes share links to translated files and
// integrated models (/share, /shares).
type SharesService service

// ShareOf names what a share link is of: set exactly one field.
type ShareOf struct {
	FileID      int64
	IntegrateID int64
}

func (o ShareOf) query() (url.Values, bool) {
	q := url.Values{}
	if o.FileID != 0 {
		q.Set("fileId", strconv.FormatInt(o.FileID, 10))
	}
	if o.IntegrateID != 0 {
		q.Set("integrateId", strconv.FormatInt(o.IntegrateID, 10))
	}
	return q, len(q) == 1
}

// ShareLink is a share link with its expiry and password, if any.
type ShareLink struct {
	AppKey     string `json:"appKey,omitempty"`
	URL        string `json:"url"`
	Password   string `json:"password,omitempty"`
	ExpireTime string `json:"expireTime,omitempty"` // "2006-01-02 15:04:05"; empty if it never expires
	SourceID   int64  `json:"sourceId,omitempty"`
	SourceName string `json:"sourceName,omitempty"`
	SourceType string `json:"sourceType,omitempty"`
}

// ShareOptions are the optional parameters of Create; without
// ActiveHours or ExpireDate a link never expires.
type ShareOptions struct {
	ActiveHours  int
	ExpireDate   string // "2006-01-02"
	NeedPassword bool
}

var errShareOf = errors.New("bimface: ShareOf: set exactly one of FileID, IntegrateID")

// Create makes a share link (POST /share).
func (s *SharesService) Create(ctx context.Context, of ShareOf, opts *ShareOptions) (*ShareLink, error) {
	q, ok := of.query()
	if !ok {
		return nil, errShareOf
	}
	if opts != nil {
		if opts.ActiveHours > 0 {
			q.Set("activeHours", strconv.Itoa(opts.ActiveHours))
		}
		if opts.ExpireDate != "" {
			q.Set("expireDate", opts.ExpireDate)
		}
		if opts.NeedPassword {
			q.Set("needPassword", "true")
		}
	}
	var l ShareLink
	if err := s.client.send(ctx, s.client.baseURL, "BaseURL", http.MethodPost, "share", q, nil, &l); err != nil {
		return nil, err
	}
	return &l, nil
}

// Get reads the share link of a file or integration (GET /share).
func (s *SharesService) Get(ctx context.Context, of ShareOf) (*ShareLink, error) {
	q, ok := of.query()
	if !ok {
		return nil, errShareOf
	}
	var l ShareLink
	if err := s.client.get(ctx, "share", q, &l); err != nil {
		return nil, err
	}
	return &l, nil
}

// sharesPageSize is how many share links List asks for per page.
const sharesPageSize = 100

// maxSharePages bounds List against a server that never ends its pages.
const maxSharePages = 100000

// sharesPage is the data of GET /shares: a paged list, {"list": [...],
// "page": {...}} with pageNo and pageSize parameters (shared/seeds/
// README.md, "GET /shares"). Older servers answer a bare array.
type sharesPage struct {
	List []ShareLink `json:"list"`
	Page struct {
		PageNo     int `json:"pageNo"`
		PageSize   int `json:"pageSize"`
		TotalCount int `json:"totalCount"`
		TotalPages int `json:"totalPages"`
	} `json:"page"`
	bare bool
}

func (p *sharesPage) UnmarshalJSON(data []byte) error {
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '[' {
		p.bare = true
		return json.Unmarshal(t, &p.List)
	}
	type plain sharesPage
	return json.Unmarshal(data, (*plain)(p))
}

// List lists the application's share links (GET /shares), every page of
// them: it reads pages until one is short, the page information says it
// was the last, or the server answers the whole list as a bare array.
func (s *SharesService) List(ctx context.Context) ([]ShareLink, error) {
	out := []ShareLink{}
	for no := 1; no <= maxSharePages; no++ {
		q := url.Values{}
		q.Set("pageNo", strconv.Itoa(no))
		q.Set("pageSize", strconv.Itoa(sharesPageSize))
		var p sharesPage
		if err := s.client.get(ctx, "shares", q, &p); err != nil {
			return nil, err
		}
		out = append(out, p.List...)
		switch {
		case p.bare, len(p.List) == 0:
			return out, nil
		case p.Page.TotalPages > 0 && no >= p.Page.TotalPages:
			return out, nil
		case p.Page.TotalCount > 0 && len(out) >= p.Page.TotalCount:
			return out, nil
		case p.Page.PageSize > 0 && len(p.List) < p.Page.PageSize,
			p.Page.PageSize <= 0 && len(p.List) < sharesPageSize:
			return out, nil
		}
	}
	return nil, fmt.Errorf("bimface: shares: more than %d pages", maxSharePages)
}

// Delete revokes the share link of a file or integration (DELETE /share).
func (s *SharesService) Delete(ctx context.Context, of ShareOf) error {
	q, ok := of.query()
	if !ok {
		return errShareOf
	}
	return s.client.send(ctx, s.client.baseURL, "BaseURL", http.MethodDelete, "share", q, nil, nil)
}

// DeleteMany revokes share links by their SourceID (DELETE
// /shares?sourceIds=&sourceIds=).
func (s *SharesService) DeleteMany(ctx context.Context, sourceIDs ...int64) error {
	q := url.Values{}
	for _, id := range sourceIDs {
		q.Add("sourceIds", strconv.FormatInt(id, 10))
	}
	return s.client.send(ctx, s.client.baseURL, "BaseURL", http.MethodDelete, "shares", q, nil, nil)
}
