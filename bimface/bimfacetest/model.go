package bimfacetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/dsl"
)

// filterKeys are the six dimensions of elementIds, by query parameter.
var filterKeys = []struct{ param, key string }{
	{"specialty", "specialty"},
	{"categoryId", "categoryId"},
	{"family", "family"},
	{"familyType", "familyType"},
	{"floor", "floor"},
	{"systemType", "systemType"},
}

// elementIDs answers .../elementIds, cut and paged as pager says: a file's
// IDs as a list, an integration's as its page shows them,
// {"boundingBox", "elements": [{"fileId", "elementId"}]}, the box around
// the elements of the answer.
func (s *Simulator) elementIDs(w http.ResponseWriter, r *http.Request, t *target) {
	q := r.URL.Query()
	spans, list, ok := s.pages.cut(w, r, func() ([]listPart, bool) {
		part := listPart{t: t, id: t.key.id}
		rs := t.sets[dsl.SelectElements]
		if rs == nil {
			return []listPart{part}, true
		}
		part.ix = rs.ix
		var clauses []dsl.Query
		for _, f := range filterKeys {
			if v := q.Get(f.param); v != "" {
				clauses = append(clauses, dsl.Match(dsl.Key(f.key), v))
			}
		}
		if len(clauses) == 0 {
			part.set = rs.ix.Records()
		} else {
			set, err := rs.ix.Search(dsl.And(clauses...))
			if err != nil {
				badRequest(w, "%v", err)
				return nil, false
			}
			part.set = set
		}
		if roomID := q.Get("roomId"); roomID != "" {
			room, ok := s.roomBox(t, roomID)
			if !ok {
				badRequest(w, "room %q not found", roomID)
				return nil, false
			}
			info := t.info()
			part.set = part.set.Filter(func(i int) bool {
				e := info.elems[i]
				return e.hasBox && inside(e.box, room, q.Get("roomToleranceXY"), q.Get("roomToleranceZ"))
			})
		}
		return []listPart{part}, true
	})
	if !ok {
		return
	}
	part := list[0]
	if t.key.typ != dsl.TargetIntegration {
		ids := []string{}
		for _, sp := range spans {
			for pos := range part.set.Range(sp.from, sp.to) {
				ids = append(ids, part.ix.ID(pos))
			}
		}
		writeData(w, ids)
		return
	}
	type fileElement struct {
		FileID    string `json:"fileId"`
		ElementID string `json:"elementId"`
	}
	elements := []fileElement{}
	var around *box
	info := part.t.info()
	for _, sp := range spans {
		for i := range part.set.Range(sp.from, sp.to) {
			fid, eid, ok := strings.Cut(part.ix.ID(i), ".")
			if !ok {
				// An element the cache gave no file.
				fid, eid = "", fid
			}
			elements = append(elements, fileElement{fid, eid})
			if e := info.elems[i]; e.hasBox {
				if around == nil {
					around = &box{e.box.min, e.box.max}
				}
				for k := range 3 {
					around.min[k] = min(around.min[k], e.box.min[k])
					around.max[k] = max(around.max[k], e.box.max[k])
				}
			}
		}
	}
	ans := struct {
		BoundingBox *bimface.BoundingBox `json:"boundingBox,omitempty"`
		Elements    []fileElement        `json:"elements"`
	}{Elements: elements}
	if around != nil {
		ans.BoundingBox = &bimface.BoundingBox{
			Min: bimface.Point{X: around.min[0], Y: around.min[1], Z: around.min[2]},
			Max: bimface.Point{X: around.max[0], Y: around.max[1], Z: around.max[2]},
		}
	}
	writeData(w, ans)
}

func (s *Simulator) roomBox(t *target, roomID string) (box, bool) {
	rs := t.sets[dsl.SelectRooms]
	if rs == nil {
		return box{}, false
	}
	i, ok := rs.byID[roomID]
	if !ok {
		return box{}, false
	}
	ri := t.info().rooms[i]
	return ri.box, ri.hasBox
}

// elements answers the batch read .../elements: a file's body is
// {"elementIds": [...], "filter": [...]}, an integration's
// [{"fileIdHash": ..., "elementIds": [...]}]. Unknown IDs are left out.
func (s *Simulator) elements(w http.ResponseWriter, r *http.Request, t *target) {
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	var ids []string
	var filter []bimface.PropertyFilter
	if t.key.typ == dsl.TargetIntegration {
		// The current reference takes {"ids": [{"fileIdHash",
		// "elementIds"}], "filter": ...}; the seed page and older SDKs the
		// bare array, which WithLegacyIntegrationBody makes the only form
		// (shared/seeds/README.md, "integrations/{id}/elements").
		var groups []struct {
			FileIDHash string   `json:"fileIdHash"`
			ElementIDs []string `json:"elementIds"`
		}
		if s.legacyBody {
			if err := json.Unmarshal(body, &groups); err != nil {
				badRequest(w, "body must be [{\"fileIdHash\": ..., \"elementIds\": [...]}]: %v", err)
				return
			}
		} else {
			var b struct {
				IDs *[]struct {
					FileIDHash string   `json:"fileIdHash"`
					ElementIDs []string `json:"elementIds"`
				} `json:"ids"`
				Filter []bimface.PropertyFilter `json:"filter"`
			}
			if err := json.Unmarshal(body, &b); err != nil || b.IDs == nil {
				if err == nil {
					err = errors.New("ids is required")
				}
				badRequest(w, "body must be {\"ids\": [{\"fileIdHash\": ..., \"elementIds\": [...]}]}: %v", err)
				return
			}
			for _, g := range *b.IDs {
				groups = append(groups, struct {
					FileIDHash string   `json:"fileIdHash"`
					ElementIDs []string `json:"elementIds"`
				}(g))
			}
			filter = b.Filter
		}
		for _, g := range groups {
			if g.FileIDHash == "" {
				badRequest(w, "fileIdHash is required")
				return
			}
			for _, id := range g.ElementIDs {
				ids = append(ids, g.FileIDHash+"."+id)
			}
		}
	} else {
		var b struct {
			ElementIDs []string                 `json:"elementIds"`
			Filter     []bimface.PropertyFilter `json:"filter"`
		}
		if err := json.Unmarshal(body, &b); err != nil {
			badRequest(w, "body must be {\"elementIds\": [...]}: %v", err)
			return
		}
		ids, filter = b.ElementIDs, b.Filter
	}
	if len(ids) > s.maxBatch {
		badRequest(w, "%d element IDs in one request: at most %d are allowed", len(ids), s.maxBatch)
		return
	}
	rs := t.sets[dsl.SelectElements]
	var found []json.RawMessage
	size := 0
	if rs != nil {
		for _, id := range ids {
			if i, ok := rs.byID[id]; ok {
				rec := rs.raw[i]
				if len(filter) > 0 {
					rec = filterProperties(rec, filter)
				}
				found = append(found, rec)
				size += len(rec) + 1
			}
		}
	}
	writeRaw(w, joinRecords(found, size))
}

func joinRecords(recs []json.RawMessage, size int) []byte {
	buf := make([]byte, 0, size+2)
	buf = append(buf, '[')
	for i, rec := range recs {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, rec...)
	}
	return append(buf, ']')
}

// filterProperties keeps the property groups (and keys) filter names.
func filterProperties(rec json.RawMessage, filter []bimface.PropertyFilter) json.RawMessage {
	var obj map[string]json.RawMessage
	var groups []bimface.PropertyGroup
	if json.Unmarshal(rec, &obj) != nil || json.Unmarshal(obj["properties"], &groups) != nil {
		return rec
	}
	kept := []bimface.PropertyGroup{}
	for _, g := range groups {
		for _, f := range filter {
			if f.Group != g.Group {
				continue
			}
			if len(f.Keys) > 0 {
				var items []bimface.PropertyItem
				for _, it := range g.Items {
					for _, k := range f.Keys {
						if it.Key == k {
							items = append(items, it)
						}
					}
				}
				g.Items = items
			}
			kept = append(kept, g)
			break
		}
	}
	obj["properties"], _ = json.Marshal(kept)
	out, err := json.Marshal(obj)
	if err != nil {
		return rec
	}
	return out
}

func (s *Simulator) element(w http.ResponseWriter, r *http.Request, t *target) {
	s.one(w, r, t, dsl.SelectElements)
}

func (s *Simulator) space(w http.ResponseWriter, r *http.Request, t *target, sel dsl.Select) {
	s.one(w, r, t, sel)
}

// one answers .../elements/{id}, rooms/{id} and areas/{id}.
func (s *Simulator) one(w http.ResponseWriter, r *http.Request, t *target, sel dsl.Select) {
	id := r.PathValue("eid")
	rs := t.sets[sel]
	if rs != nil {
		if i, ok := rs.byID[id]; ok {
			writeRaw(w, rs.raw[i])
			return
		}
	}
	writeError(w, http.StatusNotFound, "resource.not.found", fmt.Sprintf("%s %q not found in %s %s", sel, id, t.key.typ, t.key.id))
}

// spaces answers .../rooms and .../areas: those of a floor (floorId), the
// rooms holding an element (elementId), or all.
func (s *Simulator) spaces(w http.ResponseWriter, r *http.Request, t *target, sel dsl.Select) {
	rs := t.sets[sel]
	if rs == nil {
		writeRaw(w, []byte("[]"))
		return
	}
	q := r.URL.Query()
	info := t.info()
	list := info.rooms
	if sel == dsl.SelectAreas {
		list = info.areas
	}
	var keep func(i int) bool
	switch {
	case q.Get("floorId") != "":
		floor := q.Get("floorId")
		keep = func(i int) bool { return list[i].level == floor }
	case sel == dsl.SelectRooms && q.Get("elementId") != "":
		ers := t.sets[dsl.SelectElements]
		j, ok := -1, false
		if ers != nil {
			j, ok = ers.byID[q.Get("elementId")]
		}
		if !ok {
			badRequest(w, "element %q not found", q.Get("elementId"))
			return
		}
		e := info.elems[j]
		keep = func(i int) bool {
			return e.hasBox && list[i].hasBox && inside(e.box, list[i].box, q.Get("roomToleranceXY"), q.Get("roomToleranceZ"))
		}
	default:
		keep = func(int) bool { return true }
	}
	var found []json.RawMessage
	size := 0
	for i, rec := range rs.raw {
		if keep(i) {
			found = append(found, rec)
			size += len(rec) + 1
		}
	}
	writeRaw(w, joinRecords(found, size))
}

// floors answers .../floors.
func (s *Simulator) floors(w http.ResponseWriter, r *http.Request, t *target) {
	info := t.info()
	q := r.URL.Query()
	out := make([]bimface.Floor, len(info.floors))
	for i, f := range info.floors {
		out[i] = bimface.Floor{ID: f.id, Name: f.name, Elevation: f.minZ, ArchElev: f.minZ, StructElev: f.minZ, Height: f.maxZ - f.minZ}
		if q.Get("includeRoom") == "true" {
			out[i].Rooms = spacesOn(t, dsl.SelectRooms, info.rooms, f.id)
		}
		if q.Get("includeArea") == "true" {
			for _, rm := range spacesOn(t, dsl.SelectAreas, info.areas, f.id) {
				out[i].Areas = append(out[i].Areas, bimface.Area{ID: rm.ID, Name: rm.Name, LevelID: rm.LevelID})
			}
		}
	}
	writeData(w, out)
}

func spacesOn(t *target, sel dsl.Select, list []recInfo, floorID string) []bimface.Room {
	var out []bimface.Room
	for i, ri := range list {
		if ri.level == floorID {
			out = append(out, bimface.Room{ID: t.sets[sel].ix.ID(i), Name: ri.props["name"], LevelID: ri.level})
		}
	}
	return out
}
