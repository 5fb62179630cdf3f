package dsl_test

import (
	"fmt"

	"github.com/bfquery/bfquery/dsl"
)

func Example() {
	r := dsl.File("1124890692330272").Where(dsl.Or(
		dsl.Match("productID", "KDKE-B-9947-#kL5"),
		dsl.And(
			dsl.Match("productID", "JODL-X-1937-#pV7"),
			dsl.Match("price", 30),
		),
	))
	fmt.Println(string(r.MustJSON()))
	// Output:
	// {"targetType":"file","targetIds":["1124890692330272"],"query":{"boolOr":[{"match":{"productID":"KDKE-B-9947-#kL5"}},{"boolAnd":[{"match":{"productID":"JODL-X-1937-#pV7"}},{"match":{"price":30}}]}]}}
}

// Branching a base request leaves it as it was.
func ExampleRequest_Where() {
	base := dsl.File("1124890692330272").Where(dsl.Match(dsl.Floor, "F01"))
	walls := base.Where(dsl.Contain(dsl.CategoryName, "墙"))
	fmt.Println(base)
	fmt.Println(walls)
	// Output:
	// {"targetType":"file","targetIds":["1124890692330272"],"query":{"match":{"floor":"F01"}}}
	// {"targetType":"file","targetIds":["1124890692330272"],"query":{"boolAnd":[{"match":{"floor":"F01"}},{"contain":{"categoryName":"墙"}}]}}
}

// A query object may mix clauses, as in the documentation's complex
// example; Object keeps that shape.
func ExampleObject() {
	q := dsl.Object(
		dsl.Contain(dsl.Floor, "B01"),
		dsl.Contain(dsl.FamilyType, "标准"),
		dsl.Match(dsl.BoundingBoxMinX, dsl.Number("167899.9999999998")),
		dsl.In(dsl.CategoryName, "墙", "门"),
	)
	b, _ := dsl.MarshalQuery(q)
	fmt.Println(string(b))
	// Output:
	// {"contain":{"floor":"B01","familyType":"标准"},"match":{"boundingBox.min.x":167899.9999999998},"in":{"categoryName":["墙","门"]}}
}

func ExampleUnmarshal() {
	_, err := dsl.Unmarshal([]byte(`{"targetType":"file","targetIds":["1"],"query":{"boolOr":[{"match":{"floor":"F1"}},{"match":{"price":null}}]}}`))
	fmt.Println(err)
	// Output:
	// query.boolOr[1].match.price: value must be a string, number or boolean, not null
}

func ExampleDiff() {
	a := dsl.File("1").Where(dsl.And(dsl.Match(dsl.Floor, "F1"), dsl.Match(dsl.Family, "标准")))
	b := dsl.File("1").Where(dsl.Object(dsl.Match(dsl.Family, "标准"), dsl.Match(dsl.Floor, "F1")))
	fmt.Println(dsl.Equivalent(a, b), dsl.Diff(a, b) == "")
	// Output:
	// true true
}
