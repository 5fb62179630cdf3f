package output_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
	"github.com/bfquery/bfquery/internal/output"
)

var answer = output.Answer{
	Select:  dsl.SelectElements,
	Results: []eval.Result{{TargetID: "1124890692330272", Select: dsl.SelectElements, IDs: []string{"313047", "313048"}}},
	Records: [][]eval.Record{{
		{ID: "313047", Name: "基本墙 常规 - 200mm", Category: "墙", Floor: "F01", Family: "基本墙"},
		{ID: "313048", Name: "door \"A\", left", Category: "门", Floor: "F01", Family: "单扇门"},
	}},
}

var twoTargets = output.Answer{
	Select: dsl.SelectRooms,
	Results: []eval.Result{
		{TargetID: "1", Select: dsl.SelectRooms, IDs: []string{"1.10"}},
		{TargetID: "2", Select: dsl.SelectRooms, IDs: nil},
	},
}

func TestFormats(t *testing.T) {
	for _, tc := range []struct {
		format  output.Format
		answers []output.Answer
		want    string
	}{
		{output.IDs, []output.Answer{answer, twoTargets}, "313047\n313048\n1.10\n"},
		{output.JSON, []output.Answer{answer, twoTargets}, `[{"elementIds":["313047","313048"],"targetId":"1124890692330272"}]` + "\n" + `[{"roomIds":["1.10"],"targetId":"1"},{"roomIds":[],"targetId":"2"}]` + "\n"},
		{output.Count, []output.Answer{answer, twoTargets}, "2\n1\n"},
		{output.Table, []output.Answer{answer}, "" +
			"elementId | name                | categoryName | floor | family\n" +
			"----------+---------------------+--------------+-------+-------\n" +
			"313047    | 基本墙 常规 - 200mm | 墙           | F01   | 基本墙\n" +
			"313048    | door \"A\", left      | 门           | F01   | 单扇门\n" +
			"(2 rows)\n"},
		{output.Table, []output.Answer{twoTargets}, "" +
			"targetId | roomId\n" +
			"---------+-------\n" +
			"1        | 1.10\n" +
			"(1 row)\n"},
		{output.CSV, []output.Answer{answer, twoTargets}, "" +
			"targetId,elementId,name,categoryName,floor,family,familyType\n" +
			"1124890692330272,313047,基本墙 常规 - 200mm,墙,F01,基本墙,\n" +
			"1124890692330272,313048,\"door \"\"A\"\", left\",门,F01,单扇门,\n" +
			"1,1.10,,,,,\n"},
		{output.JSONTable, []output.Answer{answer, twoTargets}, `{"schema":{"fields":[{"name":"elementId","type":"string"}]},"data":[{"elementId":"313047"},{"elementId":"313048"}]}` + "\n" +
			`{"schema":{"fields":[{"name":"targetId","type":"string"},{"name":"roomId","type":"string"}]},"data":[{"targetId":"1","roomId":"1.10"}]}` + "\n"},
		// IDs only, as BIMFACE answers: no empty record columns.
		{output.CSV, []output.Answer{twoTargets, answer}, "" +
			"targetId,roomId\n" +
			"1,1.10\n" +
			"1124890692330272,313047\n" +
			"1124890692330272,313048\n"},
	} {
		t.Run(string(tc.format), func(t *testing.T) {
			var buf bytes.Buffer
			w := output.NewWriter(&buf, tc.format)
			for _, a := range tc.answers {
				require.NoError(t, w.Write(a))
			}
			require.NoError(t, w.Flush())
			require.Equal(t, tc.want, buf.String())
		})
	}
}

func TestParseFormat(t *testing.T) {
	f, err := output.ParseFormat("csv")
	require.NoError(t, err)
	require.Equal(t, output.CSV, f)
	_, err = output.ParseFormat("xml")
	require.EqualError(t, err, `unknown format "xml": must be one of ids, json, count, table, csv, json-table`)
}
