package bimface

import (
	"context"
	"encoding/json"
	"net/url"
)

// FilesService reads the model data of a single translated file, under
// /data/v2/files/{fileId}.
type FilesService service

// ElementIDs lists the file's element IDs, filtered by f if it is not nil
// (GET .../elementIds).
func (s *FilesService) ElementIDs(ctx context.Context, fileID string, f *ElementFilter) ([]string, error) {
	return s.client.file(fileID).elementIDs(ctx, f)
}

// Elements reads elements with their properties (.../elements with body
// {"elementIds": [...]}), MaxBatchIDs IDs per request, several requests at
// once (WithBatchConcurrency). The batches' results come in the order of
// the batches; within a batch, in BIMFACE's order. IDs BIMFACE does not
// know are left out.
//
// The request is a POST, or a GET with a body under WithQueryGET; it only
// reads and is retried like a GET.
func (s *FilesService) Elements(ctx context.Context, fileID string, ids []string, opts *ElementsOptions) ([]Element, error) {
	return s.client.file(fileID).elements(ctx, ids, fileBody(opts))
}

// ElementsRaw is Elements returning each element's JSON exactly as
// BIMFACE sent it, for callers that store elements without re-encoding.
func (s *FilesService) ElementsRaw(ctx context.Context, fileID string, ids []string, opts *ElementsOptions) ([]json.RawMessage, error) {
	return s.client.file(fileID).elementsRaw(ctx, ids, fileBody(opts))
}

func fileBody(opts *ElementsOptions) func([]string) any {
	return func(ids []string) any {
		b := fileElementsBody{ElementIDs: ids}
		if opts != nil {
			b.Filter = opts.Filter
		}
		return b
	}
}

// Element reads one element (GET .../elements/{elementId}).
func (s *FilesService) Element(ctx context.Context, fileID, elementID string) (*Element, error) {
	return s.client.file(fileID).element(ctx, elementID)
}

// Rooms lists rooms by floor or by contained element (GET .../rooms).
func (s *FilesService) Rooms(ctx context.Context, fileID string, opts *RoomsOptions) ([]Room, error) {
	return s.client.file(fileID).rooms(ctx, opts)
}

// Room reads one room (GET .../rooms/{roomId}).
func (s *FilesService) Room(ctx context.Context, fileID, roomID string) (*Room, error) {
	return s.client.file(fileID).room(ctx, roomID)
}

// Areas lists the areas of a floor (GET .../areas?floorId=).
func (s *FilesService) Areas(ctx context.Context, fileID, floorID string) ([]Area, error) {
	return s.client.file(fileID).areas(ctx, floorID)
}

// Area reads one area (GET .../areas/{areaId}).
func (s *FilesService) Area(ctx context.Context, fileID, areaID string) (*Area, error) {
	return s.client.file(fileID).area(ctx, areaID)
}

// Floors lists the file's floors (GET .../floors). This endpoint is in
// BIMFACE's newer documentation; the older one has only
// fileIdfloorsMappings.
func (s *FilesService) Floors(ctx context.Context, fileID string, opts *FloorsOptions) ([]Floor, error) {
	return s.client.file(fileID).floors(ctx, opts)
}

// Tree reads the element category tree (GET .../tree?v=2.0). A tree with
// DesiredHierarchy or CustomizedNodeKeys sends them as a JSON body, by
// POST or, under WithQueryGET, by GET.
func (s *FilesService) Tree(ctx context.Context, fileID string, opts *TreeOptions) (*Tree, error) {
	return s.client.file(fileID).tree(ctx, opts, url.Values{"v": {"2.0"}})
}
