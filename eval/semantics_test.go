package eval_test

import (
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
)

func loadFile(t testing.TB, name string, sel dsl.Select) *eval.Index {
	t.Helper()
	f, err := os.Open(name)
	require.NoError(t, err)
	defer f.Close()
	ix, err := eval.LoadIndex(f, name, sel)
	require.NoError(t, err)
	return ix
}

// TestSemantics checks each rule of the package documentation on
// testdata/cache/semantics.json, whose four elements are 101 to 104.
func TestSemantics(t *testing.T) {
	ix := loadFile(t, "../testdata/cache/semantics.json", dsl.SelectElements)
	tests := []struct {
		name string
		q    dsl.Query
		want []string
	}{
		{"string byte-exact", dsl.Match("floor", "F01"), []string{"101", "103"}},
		{"string case-sensitive", dsl.Match("floor", "f01"), nil},
		{"string not trimmed", dsl.Match("floor", " F01"), nil},
		{"top-level field", dsl.Match("name", "F01"), []string{"104"}},
		{"top-level elementId", dsl.Match("elementId", "101"), []string{"101"}},
		{"number vs numeric string id", dsl.Match("elementId", 101), []string{"101"}},
		{"number vs numbers written 3000.0 and 3000", dsl.Match("长度", 3000), []string{"101", "102"}},
		{"numeric string vs numbers", dsl.Match("长度", "3000"), []string{"101", "102"}},
		{"numeric string 3000.0 vs numbers", dsl.Match("长度", "3000.0"), []string{"101", "102"}},
		{"number vs exponent string 1e3", dsl.Match("长度", 1000), []string{"103"}},
		{"two strings compare byte-exact", dsl.Match("长度", "1000"), nil},
		{"exponent string equals itself", dsl.Match("长度", "1e3"), []string{"103"}},
		{"number vs string 30 and number 30.0", dsl.Match("面积", 30), []string{"102", "103"}},
		{"string 30 vs string 30 and number 30.0", dsl.Match("面积", "30"), []string{"102", "103"}},
		{"number vs 30.0 but not ' 30' or '+30'", dsl.Match("厚度", 30), []string{"101"}},
		{"string 30 vs string 30.0", dsl.Match("厚度", "30"), nil},
		{"leading zero is not numeric", dsl.Match("编号", 30), nil},
		{"comma is not numeric", dsl.Match("编号", "1,200"), nil},
		{"number 1200", dsl.Match("编号", 1200.0), []string{"103"}},
		{"NaN is a plain string", dsl.Match("productID", "NaN"), []string{"103"}},
		{"bool true", dsl.Match("结构", true), []string{"101"}},
		{"bool false vs false and 'false'", dsl.Match("结构", false), []string{"102", "103"}},
		{"string 'false' vs bool", dsl.Match("结构", "false"), []string{"102", "103"}},
		{"string 'true' vs bool", dsl.Match("结构", "true"), []string{"101"}},
		{"bool text is lower case", dsl.Match("结构", "TRUE"), nil},
		{"same key in two groups, first", dsl.Match("注释", "东立面"), []string{"101"}},
		{"same key in two groups, second", dsl.Match("注释", "待复核"), []string{"101"}},
		{"null value is no value", dsl.Contain("注释", ""), []string{"101"}},
		{"empty contain matches an empty string value", dsl.Contain("备注", ""), []string{"101"}},
		{"contain keeps number literal 3000.0", dsl.Contain("长度", ".0"), []string{"101"}},
		{"contain number text", dsl.Contain("长度", "3000"), []string{"101", "102"}},
		{"contain exponent literal", dsl.Contain("长度", "e"), []string{"103"}},
		{"contain bool text", dsl.Contain("结构", "ru"), []string{"101"}},
		{"contain bool and string text", dsl.Contain("结构", "al"), []string{"102", "103"}},
		{"contain number query uses its text", dsl.Contain("编号", 120), []string{"103"}},
		{"contain Chinese", dsl.Contain("name", "墙 常规"), []string{"101", "102"}},
		{"contain case-sensitive", dsl.Contain("name", "m0921"), nil},
		{"contain comma", dsl.Contain("productID", ","), []string{"102"}},
		{"dotted path", dsl.Match("boundingBox.min.x", 0), []string{"101"}},
		{"dotted path, 2700 as int", dsl.Match("boundingBox.max.z", "2700"), []string{"101", "102"}},
		{"dotted path contain", dsl.Contain("boundingBox.min.y", "-150"), []string{"101"}},
		{"path ending on an object", dsl.Match("boundingBox.min", 0), nil},
		{"path ending on an object, contain", dsl.Contain("boundingBox", ""), nil},
		{"array of scalars", dsl.Match("tags", "承重"), []string{"101"}},
		{"array number vs numeric string", dsl.Match("tags", "7"), []string{"101"}},
		{"properties is not a field", dsl.Contain("properties", ""), nil},
		{"missing key", dsl.Match("不存在", "x"), nil},
		{"missing key, empty contain", dsl.Contain("不存在", ""), nil},
		{"not: a record without the key matches", dsl.Ne("floor", "F01"), []string{"102", "104"}},
		{"not of an or", dsl.Not(dsl.Or(dsl.Match("floor", "F01"), dsl.Match("floor", "F02"))), []string{"104"}},
		{"greater, exclusive", dsl.Gt("长度", 1000), []string{"101", "102"}},
		{"greater or equal takes the numeric string 1e3", dsl.Ge("长度", 1000), []string{"101", "102", "103"}},
		{"less", dsl.Lt("长度", 3000), []string{"103"}},
		{"less or equal, 3000 and 3000.0", dsl.Le("长度", 3000), []string{"101", "102", "103"}},
		{"between inclusive", dsl.Between("长度", 1000, 3000), []string{"101", "102", "103"}},
		{"range skips non-numeric strings", dsl.Ge("厚度", 30), []string{"101"}},
		{"range skips a leading zero", dsl.Gt("编号", 0), []string{"103"}},
		{"range on a dotted path", dsl.Ge("boundingBox.max.z", 2700), []string{"101", "102"}},
		{"not of a range holds without the key", dsl.Not(dsl.Lt("长度", 2000)), []string{"101", "102", "104"}},
		{"like uses the number literal", dsl.Like("长度", "%.0"), []string{"101"}},
		{"like is whole text", dsl.Like("长度", "3000"), []string{"102"}},
		{"like underscore", dsl.Like("长度", "_e_"), []string{"103"}},
		{"like prefix", dsl.Like("name", "基本墙%"), []string{"101", "102"}},
		{"like bool text", dsl.Like("结构", "f%"), []string{"102", "103"}},
		{"like on a top-level field", dsl.Like("name", "F__"), []string{"104"}},
		{"like escaped", dsl.Like("productID", `#A-1,2\_0`), nil},
		{"is not null ignores null values", dsl.Exists("注释"), []string{"101"}},
		{"is not null counts the empty string", dsl.Exists("备注"), []string{"101"}},
		{"is null", dsl.IsNull("注释"), []string{"102", "103", "104"}},
		{"is not null on a dotted path", dsl.Exists("boundingBox.min.x"), []string{"101", "102"}},
		{"in", dsl.In("floor", "F02", "F03"), []string{"102"}},
		{"in mixed kinds", dsl.In("长度", 1000, "3000"), []string{"101", "102", "103"}},
		{"boolAnd", dsl.And(dsl.Match("floor", "F01"), dsl.Contain("name", "墙")), []string{"101"}},
		{"boolOr", dsl.Or(dsl.Match("floor", "F02"), dsl.Match("name", "F01")), []string{"102", "104"}},
		{"object is AND", dsl.Object(dsl.Contain("name", "墙"), dsl.Match("面积", 30)), []string{"102"}},
		{"nested", dsl.Or(dsl.And(dsl.Match("floor", "F01"), dsl.Match("结构", false)), dsl.In("tags", 7)), []string{"101", "103"}},
		{"and with a missing key", dsl.And(dsl.Match("floor", "F01"), dsl.Contain("不存在", "")), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ix.Find(tc.q)
			require.NoError(t, err)
			if diff := cmp.Diff(tc.want, got, cmpNilEmpty); diff != "" {
				t.Errorf("Find(%v) (-want +got):\n%s", tc.q, diff)
			}
		})
	}
}

var cmpNilEmpty = cmp.FilterValues(func(a, b []string) bool { return len(a) == 0 && len(b) == 0 }, cmp.Comparer(func(_, _ []string) bool { return true }))

func TestInvalidQuery(t *testing.T) {
	ix := loadFile(t, "../testdata/cache/semantics.json", dsl.SelectElements)
	tests := []struct {
		name string
		q    dsl.Query
		want string
	}{
		{"empty in", dsl.In("floor"), "query.in.floor: must list at least one value"},
		{"empty boolOr", dsl.Or(), "query.boolOr: must hold at least one query"},
		{"bad number", dsl.Match("x", dsl.Number("1.")), `query.match.x: invalid number literal "1."`},
		{"nil", nil, "query: missing query"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ix.Find(tc.q)
			require.EqualError(t, err, tc.want)
		})
	}
}

func TestValuesKeysRecords(t *testing.T) {
	ix := loadFile(t, "../testdata/cache/semantics.json", dsl.SelectElements)
	got := ix.Values("长度")
	want := []eval.ValueCount{{dsl.String("1e3"), 1}, {dsl.Number("3000"), 1}, {dsl.Number("3000.0"), 1}}
	require.Empty(t, cmp.Diff(want, got, cmp.AllowUnexported(dsl.Value{})))
	got = ix.Values("结构")
	want = []eval.ValueCount{{dsl.String("false"), 1}, {dsl.Bool(false), 1}, {dsl.Bool(true), 1}}
	require.Empty(t, cmp.Diff(want, got, cmp.AllowUnexported(dsl.Value{})))
	require.Nil(t, ix.Values("不存在"))

	keys := ix.Keys()
	require.Len(t, keys, 22)
	require.Equal(t, eval.KeyStat{Key: "boundingBox.max.x", Distinct: 2, Records: 2}, keys[0])
	require.Contains(t, keys, eval.KeyStat{Key: "floor", Distinct: 2, Records: 3})
	require.Contains(t, keys, eval.KeyStat{Key: "注释", Distinct: 2, Records: 1})

	require.Equal(t, 4, ix.Len())
	for i, want := range map[int]eval.Record{
		0: {ID: "101", Name: "基本墙 常规 - 200mm", Category: "墙", Floor: "F01", Family: "基本墙"},
		3: {ID: "104", Name: "F01"},
	} {
		got, err := ix.Record(i)
		require.NoError(t, err)
		require.Equal(t, want, got)
	}
}

func TestExplain(t *testing.T) {
	ix := loadFile(t, "../testdata/cache/semantics.json", dsl.SelectElements)
	p, err := ix.Explain(dsl.Or(
		dsl.And(dsl.Match("floor", "F01"), dsl.Contain("name", "墙"), dsl.Match("不存在", 1)),
		dsl.In("面积", 30, "2.703969"),
	))
	require.NoError(t, err)
	want := `boolOr: 3
  boolAnd: 0
    match floor = 'F01': 2
    contain name ⊇ '墙': 2
    match 不存在 = 1: 0
  in 面积 (30, '2.703969'): 3
`
	require.Equal(t, want, p.String())
}
