package dsl_test

import (
	"encoding/json"
	"testing"

	"github.com/bfquery/bfquery/dsl"
)

// BenchmarkBuildMarshalComplex builds the documentation's complex example
// with the builder and marshals it.
func BenchmarkBuildMarshalComplex(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		r := dsl.File(docID).Where(dsl.Object(
			dsl.Contain(dsl.Floor, "B01"),
			dsl.Contain(dsl.FamilyType, "标准"),
			dsl.Match(dsl.Family, "family1"),
			dsl.And(
				dsl.Match(dsl.CategoryID, "id111"),
				dsl.Match(dsl.BoundingBoxMinX, dsl.Number("167899.9999999998")),
			),
			dsl.Or(
				dsl.Match("productID", "KDKE-B-9947-#kL5"),
				dsl.And(dsl.Match("productID", "JODL-X-1937-#pV7"), dsl.Match("price", 30)),
			),
		))
		if _, err := r.MarshalJSON(); err != nil {
			b.Fatal(err)
		}
	}
}

type m = map[string]any

// BenchmarkBaselineEncodingJSON is the baseline: the same document as Go
// maps marshalled by encoding/json (which sorts keys, so it cannot keep
// the documented order).
func BenchmarkBaselineEncodingJSON(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		doc := m{"targetType": "file", "targetIds": []string{docID}, "query": m{
			"contain": m{"floor": "B01", "familyType": "标准"},
			"match":   m{"family": "family1"},
			"boolAnd": []any{m{"match": m{"categoryId": "id111"}}, m{"match": m{"boundingBox.min.x": json.Number("167899.9999999998")}}},
			"boolOr": []any{m{"match": m{"productID": "KDKE-B-9947-#kL5"}}, m{"boolAnd": []any{
				m{"match": m{"productID": "JODL-X-1937-#pV7"}}, m{"match": m{"price": 30}}}}},
		}}
		if _, err := json.Marshal(doc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUnmarshalComplex(b *testing.B) {
	data := dsl.File(docID).Where(dsl.Object(
		dsl.Contain(dsl.Floor, "B01"), dsl.Match(dsl.Family, "family1"),
		dsl.Or(dsl.Match("productID", "KDKE-B-9947-#kL5"), dsl.Match("price", 30)),
	)).MustJSON()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := dsl.Unmarshal(data); err != nil {
			b.Fatal(err)
		}
	}
}
