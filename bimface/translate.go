package bimface

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"net/url"
	"strconv"
)

// TranslateService starts translations of uploaded files into model data
// and follows them (PUT and GET /translate, POST
// /v1/{projectId}/translations).
type TranslateService service

// Translation statuses.
const (
	StatusPrepare    = "prepare"
	StatusProcessing = "processing"
	StatusSuccess    = "success"
	StatusFailed     = "failed"
)

// Translate error codes, besides the general ones.
const (
	CodeFileNotComplete    = "file.not.complete"
	CodeFileUploadFailed   = "file.upload.failed"
	CodeURLInvalid         = "url.invalid"
	CodePriorityNotSupport = "priority.not.support"
)

// TranslateSource is the file a translation reads. A compressed file (a
// zip of a model with its materials) names its main file in RootName.
type TranslateSource struct {
	FileID     int64  `json:"fileId"`
	Compressed bool   `json:"compressed"`
	RootName   string `json:"rootName,omitempty"`
}

// TranslateRequest is the body of PUT /translate.
type TranslateRequest struct {
	Source TranslateSource `json:"source"`
	// Priority is 1, 2 or 3; a larger number is a lower priority.
	Priority int `json:"priority,omitempty"`
	// Callback is the URL BIMFACE calls when the translation ends; see
	// ParseCallback.
	Callback string `json:"callback,omitempty"`
	// Config is the translation engine's parameters, such as
	// {"texture": true}; nil sends null.
	Config map[string]any `json:"config"`
}

// Translation is the state of a file's translation. Status is prepare,
// processing, success or failed, with the Reason of a failure.
type Translation struct {
	FileID     int64    `json:"fileId"`
	Name       string   `json:"name"`
	Priority   int      `json:"priority"`
	Status     string   `json:"status"`
	Reason     string   `json:"reason,omitempty"`
	Thumbnail  []string `json:"thumbnail,omitempty"`
	DatabagID  string   `json:"databagId,omitempty"`
	CreateTime string   `json:"createTime,omitempty"`
}

// Done reports whether the translation has ended, well or not.
func (t *Translation) Done() bool { return t.Status == StatusSuccess || t.Status == StatusFailed }

// Start starts translating a file (PUT /translate). BIMFACE answers at
// once; Status or a callback tells when the translation ends.
func (s *TranslateService) Start(ctx context.Context, r *TranslateRequest) (*Translation, error) {
	var t Translation
	if err := s.client.send(ctx, s.client.baseURL, "BaseURL", http.MethodPut, "translate", nil, r, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// Status reads the state of a file's translation (GET
// /translate?fileId=).
func (s *TranslateService) Status(ctx context.Context, fileID int64) (*Translation, error) {
	var t Translation
	if err := s.client.get(ctx, "translate", url.Values{"fileId": {strconv.FormatInt(fileID, 10)}}, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// TranslationFilter selects the translations of a project for List.
// Dates are ISO 8601 in UTC, "2006-01-02T15:04:05.000Z".
type TranslationFilter struct {
	StartDate     string `json:"startDate,omitempty"`
	EndDate       string `json:"endDate,omitempty"`
	PageSize      int    `json:"pageSize,omitempty"` // 20 if zero, at most 1000
	Suffix        string `json:"suffix,omitempty"`
	Keyword       string `json:"keyword,omitempty"` // an ID or part of a name
	Recursive     bool   `json:"recursive,omitempty"`
	OutputFormat  string `json:"outputFormat,omitempty"`
	ParentID      string `json:"parentId,omitempty"`
	ExcludeFolder bool   `json:"excludeFolder,omitempty"`
	// Status is BIMFACE's number: 99 success, -1 failed, 1 processing,
	// -2 payment failed, 0 preparing; nil means any.
	Status *int `json:"status,omitempty"`
}

// The numbers of TranslationFilter.Status.
const (
	TranslationStatusSucceeded     = 99
	TranslationStatusFailed        = -1
	TranslationStatusProcessing    = 1
	TranslationStatusPaymentFailed = -2
	TranslationStatusPreparing     = 0
)

// TranslationDetail is one entry of a project's translation list
// (FileTranslateResponse).
type TranslationDetail struct {
	FileID               int64       `json:"fileId"`
	ProjectID            json.Number `json:"projectId,omitempty"` // a number, sometimes sent as a string
	Name                 string      `json:"name"`
	Status               string      `json:"status"`
	Reason               string      `json:"reason,omitempty"`
	ErrorCode            string      `json:"errorCode,omitempty"`
	SourceID             string      `json:"sourceId,omitempty"`
	DatabagID            string      `json:"databagId,omitempty"`
	IsFolder             bool        `json:"isFolder,omitempty"`
	Cost                 int         `json:"cost,omitempty"`
	Length               int64       `json:"length,omitempty"`
	ShareToken           string      `json:"shareToken,omitempty"`
	ShareURL             string      `json:"shareUrl,omitempty"`
	OfflineDatabagStatus string      `json:"offlineDatabagStatus,omitempty"`
	CreateTime           string      `json:"createTime,omitempty"`
	RealFileType         string      `json:"realFileType,omitempty"`
	AppKey               string      `json:"appKey,omitempty"`
	OutputFormat         string      `json:"outputFormat,omitempty"`
}

// TranslationPage is one page of List. SearchAfter, when not nil, asks
// for the next page.
type TranslationPage struct {
	PageSize    int                 `json:"pageSize"`
	List        []TranslationDetail `json:"list"`
	SearchAfter []json.RawMessage   `json:"searchAfter"`
}

// CodeServiceSuccess is the success code of the /v1 endpoints.
const CodeServiceSuccess = "bimfaceservice-0000"

// ListPage reads one page of a project's translations (POST
// /v1/{projectId}/translations). searchAfter is nil for the first page
// and the previous page's SearchAfter for the next.
func (s *TranslateService) ListPage(ctx context.Context, projectID int64, f *TranslationFilter, searchAfter []json.RawMessage) (*TranslationPage, error) {
	body := struct {
		TranslationFilter
		SearchAfter []json.RawMessage `json:"searchAfter,omitempty"`
	}{SearchAfter: searchAfter}
	if f != nil {
		body.TranslationFilter = *f
	}
	req, err := s.client.NewRequest(http.MethodPost, "v1/"+strconv.FormatInt(projectID, 10)+"/translations", body)
	if err != nil {
		return nil, err
	}
	var p TranslationPage
	// The POST only reads: retry it like a GET.
	if _, err := s.client.Do(ctx, req, &p, Idempotent(true), SuccessCode(CodeServiceSuccess)); err != nil {
		return nil, err
	}
	return &p, nil
}

// List returns all of a project's translations that f selects, page by
// page as the loop asks for them, following searchAfter until BIMFACE
// says null. An error ends the sequence.
//
//	for t, err := range c.Translate.List(ctx, projectID, nil) {
//		if err != nil { ... }
//	}
func (s *TranslateService) List(ctx context.Context, projectID int64, f *TranslationFilter) iter.Seq2[TranslationDetail, error] {
	return func(yield func(TranslationDetail, error) bool) {
		var after []json.RawMessage
		for {
			p, err := s.ListPage(ctx, projectID, f, after)
			if err != nil {
				yield(TranslationDetail{}, err)
				return
			}
			for _, t := range p.List {
				if !yield(t, nil) {
					return
				}
			}
			if p.SearchAfter == nil || len(p.List) == 0 {
				return
			}
			after = p.SearchAfter
		}
	}
}
