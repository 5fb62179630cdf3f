package bimface

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"

	"github.com/bfquery/bfquery/dsl"
)

// SpacesRaw lists every room (sel is dsl.SelectRooms) or area
// (dsl.SelectAreas) of a file or an integration, each as BIMFACE sent it:
// floor by floor, as the endpoints list them, a space listed under two
// floors once. A model without floors has none.
func (c *Client) SpacesRaw(ctx context.Context, t dsl.TargetType, id string, sel dsl.Select) ([]json.RawMessage, error) {
	endpoint := map[dsl.Select]string{dsl.SelectRooms: "rooms", dsl.SelectAreas: "areas"}[sel]
	if endpoint == "" {
		return nil, fmt.Errorf("bimface: SpacesRaw lists rooms or areas, not %ss", sel)
	}
	prefix := "data/v2/files/" + url.PathEscape(id) + "/"
	if t == dsl.TargetIntegration {
		prefix = "data/v2/integrations/" + url.PathEscape(id) + "/"
	}
	var floors []struct {
		ID string `json:"id"`
	}
	if err := c.get(ctx, prefix+"floors", nil, &floors); err != nil {
		return nil, err
	}
	floorIDs := make([]string, 0, len(floors))
	for _, f := range floors {
		floorIDs = append(floorIDs, f.ID)
	}
	// The areas endpoint needs a floorId, and rooms are listed by floor
	// or by element: a model without floors has none to list.
	all := []json.RawMessage{}
	seen := map[string]bool{}
	for _, fid := range floorIDs {
		q := url.Values{"floorId": {fid}}
		var recs []json.RawMessage
		if err := c.get(ctx, prefix+endpoint, q, &recs); err != nil {
			return nil, err
		}
		for _, r := range recs {
			var rid struct {
				ID json.RawMessage `json:"id"`
			}
			if err := json.Unmarshal(r, &rid); err != nil {
				return nil, fmt.Errorf("bimface: %s of floor %s: %w", endpoint, fid, err)
			}
			if k := string(rid.ID); k == "" || !seen[k] {
				seen[k] = true
				all = append(all, r)
			}
		}
	}
	return all, nil
}
