package bimface

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// IntegrateService integrates translated files into one model (PUT, GET
// and DELETE /integrate). The integrated model's data is then read with
// IntegrationsService.
type IntegrateService service

// Integrate error codes, besides the general ones.
const (
	CodeFileTypeNotSupport   = "file.type.not.support"
	CodeFileHasNotTranslated = "file.has.not.translated"
	CodeFileIsTranslating    = "file.is.translating"
	CodeFileTranslateFailed  = "file.translate.failed"
)

// IntegrateSource is one file of an integration, with the specialty and
// floor it stands for and their display order (smaller sorts first).
type IntegrateSource struct {
	FileID        int64     `json:"fileId"`
	FileName      string    `json:"fileName,omitempty"`
	DatabagID     string    `json:"databagId,omitempty"`
	Specialty     string    `json:"specialty,omitempty"`
	SpecialtySort float64   `json:"specialtySort,omitempty"`
	Floor         string    `json:"floor,omitempty"`
	FloorSort     float64   `json:"floorSort,omitempty"`
	Building      string    `json:"building,omitempty"`
	Transform     []float64 `json:"transform,omitempty"`
}

// FloorMapping maps a file's floor to a floor of the integrated project.
type FloorMapping struct {
	FileFloorID      string `json:"fileFloorId"`
	ProjectFloorID   string `json:"projectFloorId"`
	ProjectFloorName string `json:"projectFloorName,omitempty"`
}

// PropertyOverride rewrites KeyToOverride of the elements whose
// KeyToMatch has one of the values, in the files named (all if none).
type PropertyOverride struct {
	KeyToMatch     string          `json:"keyToMatch"`
	KeyToOverride  string          `json:"keyToOverride"`
	TargetFileIDs  []string        `json:"targetFileIds,omitempty"`
	ValueOverrides []ValueOverride `json:"valueOverrides"`
}

// ValueOverride is one value of a PropertyOverride.
type ValueOverride struct {
	ValueToMatch    string `json:"valueToMatch"`
	ValueToOverride string `json:"valueToOverride"`
}

// IntegrateRequest is the body of PUT /integrate.
type IntegrateRequest struct {
	Sources           []IntegrateSource  `json:"sources"`
	Name              string             `json:"name,omitempty"`
	SourceID          string             `json:"sourceId,omitempty"`
	Priority          int                `json:"priority,omitempty"`
	Callback          string             `json:"callback,omitempty"`
	FloorSort         []string           `json:"floorSort,omitempty"`
	SpecialtySort     []string           `json:"specialtySort,omitempty"`
	FloorMapping      []FloorMapping     `json:"floorMapping,omitempty"`
	PropertyOverrides []PropertyOverride `json:"propertyOverrides,omitempty"`
	RuleFileIDs       []int64            `json:"ruleFileIds,omitempty"`
	ParentIntegrateID int64              `json:"parentIntegrateId,omitempty"`
	// Config is the integration engine's parameters, a JSON object as
	// the current reference documents it (the seed page's example shows
	// only a placeholder string).
	Config            map[string]any    `json:"config,omitempty"`
	InternalConfigMap map[string]string `json:"internalConfigMap,omitempty"`
}

// Integration is the state of an integration: processing, success or
// failed, with the Reason of a failure.
type Integration struct {
	IntegrateID int64    `json:"integrateId"`
	Name        string   `json:"name"`
	Priority    int      `json:"priority"`
	Status      string   `json:"status"`
	Reason      string   `json:"reason,omitempty"`
	SourceID    string   `json:"sourceId,omitempty"`
	Thumbnail   []string `json:"thumbnail,omitempty"`
	CreateTime  string   `json:"createTime,omitempty"`
}

// Done reports whether the integration has ended, well or not.
func (i *Integration) Done() bool { return i.Status == StatusSuccess || i.Status == StatusFailed }

// Start starts an integration (PUT /integrate).
func (s *IntegrateService) Start(ctx context.Context, r *IntegrateRequest) (*Integration, error) {
	var in Integration
	if err := s.client.send(ctx, s.client.baseURL, "BaseURL", http.MethodPut, "integrate", nil, r, &in); err != nil {
		return nil, err
	}
	return &in, nil
}

// Status reads an integration's state (GET /integrate?integrateId=).
func (s *IntegrateService) Status(ctx context.Context, integrateID int64) (*Integration, error) {
	var in Integration
	if err := s.client.get(ctx, "integrate", url.Values{"integrateId": {strconv.FormatInt(integrateID, 10)}}, &in); err != nil {
		return nil, err
	}
	return &in, nil
}

// Delete deletes an integrated model (DELETE /integrate?integrateId=).
func (s *IntegrateService) Delete(ctx context.Context, integrateID int64) error {
	return s.client.send(ctx, s.client.baseURL, "BaseURL", http.MethodDelete, "integrate", url.Values{"integrateId": {strconv.FormatInt(integrateID, 10)}}, nil, nil)
}
