package parser_test

import (
	"fmt"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/parser"
)

func ExampleCompile() {
	st, err := parser.Compile(`SELECT elementId FROM file 1124890692330272 WHERE productID = "KDKE-B-9947-#kL5" OR ( productID = "JODL-X-1937-#pV7" AND price = 30 )`)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(st.Select)
	fmt.Println(st.Request)
	// Output:
	// elementId
	// {"targetType":"file","targetIds":["1124890692330272"],"query":{"boolOr":[{"match":{"productID":"KDKE-B-9947-#kL5"}},{"boolAnd":[{"match":{"productID":"JODL-X-1937-#pV7"}},{"match":{"price":30}}]}]}}
}

func ExampleCompile_error() {
	_, err := parser.Compile(`SELECT elementId FROM file 1 WHERE floor = AND family = 'x'`)
	fmt.Println(err)
	// Output:
	// 1:44: expected a value after "=", found "AND"
	//   SELECT elementId FROM file 1 WHERE floor = AND family = 'x'
	//                                              ^
}

func ExampleFormat() {
	r := dsl.File("1124890692330272").Where(dsl.Object(
		dsl.Contain(dsl.Floor, "B01"),
		dsl.Match("类型名称", "C18 混凝土"),
		dsl.Or(dsl.Match("type name", "it's"), dsl.In(dsl.CategoryName, "墙", "门")),
	))
	text, _ := parser.Format(dsl.Statement{Select: dsl.SelectElements, Request: r})
	fmt.Println(text)
	// Output:
	// SELECT elementId FROM file 1124890692330272 WHERE floor CONTAINS 'B01' AND 类型名称 = 'C18 混凝土' AND (`type name` = 'it\'s' OR categoryName IN ('墙', '门'))
}

func ExampleFormatKey() {
	for _, k := range []dsl.Key{"楼层", "boundingBox.min.x", "类型 名称", "from", "a`b"} {
		fmt.Println(parser.FormatKey(k))
	}
	// Output:
	// 楼层
	// boundingBox.min.x
	// `类型 名称`
	// `from`
	// `a``b`
}
