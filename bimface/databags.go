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

// DatabagsService makes and fetches offline databags: a translated
// file's, an integration's or a comparison's data packed for viewing
// without BIMFACE (PUT and GET .../offlineDatabag,
// GET /data/databag/downloadUrl).
type DatabagsService service

// DatabagOf names what a databag is of: set exactly one field.
type DatabagOf struct {
	FileID      int64
	IntegrateID int64
	CompareID   int64
}

// path is the resource path, with the comparisons' spelling of
// BIMFACE's API ("comparisions").
func (o DatabagOf) path() (string, url.Values, bool) {
	n := 0
	var p string
	q := url.Values{}
	for _, c := range []struct {
		id         int64
		coll, name string
	}{{o.FileID, "files", "fileId"}, {o.IntegrateID, "integrations", "integrateId"}, {o.CompareID, "comparisions", "compareId"}} {
		if c.id != 0 {
			n++
			p = c.coll + "/" + strconv.FormatInt(c.id, 10) + "/offlineDatabag"
			q.Set(c.name, strconv.FormatInt(c.id, 10))
		}
	}
	return p, q, n == 1
}

// Databag is the state of an offline databag: processing, success or
// failed, with the Reason of a failure.
type Databag struct {
	FileID         int64  `json:"fileId,omitempty"`
	IntegrateID    int64  `json:"integrateId,omitempty"`
	CompareID      int64  `json:"compareId,omitempty"`
	DatabagVersion string `json:"databagVersion,omitempty"`
	Status         string `json:"status"`
	Reason         string `json:"reason,omitempty"`
	Length         int64  `json:"length,omitempty"`
	CreateTime     string `json:"createTime,omitempty"`
}

// Databag error codes, besides the general ones.
const (
	CodeFileNotTranslated         = "file.not.translated"
	CodeFileTranslating           = "file.translating"
	CodeFileTranslateFailure      = "file.translate.failure"
	CodeIntegrationNotFound       = "integration.not.found"
	CodeIntegrationNotTranslated  = "integration.not.translated"
	CodeIntegrationTranslating    = "integration.translating"
	CodeIntegrationTranslateFails = "integration.translate.failure"
	CodeCompareNotFound           = "compare.not.found"
)

var errDatabagOf = errors.New("bimface: DatabagOf: set exactly one of FileID, IntegrateID, CompareID")

// DatabagOptions are the optional parameters of Create.
type DatabagOptions struct {
	Callback string            // called when the databag is made
	Config   map[string]string // sent as the request's config
}

// Create starts making an offline databag (PUT
// {files|integrations|comparisions}/{id}/offlineDatabag).
func (s *DatabagsService) Create(ctx context.Context, of DatabagOf, opts *DatabagOptions) (*Databag, error) {
	p, _, ok := of.path()
	if !ok {
		return nil, errDatabagOf
	}
	q := url.Values{}
	body := struct {
		Config map[string]string `json:"config,omitempty"`
	}{}
	if opts != nil {
		if opts.Callback != "" {
			q.Set("callback", opts.Callback)
		}
		body.Config = opts.Config
	}
	var d Databag
	if err := s.client.send(ctx, s.client.baseURL, "BaseURL", http.MethodPut, p, q, body, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// List returns the offline databags made of a file, integration or
// comparison (GET .../offlineDatabag). The page declares a list and shows
// a single object; either is read.
func (s *DatabagsService) List(ctx context.Context, of DatabagOf) ([]Databag, error) {
	p, _, ok := of.path()
	if !ok {
		return nil, errDatabagOf
	}
	var raw json.RawMessage
	if err := s.client.get(ctx, p, nil, &raw); err != nil {
		return nil, err
	}
	out := []Databag{}
	raw = bytes.TrimSpace(raw)
	var err error
	switch {
	case len(raw) == 0 || string(raw) == "null":
	case raw[0] == '{':
		var d Databag
		if err = json.Unmarshal(raw, &d); err == nil {
			out = append(out, d)
		}
	default:
		err = json.Unmarshal(raw, &out)
	}
	if err != nil {
		return nil, fmt.Errorf("bimface: GET %s%s: decoding data: %w", s.client.baseURL, p, err)
	}
	return out, nil
}

// DownloadURLOptions choose among several databags.
type DownloadURLOptions struct {
	Type           string // offline (the default on BIMFACE), vr, igms
	DatabagVersion string // needed when there are several of the type
}

// DownloadURL returns where to download a databag (GET
// /data/databag/downloadUrl).
func (s *DatabagsService) DownloadURL(ctx context.Context, of DatabagOf, opts *DownloadURLOptions) (string, error) {
	_, q, ok := of.path()
	if !ok {
		return "", errDatabagOf
	}
	if opts != nil {
		if opts.Type != "" {
			q.Set("type", opts.Type)
		}
		if opts.DatabagVersion != "" {
			q.Set("databagVersion", opts.DatabagVersion)
		}
	}
	var u string
	if err := s.client.get(ctx, "data/databag/downloadUrl", q, &u); err != nil {
		return "", err
	}
	return u, nil
}
