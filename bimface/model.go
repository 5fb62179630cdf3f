package bimface

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/sync/errgroup"
)

// model is the data API of one file or one integration: both families of
// endpoints have the same shapes under different prefixes.
type model struct {
	c           *Client
	prefix      string // "data/v2/files/123/" or "data/v2/integrations/456/"
	integration bool
}

func (c *Client) file(id string) model {
	return model{c: c, prefix: "data/v2/files/" + url.PathEscape(id) + "/"}
}

func (c *Client) integration(id string) model {
	return model{c: c, prefix: "data/v2/integrations/" + url.PathEscape(id) + "/", integration: true}
}

// ElementFilter selects elements by the six dimensions BIMFACE indexes and
// by room. Empty fields do not filter.
type ElementFilter struct {
	Specialty  string
	CategoryID string
	Family     string
	FamilyType string
	Floor      string
	SystemType string

	// RoomID keeps the elements inside a room, as computed with the
	// tolerances (BIMFACE's defaults are ORDINARY and STRICT).
	RoomID          string
	RoomToleranceXY Tolerance
	RoomToleranceZ  Tolerance
}

func (f *ElementFilter) values() url.Values {
	q := url.Values{}
	if f == nil {
		return q
	}
	for _, p := range []struct{ name, v string }{
		{"specialty", f.Specialty},
		{"categoryId", f.CategoryID},
		{"family", f.Family},
		{"familyType", f.FamilyType},
		{"floor", f.Floor},
		{"systemType", f.SystemType},
		{"roomId", f.RoomID},
		{"roomToleranceXY", string(f.RoomToleranceXY)},
		{"roomToleranceZ", string(f.RoomToleranceZ)},
	} {
		if p.v != "" {
			q.Set(p.name, p.v)
		}
	}
	return q
}

// elementIDs lists the elementIds of the file or integration in pages
// (see Client.listIDs): the endpoint takes paginationContextId,
// paginationSize and paginationNo (seed 001, GET
// /data/v2/files/{fileId}/elementIds, around line 1951; the same for
// integrations around line 4509), and is cut at MaxPageSize IDs unpaged.
// The filters go with every page; BIMFACE counts those of the first.
func (m model) elementIDs(ctx context.Context, f *ElementFilter) ([]string, error) {
	name := m.prefix + "elementIds"
	return m.c.listIDs(ctx, name, m.c.pageSize, func(ctx context.Context, paging url.Values) ([]string, error) {
		q := f.values()
		for k, v := range paging {
			q[k] = v
		}
		req, err := m.c.NewRequest(http.MethodGet, name+"?"+q.Encode(), nil)
		if err != nil {
			return nil, err
		}
		var raw json.RawMessage
		if _, err := m.c.Do(ctx, req, &raw, Idempotent(false)); err != nil {
			return nil, err
		}
		return decodeElementIDs(raw)
	})
}

// decodeElementIDs reads the data of an elementIds answer: a list of IDs,
// or, as the integration page shows it, {"elements": [{"fileId",
// "elementId"}]}, whose entries become "fileId.elementId" like the IDs of
// integration queries.
func decodeElementIDs(raw json.RawMessage) ([]string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" || string(raw) == `""` {
		return nil, nil
	}
	if raw[0] == '[' {
		var ids []string
		err := json.Unmarshal(raw, &ids)
		return ids, err
	}
	var obj struct {
		Elements []struct {
			FileID    string `json:"fileId"`
			ElementID string `json:"elementId"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, err
	}
	ids := make([]string, len(obj.Elements))
	for i, e := range obj.Elements {
		ids[i] = e.ElementID
		if e.FileID != "" {
			ids[i] = e.FileID + "." + e.ElementID
		}
	}
	return ids, nil
}

// ElementsOptions narrow what a batch element read returns.
type ElementsOptions struct {
	// Filter, if set, limits the properties returned to these groups
	// (and keys within them).
	Filter []PropertyFilter
}

// PropertyFilter selects one property group, and optionally only some of
// its keys.
type PropertyFilter struct {
	Group string   `json:"group"`
	Keys  []string `json:"keys,omitempty"`
}

type fileElementsBody struct {
	ElementIDs []string         `json:"elementIds"`
	Filter     []PropertyFilter `json:"filter,omitempty"`
}

// integrationElementsBody is the body of an integration's batch read as
// the current reference documents it.
type integrationElementsBody struct {
	IDs []integrationFileIDs `json:"ids"`
}

type integrationFileIDs struct {
	FileIDHash string   `json:"fileIdHash"`
	ElementIDs []string `json:"elementIds"`
}

// elementsRaw reads the elements in batches of at most MaxBatchIDs IDs,
// body building each batch's request body, and returns each element's JSON
// as sent, batches in input order.
func (m model) elementsRaw(ctx context.Context, ids []string, body func([]string) any) ([]json.RawMessage, error) {
	return batch(ctx, m.c, ids, func(ctx context.Context, chunk []string) ([]json.RawMessage, error) {
		var out []json.RawMessage
		err := m.readBatch(ctx, chunk, body, &out)
		return out, err
	})
}

func (m model) elements(ctx context.Context, ids []string, body func([]string) any) ([]Element, error) {
	return batch(ctx, m.c, ids, func(ctx context.Context, chunk []string) ([]Element, error) {
		var out []Element
		err := m.readBatch(ctx, chunk, body, &out)
		return out, err
	})
}

// readBatch sends one batch read. An integration's batch goes in the body
// the current reference documents, {"ids": [{"fileIdHash", "elementIds"}]};
// a server that refuses it with a 400 gets the bare array of the seed page
// and older SDKs (shared/seeds/README.md, "integrations/{id}/elements"),
// and the client sends the array from then on.
func (m model) readBatch(ctx context.Context, chunk []string, body func([]string) any, v any) error {
	path := m.prefix + "elements"
	if !m.integration {
		return m.c.sendRead(ctx, path, nil, body(chunk), v)
	}
	groups := integrationGroups(chunk)
	if m.c.legacyIntegrationBody.Load() {
		return m.c.sendRead(ctx, path, nil, groups, v)
	}
	err := m.c.sendRead(ctx, path, nil, integrationElementsBody{IDs: groups}, v)
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest {
		return err
	}
	if legacyErr := m.c.sendRead(ctx, path, nil, groups, v); legacyErr != nil {
		return fmt.Errorf("%w (the legacy array body was refused too: %v)", err, legacyErr)
	}
	m.c.legacyIntegrationBody.Store(true)
	return nil
}

// batch splits ids into chunks of MaxBatchIDs, runs fn on them with at most
// the client's batch concurrency, and concatenates the results in chunk
// order. The first failure cancels the other chunks.
func batch[T any](ctx context.Context, c *Client, ids []string, fn func(context.Context, []string) ([]T, error)) ([]T, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	n := (len(ids) + MaxBatchIDs - 1) / MaxBatchIDs
	results := make([][]T, n)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.batchConcurrency)
	for i := range n {
		chunk := ids[i*MaxBatchIDs : min((i+1)*MaxBatchIDs, len(ids))]
		g.Go(func() error {
			r, err := fn(gctx, chunk)
			results[i] = r
			return err
		})
	}
	if err := g.Wait(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	total := 0
	for _, r := range results {
		total += len(r)
	}
	out := make([]T, 0, total)
	for _, r := range results {
		out = append(out, r...)
	}
	return out, nil
}

// integrationGroups groups "fileIdHash.elementId" IDs by file, files in
// order of first appearance. An ID without a dot is sent with an empty
// fileIdHash, which BIMFACE will reject with its own message.
func integrationGroups(ids []string) []integrationFileIDs {
	var groups []integrationFileIDs
	index := map[string]int{}
	for _, id := range ids {
		file, elem, ok := strings.Cut(id, ".")
		if !ok {
			file, elem = "", id
		}
		j, seen := index[file]
		if !seen {
			j = len(groups)
			index[file] = j
			groups = append(groups, integrationFileIDs{FileIDHash: file})
		}
		groups[j].ElementIDs = append(groups[j].ElementIDs, elem)
	}
	return groups
}

func (m model) element(ctx context.Context, elementID string) (*Element, error) {
	var e Element
	if err := m.c.get(ctx, m.prefix+"elements/"+url.PathEscape(elementID), nil, &e); err != nil {
		return nil, err
	}
	return &e, nil
}

// RoomsOptions choose the rooms to list: those of a floor, or those
// containing an element (computed with the tolerances). BIMFACE takes
// FloorID first if both are set.
type RoomsOptions struct {
	FloorID         string
	ElementID       string
	RoomToleranceXY Tolerance
	RoomToleranceZ  Tolerance
}

func (o *RoomsOptions) values() url.Values {
	q := url.Values{}
	if o == nil {
		return q
	}
	for _, p := range []struct{ name, v string }{
		{"floorId", o.FloorID},
		{"elementId", o.ElementID},
		{"roomToleranceXY", string(o.RoomToleranceXY)},
		{"roomToleranceZ", string(o.RoomToleranceZ)},
	} {
		if p.v != "" {
			q.Set(p.name, p.v)
		}
	}
	return q
}

func (m model) rooms(ctx context.Context, o *RoomsOptions) ([]Room, error) {
	var out []Room
	err := m.c.get(ctx, m.prefix+"rooms", o.values(), &out)
	return out, err
}

func (m model) room(ctx context.Context, roomID string) (*Room, error) {
	var r Room
	if err := m.c.get(ctx, m.prefix+"rooms/"+url.PathEscape(roomID), nil, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

func (m model) areas(ctx context.Context, floorID string) ([]Area, error) {
	q := url.Values{}
	if floorID != "" {
		q.Set("floorId", floorID)
	}
	var out []Area
	err := m.c.get(ctx, m.prefix+"areas", q, &out)
	return out, err
}

func (m model) area(ctx context.Context, areaID string) (*Area, error) {
	var a Area
	if err := m.c.get(ctx, m.prefix+"areas/"+url.PathEscape(areaID), nil, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

// FloorsOptions ask for each floor's rooms and areas too.
type FloorsOptions struct {
	IncludeRooms bool
	IncludeAreas bool
}

func (m model) floors(ctx context.Context, o *FloorsOptions) ([]Floor, error) {
	q := url.Values{}
	if o != nil && o.IncludeRooms {
		q.Set("includeRoom", "true")
	}
	if o != nil && o.IncludeAreas {
		q.Set("includeArea", "true")
	}
	var out []Floor
	err := m.c.get(ctx, m.prefix+"floors", q, &out)
	return out, err
}

// TreeOptions choose the category tree. The zero value asks for the
// default tree (floor, category, family, family type for a file; floor,
// specialty, category, family, family type for an integration).
type TreeOptions struct {
	// TreeType is "default" or "customized" for a file, "floor",
	// "specialty" or "customized" for an integration.
	TreeType string
	// DesiredHierarchy and CustomizedNodeKeys shape a customized tree:
	// levels among building, systemType, specialty, floor, category,
	// family, familyType, and per level whether nodes are keyed by "id" or
	// "name". Setting either with no TreeType asks for "customized".
	DesiredHierarchy   []string
	CustomizedNodeKeys map[string]string
}

type treeBody struct {
	DesiredHierarchy   []string          `json:"desiredHierarchy,omitempty"`
	CustomizedNodeKeys map[string]string `json:"customizedNodeKeys,omitempty"`
}

func (m model) tree(ctx context.Context, o *TreeOptions, q url.Values) (*Tree, error) {
	if o == nil {
		o = &TreeOptions{}
	}
	custom := len(o.DesiredHierarchy) > 0 || len(o.CustomizedNodeKeys) > 0
	switch {
	case o.TreeType != "":
		q.Set("treeType", o.TreeType)
	case custom:
		// BIMFACE reads desiredHierarchy only in a customized tree.
		q.Set("treeType", "customized")
	}
	if len(o.DesiredHierarchy) > 0 {
		q.Set("desiredHierarchy", strings.Join(o.DesiredHierarchy, ","))
	}
	var t Tree
	if !custom {
		if err := m.c.get(ctx, m.prefix+"tree", q, &t); err != nil {
			return nil, err
		}
		return &t, nil
	}
	body := treeBody{DesiredHierarchy: o.DesiredHierarchy, CustomizedNodeKeys: o.CustomizedNodeKeys}
	if err := m.c.sendRead(ctx, m.prefix+"tree", q, body, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// UnmarshalJSON reads a tree as BIMFACE sends it: an object with root and
// items, or (a file's default tree, v2.0) the bare list of items.
func (t *Tree) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '[' {
		*t = Tree{}
		return json.Unmarshal(data, &t.Items)
	}
	type plain Tree
	return json.Unmarshal(data, (*plain)(t))
}
