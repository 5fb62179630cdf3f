package eval_test

import (
	"fmt"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/internal/demo"
)

func ExampleCache_Run() {
	cache, err := demo.Open()
	if err != nil {
		fmt.Println(err)
		return
	}
	doors := dsl.File(demo.FileID).Where(dsl.Match(dsl.CategoryName, "门")).
		Select(dsl.Floor, dsl.Count().As("doors"), dsl.Sum("长度")).
		GroupBy(dsl.Floor).
		OrderBy(dsl.Desc(dsl.Count())).
		Limit(2)
	table, err := cache.Run(doors)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(table)
	fmt.Println(table.Columns[2].Unit)
	// Output:
	// floor	doors	SUM(长度)
	// 'F01'	61	297900
	// 'F02'	31	205800
	// mm
}
