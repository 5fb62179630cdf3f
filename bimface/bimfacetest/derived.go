package bimfacetest

import (
	"math"
	"slices"

	"github.com/tidwall/gjson"
)

// derived is what floors, trees and room containment need of the
// records, read from their JSON on first use.
type derived struct {
	elems  []recInfo
	rooms  []recInfo
	areas  []recInfo
	floors []floorInfo
}

// recInfo is a record's first value of each standard key the endpoints
// group or filter by, and its box.
type recInfo struct {
	props  map[string]string
	box    box
	level  string // levelId of a room or area
	hasBox bool
}

type box struct{ min, max [3]float64 }

type floorInfo struct {
	id, name string
	minZ     float64
	maxZ     float64
}

// treeKeys are the standard keys kept per record: the tree levels, each
// as a name key and an id key, and the filter keys.
var treeKeys = []string{
	"specialty", "specialtyId", "categoryName", "categoryId", "floor", "floorId",
	"building", "buildingId", "systemType", "systemTypeId", "family", "familyId",
	"familyType", "familyTypeId", "name",
}

func (t *target) info() *derived {
	t.once.Do(func() {
		d := &derived{}
		for sel, dst := range []*[]recInfo{&d.elems, &d.rooms, &d.areas} {
			rs := t.sets[sel]
			if rs == nil {
				continue
			}
			*dst = make([]recInfo, len(rs.raw))
			for i, raw := range rs.raw {
				(*dst)[i] = readInfo(raw)
			}
		}
		seen := map[string]int{}
		for _, e := range d.elems {
			id := e.props["floorId"]
			if id == "" {
				continue
			}
			j, ok := seen[id]
			if !ok {
				j = len(d.floors)
				seen[id] = j
				d.floors = append(d.floors, floorInfo{id: id, name: e.props["floor"], minZ: math.Inf(1), maxZ: math.Inf(-1)})
			}
			if e.hasBox {
				f := &d.floors[j]
				f.minZ = min(f.minZ, e.box.min[2])
				f.maxZ = max(f.maxZ, e.box.max[2])
			}
		}
		// Rooms and areas may stand on a level no element does.
		for _, list := range [][]recInfo{d.rooms, d.areas} {
			for _, r := range list {
				if r.level == "" {
					continue
				}
				if _, ok := seen[r.level]; !ok {
					seen[r.level] = len(d.floors)
					d.floors = append(d.floors, floorInfo{id: r.level, name: r.props["floor"], minZ: math.Inf(1), maxZ: math.Inf(-1)})
				}
			}
		}
		for i := range d.floors {
			if math.IsInf(d.floors[i].minZ, 0) {
				d.floors[i].minZ, d.floors[i].maxZ = 0, 0
			}
		}
		slices.SortStableFunc(d.floors, func(a, b floorInfo) int {
			if a.minZ != b.minZ {
				if a.minZ < b.minZ {
					return -1
				}
				return 1
			}
			return 0
		})
		t.derived = d
	})
	return t.derived
}

func readInfo(raw []byte) recInfo {
	r := recInfo{props: map[string]string{}}
	g := gjson.ParseBytes(raw)
	g.Get("properties").ForEach(func(_, grp gjson.Result) bool {
		grp.Get("items").ForEach(func(_, it gjson.Result) bool {
			k := it.Get("key").String()
			if _, have := r.props[k]; have || !slices.Contains(treeKeys, k) {
				return true
			}
			if v := it.Get("value"); v.Exists() && v.Type != gjson.Null {
				r.props[k] = v.String()
			}
			return true
		})
		return true
	})
	if n := g.Get("name"); n.Exists() && r.props["name"] == "" {
		r.props["name"] = n.String()
	}
	r.level = g.Get("levelId").String()
	for _, names := range [][2]string{{"boundingBox.min", "boundingBox.max"}, {"bboxMin", "bboxMax"}, {"minPt", "maxPt"}} {
		lo, hi := g.Get(names[0]), g.Get(names[1])
		if lo.IsObject() && hi.IsObject() {
			for i, axis := range []string{"x", "y", "z"} {
				r.box.min[i] = lo.Get(axis).Float()
				r.box.max[i] = hi.Get(axis).Float()
			}
			r.hasBox = true
			break
		}
	}
	return r
}

// inside reports whether element box e is in room box r with the
// tolerances: STRICT wants e inside r, ORDINARY (the default) e's centre
// inside r, LENIENT any overlap. xy applies to x and y, z to z.
func inside(e, r box, xy, z string) bool {
	for axis := range 3 {
		tol := xy
		if axis == 2 {
			tol = z
		}
		lo, hi := e.min[axis], e.max[axis]
		switch tol {
		case "STRICT":
			if lo < r.min[axis] || hi > r.max[axis] {
				return false
			}
		case "LENIENT":
			if hi < r.min[axis] || lo > r.max[axis] {
				return false
			}
		default:
			c := (lo + hi) / 2
			if c < r.min[axis] || c > r.max[axis] {
				return false
			}
		}
	}
	return true
}
