package output_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
	"github.com/bfquery/bfquery/internal/output"
)

var groups = &eval.Table{
	Select: dsl.SelectElements,
	Columns: []eval.TableColumn{
		{Name: "floor", Column: dsl.Col("floor")},
		{Name: "n", Column: dsl.Count().As("n")},
		{Name: "SUM(长度)", Column: dsl.Sum("长度"), Unit: "mm"},
	},
	Rows: [][]dsl.Value{
		{dsl.String("F01"), dsl.Int(2), dsl.Number("229.22199999999998")},
		{dsl.Value{}, dsl.Int(1), dsl.Value{}},
		{dsl.String(`say "hi"`), dsl.Int(3), dsl.Number("1200000")},
	},
}

var records = &eval.Table{
	Select:  dsl.SelectRooms,
	Columns: []eval.TableColumn{{Name: "roomId", Column: dsl.ID()}, {Name: "面积", Column: dsl.Col("面积"), Unit: "m²"}},
	Rows:    [][]dsl.Value{{dsl.String("10"), dsl.String("12.5")}, {dsl.String("11"), dsl.Number("3.0")}, {dsl.String("12"), dsl.Value{}}},
	Targets: []string{"1", "1", "2"},
}

func TestTableFormats(t *testing.T) {
	for _, tc := range []struct {
		name   string
		format output.Format
		table  *eval.Table
		want   string
	}{
		{"table", output.Table, groups, "" +
			"floor    | n | SUM(长度) (mm)\n" +
			"---------+---+---------------\n" +
			"F01      | 2 | 229.222\n" +
			"         | 1 |\n" +
			"say \"hi\" | 3 | 1200000\n" +
			"(3 rows)\n"},
		{"csv", output.CSV, groups, "floor,n,SUM(长度)\nF01,2,229.22199999999998\n,1,\n\"say \"\"hi\"\"\",3,1200000\n"},
		{"json", output.JSON, groups, `[{"floor":"F01","n":2,"SUM(长度)":229.22199999999998},{"floor":null,"n":1,"SUM(长度)":null},{"floor":"say \"hi\"","n":3,"SUM(长度)":1200000}]` + "\n"},
		{"count", output.Count, groups, "3\n"},
		{"ids over targets", output.IDs, records, "1\t10\n1\t11\n2\t12\n"},
		{"count over targets", output.Count, records, "1\t2\n2\t1\n"},
		{"json keeps strings", output.JSON, records, `[{"roomId":"10","面积":"12.5"},{"roomId":"11","面积":3.0},{"roomId":"12","面积":null}]` + "\n"},
		{"table of records", output.Table, records, "" +
			"roomId | 面积 (m²)\n" +
			"-------+----------\n" +
			"10     | 12.5\n" +
			"11     | 3.0\n" +
			"12     |\n" +
			"(3 rows)\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			w := output.NewWriter(&b, tc.format)
			require.NoError(t, w.Write(output.Answer{Select: tc.table.Select, Table: tc.table}))
			require.NoError(t, w.Flush())
			require.Equal(t, tc.want, b.String())
		})
	}
	var b bytes.Buffer
	err := output.NewWriter(&b, output.IDs).Write(output.Answer{Table: groups})
	require.EqualError(t, err, "the ids format needs elementId, roomId or areaId in the SELECT list; use table, csv, json or count")
}
