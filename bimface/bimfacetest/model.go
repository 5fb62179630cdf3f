package bimfacetest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
)

// maxBody bounds request bodies: a DSL or a batch of 1000 IDs is small.
const maxBody = 8 << 20

func readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		writeError(w, http.StatusBadRequest, CodeInvalidParameter, "reading the request body: "+err.Error())
		return nil, false
	}
	return b, true
}

func badRequest(w http.ResponseWriter, format string, args ...any) {
	writeError(w, http.StatusBadRequest, CodeInvalidParameter, fmt.Sprintf(format, args...))
}

func notFound(w http.ResponseWriter, key targetKey) {
	writeError(w, http.StatusNotFound, bimface.CodeFileNotFound, fmt.Sprintf("%s %s not found", key.typ, key.id))
}

// checkBools accepts the query's boolean options as BIMFACE does: true,
// false or absent. Overrides and visibility are not in a cache, so they
// change nothing.
func checkBools(w http.ResponseWriter, r *http.Request, names ...string) bool {
	for _, n := range names {
		if v := r.URL.Query().Get(n); v != "" && v != "true" && v != "false" {
			badRequest(w, "%s=%q: must be true or false", n, v)
			return false
		}
	}
	return true
}

// query answers /data/v2/query/elementIds, roomIds and areaIds, cut and
// paged as pager says: a later page of a context comes from the list its
// first call computed, whatever the later call's body.
func (s *Simulator) query(w http.ResponseWriter, r *http.Request, sel dsl.Select) {
	body, ok := readBody(w, r)
	if !ok || !checkBools(w, r, "includeOverrides", "excludeInvisibles") {
		return
	}
	spans, list, ok := s.pages.cut(w, r, func() ([]listPart, bool) {
		req, err := dsl.Unmarshal(body)
		if err != nil {
			badRequest(w, "invalid DSL: %v", err)
			return nil, false
		}
		if s.noIn && usesIn(req.Query()) {
			badRequest(w, "invalid DSL: unknown clause \"in\"")
			return nil, false
		}
		list := make([]listPart, 0, len(req.TargetIDs()))
		for _, id := range req.TargetIDs() {
			key := targetKey{req.TargetType(), id}
			t := s.target(key)
			if t == nil {
				notFound(w, key)
				return nil, false
			}
			if !s.viewAllows(r, key) {
				writeError(w, http.StatusUnauthorized, bimface.CodeAuthenticationFailed, "view token is not valid for "+string(key.typ)+" "+id)
				return nil, false
			}
			part := listPart{t: t, id: id}
			if rs := t.sets[sel]; rs != nil {
				part.ix = rs.ix
				if part.set, err = rs.ix.Search(req.Query()); err != nil {
					badRequest(w, "invalid DSL: %v", err)
					return nil, false
				}
			}
			list = append(list, part)
		}
		return list, true
	})
	if !ok {
		return
	}
	results := make([]eval.Result, len(list))
	for i, part := range list {
		results[i] = eval.Result{TargetID: part.id, Select: sel, IDs: []string{}}
	}
	for _, sp := range spans {
		part := list[sp.part]
		for pos := range part.set.Range(sp.from, sp.to) {
			results[sp.part].IDs = append(results[sp.part].IDs, part.ix.ID(pos))
		}
	}
	writeData(w, results)
}

func (s *Simulator) paginationContext(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	id := s.newToken("page")
	s.mu.Unlock()
	s.pages.add(id)
	writeData(w, id)
}

// propertyValues answers GET /data/v2/query/propertyValues: the distinct
// values of each property over the targets' elements, in the order
// eval.Index.Values gives them, targets one after the other.
func (s *Simulator) propertyValues(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	typ := dsl.TargetType(q.Get("targetType"))
	switch typ {
	case "":
		typ = dsl.TargetFile
	case dsl.TargetFile, dsl.TargetIntegration:
	default:
		badRequest(w, "targetType %q: must be file or integration", typ)
		return
	}
	props, ids := q["properties"], q["targetIds"]
	if len(props) == 0 || len(ids) == 0 {
		badRequest(w, "properties and targetIds are required")
		return
	}
	var targets []*target
	for _, id := range ids {
		key := targetKey{typ, id}
		t := s.target(key)
		if t == nil {
			notFound(w, key)
			return
		}
		if !s.viewAllows(r, key) {
			writeError(w, http.StatusUnauthorized, bimface.CodeAuthenticationFailed, "view token is not valid for "+string(typ)+" "+id)
			return
		}
		targets = append(targets, t)
	}
	// The seed's example sends the values as strings ("values" : [
	// "-2.45", "0.0" ], seed 001 line 7161, typed "< object > array" at
	// line 15375): each value's text, a number's as its literal, unless
	// WithTypedPropertyValues asks for JSON types.
	type answer struct {
		Property string `json:"property"`
		Values   []any  `json:"values"`
	}
	out := make([]answer, len(props))
	for i, p := range props {
		out[i] = answer{Property: p, Values: []any{}}
		seen := map[any]bool{}
		for _, t := range targets {
			if t.sets[dsl.SelectElements] == nil {
				continue
			}
			for _, vc := range t.sets[dsl.SelectElements].ix.Values(dsl.Key(p)) {
				var v any = vc.Value
				if !s.typedValues {
					v = vc.Value.Text()
				}
				if !seen[v] {
					seen[v] = true
					out[i].Values = append(out[i].Values, v)
				}
			}
		}
	}
	writeData(w, out)
}

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

// levels maps a tree level to the keys of its node names and IDs.
var levels = map[string][2]string{
	"building":   {"building", "buildingId"},
	"systemType": {"systemType", "systemTypeId"},
	"specialty":  {"specialty", "specialtyId"},
	"floor":      {"floor", "floorId"},
	"category":   {"categoryName", "categoryId"},
	"family":     {"family", "familyId"},
	"familyType": {"familyType", "familyTypeId"},
}

// tree answers .../tree: a file's default tree as a bare list of floor
// nodes (v=2.0), anything else as {"root", "items"}.
func (s *Simulator) tree(w http.ResponseWriter, r *http.Request, t *target) {
	q := r.URL.Query()
	var body struct {
		DesiredHierarchy   []string          `json:"desiredHierarchy"`
		CustomizedNodeKeys map[string]string `json:"customizedNodeKeys"`
	}
	if r.Method == http.MethodPost || r.ContentLength > 0 {
		b, ok := readBody(w, r)
		if !ok {
			return
		}
		if len(bytes.TrimSpace(b)) > 0 {
			if err := json.Unmarshal(b, &body); err != nil {
				badRequest(w, "tree body: %v", err)
				return
			}
		}
	}
	// The default trees, as the pages show them: a file's by floor, an
	// integration's by floor then specialty, or by specialty then floor;
	// desiredHierarchy counts only in a customized tree.
	integration := t.key.typ == dsl.TargetIntegration
	hier, root := []string{"floor", "category", "family", "familyType"}, "floor"
	if integration {
		hier, root = []string{"floor", "specialty", "category", "family", "familyType"}, "楼层"
	}
	treeType := q.Get("treeType")
	switch {
	case treeType == "customized":
		hier = body.DesiredHierarchy
		if len(hier) == 0 && q.Get("desiredHierarchy") != "" {
			hier = strings.Split(q.Get("desiredHierarchy"), ",")
		}
		if len(hier) == 0 {
			badRequest(w, "desiredHierarchy is required with treeType customized")
			return
		}
		root = hier[0]
	case integration && treeType == "specialty":
		hier, root = []string{"specialty", "floor", "category", "family", "familyType"}, "专业"
	case treeType == "" || (!integration && treeType == "default") || (integration && treeType == "floor"):
	default:
		badRequest(w, "treeType %q: unknown", treeType)
		return
	}
	for _, l := range hier {
		if _, ok := levels[l]; !ok {
			badRequest(w, "desiredHierarchy: unknown level %q", l)
			return
		}
	}
	info := t.info()
	all := make([]int, len(info.elems))
	for i := range all {
		all[i] = i
	}
	var nodeKeys map[string]string
	if treeType == "customized" {
		nodeKeys = body.CustomizedNodeKeys
	}
	items := buildTree(info.elems, all, hier, nodeKeys)
	if !integration && treeType != "customized" && q.Get("v") == "2.0" {
		writeData(w, items)
		return
	}
	writeData(w, bimface.Tree{Root: root, Items: items})
}

func buildTree(elems []recInfo, recs []int, hier []string, nodeKeys map[string]string) []bimface.TreeNode {
	nodes := []bimface.TreeNode{}
	if len(hier) == 0 {
		return nodes
	}
	level := hier[0]
	keys := levels[level]
	index := map[[2]string]int{}
	var members [][]int
	for _, i := range recs {
		k := [2]string{elems[i].props[keys[1]], elems[i].props[keys[0]]}
		j, ok := index[k]
		if !ok {
			j = len(nodes)
			index[k] = j
			id := k[0]
			if nodeKeys[level] == "name" {
				id = k[1]
			}
			nodes = append(nodes, bimface.TreeNode{ID: id, Name: k[1], ActualName: k[1], Type: level})
			members = append(members, nil)
		}
		members[j] = append(members[j], i)
		nodes[j].ElementCount++
	}
	for j := range nodes {
		nodes[j].Items = buildTree(elems, members[j], hier[1:], nodeKeys)
	}
	return nodes
}

// usesIn reports whether a query holds an in clause.
func usesIn(q dsl.Query) bool {
	found := false
	dsl.Walk(q, func(q dsl.Query) {
		if _, ok := q.(dsl.InQuery); ok {
			found = true
		}
	})
	return found
}
