package export

import (
	"math"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
	"github.com/bfquery/bfquery/internal/parquet"
)

// Element is one row of the elements table: one record (an element, a
// room or an area) with its standard keys. Pointers are SQL NULL when nil.
// The table's partition, target_id, is in the dataset's directory names,
// not in the rows.
type Element struct {
	TargetType string `parquet:"target_type,dict" json:"target_type"`
	Kind       string `parquet:"kind,dict" json:"kind"`
	// Seq is the record's position in its target's elements, rooms or
	// areas: the engine answers in this order.
	Seq      int64  `parquet:"seq,delta" json:"seq"`
	ID       string `parquet:"id,delta" json:"id"`
	FileID   string `parquet:"file_id,dict" json:"file_id"`
	RecordID string `parquet:"record_id,delta" json:"record_id"`

	Name         *string `parquet:"name,optional,dict" json:"name"`
	CategoryName *string `parquet:"category_name,optional,dict" json:"category_name"`
	CategoryID   *string `parquet:"category_id,optional,dict" json:"category_id"`
	Floor        *string `parquet:"floor,optional,dict" json:"floor"`
	Family       *string `parquet:"family,optional,dict" json:"family"`
	FamilyType   *string `parquet:"family_type,optional,dict" json:"family_type"`
	Specialty    *string `parquet:"specialty,optional,dict" json:"specialty"`
	SystemType   *string `parquet:"system_type,optional,dict" json:"system_type"`
	GUID         *string `parquet:"guid,optional" json:"guid"`

	MinX *float64 `parquet:"min_x,optional" json:"min_x"`
	MinY *float64 `parquet:"min_y,optional" json:"min_y"`
	MinZ *float64 `parquet:"min_z,optional" json:"min_z"`
	MaxX *float64 `parquet:"max_x,optional" json:"max_x"`
	MaxY *float64 `parquet:"max_y,optional" json:"max_y"`
	MaxZ *float64 `parquet:"max_z,optional" json:"max_z"`
}

// Property is one row of the properties table: a candidate value of a key
// for a record, as the engine sees candidates. A property item is a row
// with its group; a top-level scalar of the record (elementId, name,
// boundingBox.min.x…) is a row with a NULL group, its dotted path as key.
type Property struct {
	TargetType string `parquet:"target_type,dict" json:"target_type"`
	Kind       string `parquet:"kind,dict" json:"kind"`
	ID         string `parquet:"id,delta" json:"id"`
	// Pos is the row's position among the record's candidates: its
	// top-level scalars first, then its property items, each in document
	// order. A key's first candidate, the record's value of the key in
	// columns, groups and aggregates, is its row of least pos.
	Pos   int32   `parquet:"pos,dict" json:"pos"`
	Group *string `parquet:"group_name,optional,dict" json:"group_name"`
	Key   string  `parquet:"key,dict" json:"key"`
	// ValueKind is string, number or boolean; NULL for an item without a
	// value (null, an object or an array), which is no candidate.
	ValueKind *string `parquet:"value_kind,optional,dict" json:"value_kind"`
	// ValueText is a string itself, a number's literal as written in the
	// JSON (3000.0 stays "3000.0"), true or false.
	ValueText *string `parquet:"value_text,optional" json:"value_text"`
	// ValueNum is the float64 of a number or of a numeric string (one
	// that follows JSON's number grammar exactly); ±Inf beyond float64's
	// range.
	ValueNum  *float64 `parquet:"value_num,optional,split" json:"value_num"`
	ValueBool *bool    `parquet:"value_bool,optional" json:"value_bool"`
	Unit      *string  `parquet:"unit,optional,dict" json:"unit"`
	ValueType *string  `parquet:"value_type,optional,dict" json:"value_type"`
}

// putElement adds e's values to the columns of the elements table, in
// ElementColumns' order.
func putElement(c []*parquet.Column, e *Element) {
	c[0].String(e.TargetType)
	c[1].String(e.Kind)
	c[2].Int64(e.Seq)
	c[3].String(e.ID)
	c[4].String(e.FileID)
	c[5].String(e.RecordID)
	c[6].StringPtr(e.Name)
	c[7].StringPtr(e.CategoryName)
	c[8].StringPtr(e.CategoryID)
	c[9].StringPtr(e.Floor)
	c[10].StringPtr(e.Family)
	c[11].StringPtr(e.FamilyType)
	c[12].StringPtr(e.Specialty)
	c[13].StringPtr(e.SystemType)
	c[14].StringPtr(e.GUID)
	c[15].DoublePtr(e.MinX)
	c[16].DoublePtr(e.MinY)
	c[17].DoublePtr(e.MinZ)
	c[18].DoublePtr(e.MaxX)
	c[19].DoublePtr(e.MaxY)
	c[20].DoublePtr(e.MaxZ)
}

// putProperty adds p's values to the columns of the properties table, in
// PropertyColumns' order.
func putProperty(c []*parquet.Column, p *Property) {
	c[0].String(p.TargetType)
	c[1].String(p.Kind)
	c[2].String(p.ID)
	c[3].Int32(p.Pos)
	c[4].StringPtr(p.Group)
	c[5].String(p.Key)
	c[6].StringPtr(p.ValueKind)
	c[7].StringPtr(p.ValueText)
	c[8].DoublePtr(p.ValueNum)
	c[9].BoolPtr(p.ValueBool)
	c[10].StringPtr(p.Unit)
	c[11].StringPtr(p.ValueType)
}

// putRow is the function that adds rows of type T to Parquet columns.
func putRow[T any]() (func([]*parquet.Column, *T), bool) {
	var put any
	switch any((*T)(nil)).(type) {
	case *Element:
		put = putElement
	case *Property:
		put = putProperty
	}
	f, ok := put.(func([]*parquet.Column, *T))
	return f, ok
}

// Column names, for the CSV header and the SQL compiler.
var (
	ElementColumns = []string{
		"target_type", "kind", "seq", "id", "file_id", "record_id",
		"name", "category_name", "category_id", "floor", "family", "family_type", "specialty", "system_type", "guid",
		"min_x", "min_y", "min_z", "max_x", "max_y", "max_z",
	}
	PropertyColumns = []string{
		"target_type", "kind", "id", "pos", "group_name", "key", "value_kind", "value_text", "value_num", "value_bool", "unit", "value_type",
	}
)

// KindName is the kind column's value for what sel selects: element, room
// or area.
func KindName(sel dsl.Select) string {
	switch sel {
	case dsl.SelectRooms:
		return "room"
	case dsl.SelectAreas:
		return "area"
	}
	return "element"
}

// valueKind names a candidate's JSON type for value_kind.
func valueKind(k dsl.Kind) string {
	switch k {
	case dsl.KindString:
		return "string"
	case dsl.KindNumber:
		return "number"
	case dsl.KindBool:
		return "boolean"
	}
	return ""
}

// number is value_num: numbers and numeric strings, as the engine reads
// them (dsl.Value.Float), -0 made 0 so that no engine can tell them apart.
func number(kind dsl.Kind, text string) (float64, bool) {
	if kind != dsl.KindNumber && kind != dsl.KindString {
		return 0, false
	}
	f, ok := dsl.Number(text).Float()
	if !ok {
		return 0, false
	}
	return f + 0, true
}

// stdKeys are the keys of the elements table's standard columns, in
// column order.
var stdKeys = [...]string{"name", "categoryName", "categoryId", "floor", "family", "familyType", "specialty", "systemType", "guid"}

// stdColumns are their columns, and boxColumns those of the bounding box.
var (
	stdColumns = [...]string{"name", "category_name", "category_id", "floor", "family", "family_type", "specialty", "system_type", "guid"}
	boxColumns = [...]string{"min_x", "min_y", "min_z", "max_x", "max_y", "max_z"}
)

func stdIndex(key string) int {
	switch key {
	case "name":
		return 0
	case "categoryName":
		return 1
	case "categoryId":
		return 2
	case "floor":
		return 3
	case "family":
		return 4
	case "familyType":
		return 5
	case "specialty":
		return 6
	case "systemType":
		return 7
	case "guid":
		return 8
	}
	return -1
}

// boxIndex is the bounding-box column of a field's key: boundingBox.min.x
// … for elements, bboxMin.x … for rooms and areas.
func boxIndex(key string, sel dsl.Select) int {
	i := -1
	switch key {
	case "boundingBox.min.x", "bboxMin.x":
		i = 0
	case "boundingBox.min.y", "bboxMin.y":
		i = 1
	case "boundingBox.min.z", "bboxMin.z":
		i = 2
	case "boundingBox.max.x", "bboxMax.x":
		i = 3
	case "boundingBox.max.y", "bboxMax.y":
		i = 4
	case "boundingBox.max.z", "bboxMax.z":
		i = 5
	default:
		return -1
	}
	if (key[0] == 'b' && key[1] == 'o') != (sel == dsl.SelectElements) {
		return -1
	}
	return i
}

// std holds an element row's standard columns, without pointers.
type std struct {
	text   [len(stdKeys)]string
	has    [len(stdKeys)]bool
	box    [6]float64
	hasBox [6]bool
}

// standard reads a record's standard columns: each is the first
// candidate of its key, a top-level field before a property item, as
// text; a bounding-box column is the first numeric field of its key (a
// box's coordinates are numbers, but a model may write one as a numeric
// string).
func standard(s *std, rec *eval.RawRecord, sel dsl.Select) {
	*s = std{}
	for i := range rec.Fields {
		f := &rec.Fields[i]
		if k := stdIndex(f.Key); k >= 0 {
			if !s.has[k] {
				s.text[k], s.has[k] = f.Text, true
			}
		} else if k := boxIndex(f.Key, sel); k >= 0 && !s.hasBox[k] {
			if v, ok := number(f.Kind, f.Text); ok && !math.IsNaN(v) {
				s.box[k], s.hasBox[k] = v, true
			}
		}
	}
	for i := range rec.Properties {
		p := &rec.Properties[i]
		if p.Kind == dsl.KindInvalid {
			continue
		}
		if k := stdIndex(p.Key); k >= 0 && !s.has[k] {
			s.text[k], s.has[k] = p.Text, true
		}
	}
}
