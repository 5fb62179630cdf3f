package bimface

import (
	"context"
	"encoding/json"
	"net/url"
)

// IntegrationsService reads the model data of an integrated model, under
// /data/v2/integrations/{integrateId}. Element IDs of an integration are
// written "fileIdHash.elementId", as its queries return them.
type IntegrationsService service

// ElementIDs lists the integration's element IDs as "fileId.elementId",
// filtered by f if it is not nil (GET .../elementIds).
func (s *IntegrationsService) ElementIDs(ctx context.Context, integrateID string, f *ElementFilter) ([]string, error) {
	return s.client.integration(integrateID).elementIDs(ctx, f)
}

// Elements reads elements with their properties (.../elements with body
// {"ids": [{"fileIdHash": ..., "elementIds": [...]}]}, or the bare array
// for servers that want it). ids are
// "fileIdHash.elementId"; they are sent MaxBatchIDs per request, grouped
// by file, with results ordered as in FilesService.Elements.
func (s *IntegrationsService) Elements(ctx context.Context, integrateID string, ids []string) ([]Element, error) {
	return s.client.integration(integrateID).elements(ctx, ids, nil)
}

// ElementsRaw is Elements returning each element's JSON as sent.
func (s *IntegrationsService) ElementsRaw(ctx context.Context, integrateID string, ids []string) ([]json.RawMessage, error) {
	return s.client.integration(integrateID).elementsRaw(ctx, ids, nil)
}

// Element reads one element (GET .../elements/{elementId}).
func (s *IntegrationsService) Element(ctx context.Context, integrateID, elementID string) (*Element, error) {
	return s.client.integration(integrateID).element(ctx, elementID)
}

// Rooms lists rooms by floor or by contained element (GET .../rooms).
func (s *IntegrationsService) Rooms(ctx context.Context, integrateID string, opts *RoomsOptions) ([]Room, error) {
	return s.client.integration(integrateID).rooms(ctx, opts)
}

// Room reads one room (GET .../rooms/{roomId}); integration room IDs look
// like "1373167156769760_857279".
func (s *IntegrationsService) Room(ctx context.Context, integrateID, roomID string) (*Room, error) {
	return s.client.integration(integrateID).room(ctx, roomID)
}

// Areas lists the areas of a floor (GET .../areas?floorId=).
func (s *IntegrationsService) Areas(ctx context.Context, integrateID, floorID string) ([]Area, error) {
	return s.client.integration(integrateID).areas(ctx, floorID)
}

// Area reads one area (GET .../areas/{areaId}).
func (s *IntegrationsService) Area(ctx context.Context, integrateID, areaID string) (*Area, error) {
	return s.client.integration(integrateID).area(ctx, areaID)
}

// Floors lists the integration's floors (GET .../floors).
func (s *IntegrationsService) Floors(ctx context.Context, integrateID string, opts *FloorsOptions) ([]Floor, error) {
	return s.client.integration(integrateID).floors(ctx, opts)
}

// Tree reads the category tree (GET .../tree), by floor unless
// opts.TreeType says otherwise.
func (s *IntegrationsService) Tree(ctx context.Context, integrateID string, opts *TreeOptions) (*Tree, error) {
	return s.client.integration(integrateID).tree(ctx, opts, url.Values{})
}
