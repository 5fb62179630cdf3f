package eval_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
)

// first is the decoded baseline's first candidate of key: a top-level
// field, else the first property item.
func (e *decElement) first(key string) any {
	var buf [4]any
	cs := e.candidates(key, buf[:0])
	if len(cs) == 0 {
		return nil
	}
	return cs[0]
}

func decNumber(v any) (float64, bool) {
	var t string
	switch v := v.(type) {
	case float64:
		return v, true
	case json.Number:
		t = string(v)
	case string:
		if !dsl.IsNumber(v) {
			return 0, false
		}
		t = v
	default:
		return 0, false
	}
	f, err := strconv.ParseFloat(t, 64)
	return f, err == nil
}

// decKey is a first candidate as a map key: its kind and text.
func decKey(v any) string {
	switch v := v.(type) {
	case nil:
		return "\x00"
	case string:
		return "s" + v
	case json.Number:
		return "n" + string(v)
	case bool:
		return "b" + strconv.FormatBool(v)
	case float64:
		return "n" + strconv.FormatFloat(v, 'g', -1, 64)
	}
	panic(v)
}

// aggregateCases are the statements of BENCHMARKS.md's aggregate table,
// each with its baseline: the same answer computed by scanning the
// decoded elements, returning the number of rows.
func aggregateCases() []struct {
	name string
	st   dsl.Statement
	base func(d []decElement) int
} {
	where := dsl.In("specialty", "建筑", "结构")
	floor := dsl.Match("floor", "F03")
	return []struct {
		name string
		st   dsl.Statement
		base func(d []decElement) int
	}{
		{"count_group_by_floor", dsl.File("1").Select(dsl.Floor, dsl.Count()).GroupBy(dsl.Floor),
			func(d []decElement) int {
				groups := map[string]int{}
				for i := range d {
					groups[decKey(d[i].first("floor"))]++
				}
				return len(groups)
			}},
		{"sum_group_by_floor_category_where", dsl.File("1").Where(where).Select(dsl.Floor, dsl.CategoryName, dsl.Sum("体积")).GroupBy(dsl.Floor, dsl.CategoryName),
			func(d []decElement) int {
				type acc struct {
					sum float64
					n   int
				}
				groups := map[[2]string]*acc{}
				scratch := make([]any, 0, 8)
				for i := range d {
					if !decMatch(&d[i], where, scratch) {
						continue
					}
					k := [2]string{decKey(d[i].first("floor")), decKey(d[i].first("categoryName"))}
					a := groups[k]
					if a == nil {
						a = &acc{}
						groups[k] = a
					}
					if f, ok := decNumber(d[i].first("体积")); ok {
						a.sum += f
						a.n++
					}
				}
				return len(groups)
			}},
		{"project_5_columns", dsl.File("1").Select(dsl.ID(), dsl.Name, dsl.Floor, dsl.CategoryName, dsl.Col("体积")),
			func(d []decElement) int { return len(projectBaseline(d, nil)) }},
		{"project_5_columns_where", dsl.File("1").Where(where).Select(dsl.ID(), dsl.Name, dsl.Floor, dsl.CategoryName, dsl.Col("体积")),
			func(d []decElement) int { return len(projectBaseline(d, where)) }},
		// About 9 % of the elements: 88,000 rows of a million.
		{"project_5_columns_floor", dsl.File("1").Where(floor).Select(dsl.ID(), dsl.Name, dsl.Floor, dsl.CategoryName, dsl.Col("体积")),
			func(d []decElement) int { return len(projectBaseline(d, floor)) }},
	}
}

// projectBaseline is project_5_columns on the decoded elements (those
// where matches, all of them for nil): a row of first candidates per
// element, each a dsl.Value of the string or literal the decoded struct
// holds (no copy), as the engine's rows refer to its index's text.
func projectBaseline(d []decElement, where dsl.Query) [][]dsl.Value {
	rows := make([][]dsl.Value, 0, len(d))
	scratch := make([]any, 0, 8)
	for i := range d {
		if where != nil && !decMatch(&d[i], where, scratch) {
			continue
		}
		row := make([]dsl.Value, 5)
		row[0] = dsl.String(d[i].ElementID)
		for j, k := range []string{"name", "floor", "categoryName", "体积"} {
			row[j+1] = refevalValue(d[i].first(k))
		}
		rows = append(rows, row)
	}
	return rows
}

func refevalValue(v any) dsl.Value {
	switch v := v.(type) {
	case nil:
		return dsl.Value{}
	case string:
		return dsl.String(v)
	case json.Number:
		return dsl.Number(string(v))
	case bool:
		return dsl.Bool(v)
	case float64:
		return dsl.Float(v)
	}
	panic(v)
}

// BenchmarkAggregate times statements with SELECT lists on a warm index
// (columns built), against the decoded baseline in the same run.
func BenchmarkAggregate(b *testing.B) {
	for _, n := range benchSizes() {
		d := getBench(b, n)
		for _, c := range aggregateCases() {
			var srcs []eval.Source
			src := eval.Source{TargetID: "1", Index: d.ix}
			if q := c.st.Request.Query(); q != nil {
				bm, err := d.ix.Search(q)
				if err != nil {
					b.Fatal(err)
				}
				src.Records = &bm
			}
			srcs = append(srcs, src)
			want, err := eval.Tabulate(c.st, srcs)
			if err != nil {
				b.Fatal(err)
			}
			if got := c.base(d.decoded); got != want.Len() {
				b.Fatalf("%s: baseline %d rows, engine %d", c.name, got, want.Len())
			}
			if strings.HasPrefix(c.name, "project") {
				// The same answer, cell by cell.
				if msg := sameRows(projectBaseline(d.decoded, c.st.Request.Query()), want.Rows()); msg != "" {
					b.Fatalf("%s: %s", c.name, msg)
				}
			}
			b.Run(c.name+"/n="+strconv.Itoa(n)+"/indexed", func(b *testing.B) {
				for b.Loop() {
					// The filter runs each time, as in a query.
					s := srcs[0]
					if q := c.st.Request.Query(); q != nil {
						set, _ := d.ix.Search(q)
						s.Records = &set
					}
					if _, err := eval.Tabulate(c.st, []eval.Source{s}); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run(c.name+"/n="+strconv.Itoa(n)+"/decoded", func(b *testing.B) {
				for b.Loop() {
					c.base(d.decoded)
				}
			})
		}
	}
}

// BenchmarkColumnBuild times building one key's column from the index:
// what the first statement using the key pays.
func BenchmarkColumnBuild(b *testing.B) {
	for _, n := range benchSizes() {
		d := getBench(b, n)
		for _, key := range []dsl.Key{"floor", "name", "体积"} {
			b.Run(string(key)+"/n="+strconv.Itoa(n), func(b *testing.B) {
				for b.Loop() {
					eval.BuildColumn(d.ix, key)
				}
			})
		}
	}
}
