package output_test

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
	"github.com/bfquery/bfquery/internal/output"
)

var groups = eval.NewTable(dsl.SelectElements,
	[]eval.TableColumn{
		{Name: "floor", Column: dsl.Col("floor")},
		{Name: "n", Column: dsl.Count().As("n")},
		{Name: "SUM(长度)", Column: dsl.Sum("长度"), Unit: "mm"},
	},
	[][]dsl.Value{
		{dsl.String("F01"), dsl.Int(2), dsl.Number("229.22199999999998")},
		{dsl.Value{}, dsl.Int(1), dsl.Value{}},
		{dsl.String(`say "hi"`), dsl.Int(3), dsl.Number("1200000")},
	}, nil)

var records = eval.NewTable(dsl.SelectRooms,
	[]eval.TableColumn{{Name: "roomId", Column: dsl.ID()}, {Name: "面积", Column: dsl.Col("面积"), Unit: "m²"}, {Name: "MAX(name)", Column: dsl.Max("name")}},
	[][]dsl.Value{{dsl.String("10"), dsl.String("12.5"), dsl.String(`<a&b>"`)}, {dsl.String("11"), dsl.Number("3.0"), dsl.Bool(true)}, {dsl.String("12"), dsl.Value{}, dsl.Value{}}},
	[]string{"1", "1", "2"})

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
		{"json keeps strings", output.JSON, records, `[{"roomId":"10","面积":"12.5","MAX(name)":"<a&b>\""},{"roomId":"11","面积":3.0,"MAX(name)":true},{"roomId":"12","面积":null,"MAX(name)":null}]` + "\n"},
		{"table of records", output.Table, records, "" +
			"roomId | 面积 (m²) | MAX(name)\n" +
			"-------+-----------+----------\n" +
			"10     | 12.5      | <a&b>\"\n" +
			"11     | 3.0       | true\n" +
			"12     |           |\n" +
			"(3 rows)\n"},
		{"json-table", output.JSONTable, groups, `{"schema":{"fields":[{"name":"floor","type":"any"},{"name":"n","type":"integer"},{"name":"SUM(长度)","type":"number","unit":"mm"}]},` +
			`"data":[{"floor":"F01","n":2,"SUM(长度)":229.22199999999998},{"floor":null,"n":1,"SUM(长度)":null},{"floor":"say \"hi\"","n":3,"SUM(长度)":1200000}]}` + "\n"},
		{"json-table of records", output.JSONTable, records, `{"schema":{"fields":[{"name":"roomId","type":"string"},{"name":"面积","type":"any","unit":"m²"},{"name":"MAX(name)","type":"any"}]},` +
			`"data":[{"roomId":"10","面积":"12.5","MAX(name)":"<a&b>\""},{"roomId":"11","面积":3.0,"MAX(name)":true},{"roomId":"12","面积":null,"MAX(name)":null}]}` + "\n"},
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

// BenchmarkWriteTable writes a 5-column projection of 100,000 generated
// elements as json, statement included: "indexed" from the engine's
// table, whose cells are written from the index as they go; "values",
// the baseline, from the same table copied into rows of dsl.Value first
// (Table.Rows: a string for each cell). Both write the same bytes.
func BenchmarkWriteTable(b *testing.B) {
	bigOnce.Do(func() { bigCache = genCache(b, 100000) })
	st := dsl.File("1").Select(dsl.ID(), dsl.Name, dsl.Floor, dsl.CategoryName, dsl.Col("体积"))
	tab, err := bigCache.Run(st)
	if err != nil {
		b.Fatal(err)
	}
	var want, got bytes.Buffer
	for buf, t := range map[*bytes.Buffer]*eval.Table{&want: tab, &got: eval.NewTable(tab.Select, tab.Columns, tab.Rows(), nil)} {
		w := output.NewWriter(buf, output.JSON)
		if err := errors.Join(w.Write(output.Answer{Table: t}), w.Flush()); err != nil {
			b.Fatal(err)
		}
	}
	if want.String() != got.String() {
		b.Fatal("the two ways write different bytes")
	}
	for _, way := range []struct {
		name  string
		table func() *eval.Table
	}{
		{"indexed", func() *eval.Table { t, _ := bigCache.Run(st); return t }},
		{"values", func() *eval.Table {
			t, _ := bigCache.Run(st)
			return eval.NewTable(t.Select, t.Columns, t.Rows(), nil)
		}},
	} {
		b.Run("json/"+way.name, func(b *testing.B) {
			b.ReportAllocs()
			w := output.NewWriter(io.Discard, output.JSON)
			for b.Loop() {
				if err := w.Write(output.Answer{Table: way.table()}); err != nil {
					b.Fatal(err)
				}
			}
			if err := w.Flush(); err != nil {
				b.Fatal(err)
			}
		})
	}
}
