package bimface

import "encoding/json"

// Point is a point in model coordinates (millimetres).
type Point struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
	Z float64 `json:"z"`
}

// BoundingBox is an axis-aligned box.
type BoundingBox struct {
	Min Point `json:"min"`
	Max Point `json:"max"`
}

// Element is a model element with its properties, as /elements and
// /elements/{elementId} return it.
type Element struct {
	ElementID   string          `json:"elementId"`
	GUID        string          `json:"guid,omitempty"`
	Name        string          `json:"name,omitempty"`
	FamilyGUID  string          `json:"familyGuid,omitempty"`
	BoundingBox *BoundingBox    `json:"boundingBox,omitempty"`
	Properties  []PropertyGroup `json:"properties,omitempty"`
}

// PropertyGroup is a named group of property items ("基本属性", "尺寸标注"...).
type PropertyGroup struct {
	Group string         `json:"group"`
	Items []PropertyItem `json:"items"`
}

// PropertyItem is one property. Value is kept as sent: BIMFACE writes
// numbers both as JSON numbers and as numeric strings ("2.703969" with
// valueType 2), and the literal matters to queries that match it.
type PropertyItem struct {
	Key       string          `json:"key"`
	Value     json.RawMessage `json:"value"`
	Unit      string          `json:"unit,omitempty"`
	ValueType int             `json:"valueType,omitempty"`
	Code      string          `json:"code,omitempty"`
	Extension string          `json:"extension,omitempty"`
}

// Text returns the value's text: a string unquoted, a number as written,
// "" for null or no value.
func (p PropertyItem) Text() string { return literal(p.Value) }

// Property returns the first item with the given key in the named group,
// or in any group if group is "".
func (e *Element) Property(group, key string) (PropertyItem, bool) {
	return findProperty(e.Properties, group, key)
}

func findProperty(groups []PropertyGroup, group, key string) (PropertyItem, bool) {
	for _, g := range groups {
		if group != "" && g.Group != group {
			continue
		}
		for _, it := range g.Items {
			if it.Key == key {
				return it, true
			}
		}
	}
	return PropertyItem{}, false
}

// Room is a room, as the rooms endpoints and floors (with includeRoom)
// return it. Floors carry rooms without area, perimeter or properties.
type Room struct {
	ID         string          `json:"id"`
	Name       string          `json:"name"`
	LevelID    string          `json:"levelId,omitempty"`
	Area       float64         `json:"area,omitempty"`
	Perimeter  float64         `json:"perimeter,omitempty"`
	BBoxMin    *Point          `json:"bboxMin,omitempty"`
	BBoxMax    *Point          `json:"bboxMax,omitempty"`
	MinPt      *Point          `json:"minPt,omitempty"`
	MaxPt      *Point          `json:"maxPt,omitempty"`
	Boundary   json.RawMessage `json:"boundary,omitempty"` // as sent; its shape is not documented
	Properties []PropertyGroup `json:"properties,omitempty"`
}

// Property returns the first item with the given key in the named group,
// or in any group if group is "".
func (r *Room) Property(group, key string) (PropertyItem, bool) {
	return findProperty(r.Properties, group, key)
}

// Area is an area (面积分区), as the areas endpoints return it.
type Area struct {
	ID         string          `json:"id"`
	Name       string          `json:"name"`
	LevelID    string          `json:"levelId,omitempty"`
	ViewName   string          `json:"viewName,omitempty"`
	Area       float64         `json:"area,omitempty"`
	Perimeter  float64         `json:"perimeter,omitempty"`
	MinPt      *Point          `json:"minPt,omitempty"`
	MaxPt      *Point          `json:"maxPt,omitempty"`
	Boundary   json.RawMessage `json:"boundary,omitempty"`
	Properties []PropertyGroup `json:"properties,omitempty"`
}

// Property returns the first item with the given key in the named group,
// or in any group if group is "".
func (a *Area) Property(group, key string) (PropertyItem, bool) {
	return findProperty(a.Properties, group, key)
}

// Floor is a level of a model.
type Floor struct {
	ID         string  `json:"id"`
	Name       string  `json:"name"`
	Elevation  float64 `json:"elevation"`
	ArchElev   float64 `json:"archElev"`
	StructElev float64 `json:"structElev"`
	Height     float64 `json:"height"`
	MiniMap    string  `json:"miniMap,omitempty"`
	Rooms      []Room  `json:"rooms,omitempty"` // with FloorsOptions.IncludeRooms
	Areas      []Area  `json:"areas,omitempty"` // with FloorsOptions.IncludeAreas
}

// Tree is an element category tree: Root names the first level ("floor",
// "specialty", "楼层"...), Items are its nodes.
type Tree struct {
	Root  string     `json:"root,omitempty"`
	Items []TreeNode `json:"items"`
}

// TreeNode is one node of a category tree: a floor, specialty, category,
// family or family type, with the number of elements below it.
type TreeNode struct {
	ID           string          `json:"id"` // null in the answer reads as ""
	Name         string          `json:"name"`
	ActualName   string          `json:"actualName"`
	Type         string          `json:"type"` // floor, specialty, category, family, familyType
	ElementCount int             `json:"elementCount"`
	Data         json.RawMessage `json:"data,omitempty"`
	Items        []TreeNode      `json:"items"`
}

// Tolerance is how strictly an element must lie inside a room to count
// as in it, per axis: STRICT, ORDINARY or LENIENT.
type Tolerance string

// The three tolerances.
const (
	ToleranceStrict   Tolerance = "STRICT"
	ToleranceOrdinary Tolerance = "ORDINARY"
	ToleranceLenient  Tolerance = "LENIENT"
)
