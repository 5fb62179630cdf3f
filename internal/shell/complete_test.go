package shell_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/internal/shell"
)

// staticCatalog is a Catalog of fixed lists.
type staticCatalog struct {
	targets []shell.Target
	keys    []dsl.Key
	values  map[dsl.Key][]dsl.Value
	// roomKeys are the keys of rooms, which a statement on rooms offers.
	roomKeys []dsl.Key
}

func (c staticCatalog) Targets() []shell.Target { return c.targets }
func (c staticCatalog) Keys(_ shell.Target, sel dsl.Select) []dsl.Key {
	if sel == dsl.SelectRooms {
		return c.roomKeys
	}
	return c.keys
}
func (c staticCatalog) Values(_ shell.Target, _ dsl.Select, k dsl.Key) []dsl.Value {
	return c.values[k]
}

var catalog = staticCatalog{
	targets: []shell.Target{{Type: dsl.TargetFile, ID: "1124890692330272"}, {Type: dsl.TargetFile, ID: "1124890692330999"}, {Type: dsl.TargetIntegration, ID: "1648888854324400"}},
	keys:    []dsl.Key{"categoryName", "floor", "floorId", "from", "体积", "类型 名称", "类型名称"},
	values: map[dsl.Key][]dsl.Value{
		"floor":        {dsl.String("B01"), dsl.String("F01"), dsl.String("F02")},
		"体积":           {dsl.Number("1.5"), dsl.Number("12")},
		"类型 名称":        {dsl.String("C18 'a'")},
		"categoryName": {dsl.String("墙"), dsl.String("门")},
	},
	roomKeys: []dsl.Key{"floor", "面积"},
}

func TestComplete(t *testing.T) {
	const from = "SELECT elementId FROM file 1124890692330272 WHERE "
	for _, tc := range []struct {
		name string
		line string // the cursor is at "|", or at the end
		def  shell.Target
		want shell.Completion
	}{
		{"empty", "", shell.Target{}, shell.Completion{Start: 0, Candidates: []string{"EXPLAIN ", "SELECT "}}},
		{"keyword in lower case", "sel", shell.Target{}, shell.Completion{Start: 0, Candidates: []string{"select "}}},
		{"keyword in upper case", "Ex", shell.Target{}, shell.Completion{Start: 0, Candidates: []string{"EXPLAIN "}}},
		{"after EXPLAIN", "EXPLAIN ", shell.Target{}, shell.Completion{Start: 8, Candidates: []string{"SELECT "}}},
		{"selection", "SELECT r", shell.Target{}, shell.Completion{Start: 7, Candidates: []string{"roomId "}}},
		{"FROM", "SELECT elementId ", shell.Target{}, shell.Completion{Start: 17, Candidates: []string{"FROM "}}},
		{"FROM or WHERE with a target in use", "SELECT elementId ", catalog.targets[0], shell.Completion{Start: 17, Candidates: []string{"FROM ", "WHERE "}}},
		{"target type", "SELECT elementId FROM ", shell.Target{}, shell.Completion{Start: 22, Candidates: []string{"file ", "integration "}}},
		{"records", "SELECT floor, COUNT(*) FROM ", shell.Target{}, shell.Completion{Start: 28, Candidates: []string{"file ", "integration ", "rooms OF ", "areas OF "}}},
		{"records typed", "select count(*) from ro", shell.Target{}, shell.Completion{Start: 21, Candidates: []string{"rooms of "}}},
		{"OF", "SELECT COUNT(*) FROM rooms ", shell.Target{}, shell.Completion{Start: 27, Candidates: []string{"OF "}}},
		{"target type after OF", "SELECT COUNT(*) FROM rooms OF ", shell.Target{}, shell.Completion{Start: 30, Candidates: []string{"file ", "integration "}}},
		{"file IDs after OF", "SELECT COUNT(*) FROM areas OF file ", shell.Target{}, shell.Completion{Start: 35, Candidates: []string{"1124890692330272 ", "1124890692330999 "}}},
		{"keys of rooms", "SELECT COUNT(*) FROM rooms OF file 1124890692330272 WHERE 面", shell.Target{}, shell.Completion{Start: 58, Candidates: []string{"面积 "}}},
		{"target type typed", "SELECT elementId FROM INT", shell.Target{}, shell.Completion{Start: 22, Candidates: []string{"INTEGRATION "}}},
		{"file IDs", "SELECT elementId FROM file ", shell.Target{}, shell.Completion{Start: 27, Candidates: []string{"1124890692330272 ", "1124890692330999 "}}},
		{"file ID prefix", "SELECT elementId FROM file 11248906923302", shell.Target{}, shell.Completion{Start: 27, Candidates: []string{"1124890692330272 "}}},
		{"integration IDs", "select elementId from integration ", shell.Target{}, shell.Completion{Start: 34, Candidates: []string{"1648888854324400 "}}},
		{"second ID", "SELECT elementId FROM file 1124890692330272, 1124890692330", shell.Target{}, shell.Completion{Start: 45, Candidates: []string{"1124890692330272 ", "1124890692330999 "}}},
		{"WHERE", "SELECT elementId FROM file 1124890692330272 ", shell.Target{}, shell.Completion{Start: 44, Candidates: []string{"WHERE "}}},
		{"keys", from, shell.Target{}, shell.Completion{Start: 50, Candidates: []string{"categoryName ", "floor ", "floorId ", "`from` ", "体积 ", "`类型 名称` ", "类型名称 ", "NOT "}}},
		{"key prefix", from + "fl", shell.Target{}, shell.Completion{Start: 50, Candidates: []string{"floor ", "floorId "}}},
		{"Chinese key prefix", from + "体", shell.Target{}, shell.Completion{Start: 50, Candidates: []string{"体积 "}}},
		{"key that needs backticks, typed bare", from + "类型", shell.Target{}, shell.Completion{Start: 50, Candidates: []string{"`类型 名称` ", "类型名称 "}}},
		{"key in backticks", from + "`类型 ", shell.Target{}, shell.Completion{Start: 50, Candidates: []string{"`类型 名称` "}}},
		{"keyword key", from + "fr", shell.Target{}, shell.Completion{Start: 50, Candidates: []string{"`from` "}}},
		{"operators", from + "floor ", shell.Target{}, shell.Completion{Start: 56, Candidates: []string{"IN (", "LIKE ", "ILIKE ", "REGEXP ", "CONTAINS ", "BETWEEN ", "IS NULL ", "IS NOT NULL ", "NOT "}}},
		{"operator prefix", from + "floor i", shell.Target{}, shell.Completion{Start: 56, Candidates: []string{"in (", "ilike ", "is null ", "is not null "}}},
		{"values after =", from + "floor = ", shell.Target{}, shell.Completion{Start: 58, Candidates: []string{"'B01'", "'F01'", "'F02'"}}},
		{"values after = without a space", from + "floor =", shell.Target{}, shell.Completion{Start: 57, Candidates: []string{"'B01'", "'F01'", "'F02'"}}},
		{"value prefix with quote", from + "floor = 'F", shell.Target{}, shell.Completion{Start: 58, Candidates: []string{"'F01'", "'F02'"}}},
		{"value prefix without quote", from + "floor = F0", shell.Target{}, shell.Completion{Start: 58, Candidates: []string{"'F01'", "'F02'"}}},
		{"number values", from + "体积 >= 1", shell.Target{}, shell.Completion{Start: 56, Candidates: []string{"1.5", "12"}}},
		{"value quoted by QuoteString", from + "`类型 名称` CONTAINS ", shell.Target{}, shell.Completion{Start: 67, Candidates: []string{`'C18 \'a\''`}}},
		{"values in IN", from + "categoryName IN (", shell.Target{}, shell.Completion{Start: 67, Candidates: []string{"'墙'", "'门'"}}},
		{"values in NOT IN after a comma", from + "categoryName NOT IN ('墙', ", shell.Target{}, shell.Completion{Start: 76, Candidates: []string{"'墙'", "'门'"}}},
		{"nothing after a value in IN", from + "categoryName IN ('墙' ", shell.Target{}, shell.Completion{Start: 71}},
		{"BETWEEN's AND", from + "体积 BETWEEN 1 ", shell.Target{}, shell.Completion{Start: 63, Candidates: []string{"AND "}}},
		{"BETWEEN's upper bound", from + "体积 BETWEEN 1 AND ", shell.Target{}, shell.Completion{Start: 67, Candidates: []string{"1.5", "12"}}},
		{"AND OR after a value", from + "floor = 'F01' ", shell.Target{}, shell.Completion{Start: 64, Candidates: []string{"AND ", "OR ", "GROUP BY ", "ORDER BY ", "LIMIT "}}},
		{"keys after AND", from + "floor = 'F01' AND 体", shell.Target{}, shell.Completion{Start: 68, Candidates: []string{"体积 "}}},
		{"keys after (", from + "(fl", shell.Target{}, shell.Completion{Start: 51, Candidates: []string{"floor ", "floorId "}}},
		{"IS", from + "floor IS ", shell.Target{}, shell.Completion{Start: 59, Candidates: []string{"NULL ", "NOT NULL "}}},
		{"NOT before an operator", from + "floor NOT ", shell.Target{}, shell.Completion{Start: 60, Candidates: []string{"IN (", "LIKE ", "ILIKE ", "REGEXP ", "CONTAINS ", "BETWEEN "}}},
		{"aggregates", "SELECT floor, C", shell.Target{}, shell.Completion{Start: 14, Candidates: []string{"COUNT(*)", "COUNT("}}},
		{"after a SELECT list", "SELECT floor, COUNT(*) ", shell.Target{}, shell.Completion{Start: 23, Candidates: []string{"FROM ", "AS "}}},
		{"GROUP BY", from + "floor = 'F01' GROUP ", shell.Target{}, shell.Completion{Start: 70, Candidates: []string{"BY "}}},
		{"GROUP BY keys", from + "floor = 'F01' GROUP BY f", shell.Target{}, shell.Completion{Start: 73, Candidates: []string{"floor ", "floorId ", "`from` "}}},
		{"after ORDER BY", from + "floor = 'F01' ORDER BY floor ", shell.Target{}, shell.Completion{Start: 79, Candidates: []string{"ASC ", "DESC ", "LIMIT "}}},
		{"right after a closed string", from + "floor = 'F01'", shell.Target{}, shell.Completion{Start: 63}},
		{"second statement", "SELECT elementId FROM file 1 WHERE a = 1; SEL", shell.Target{}, shell.Completion{Start: 42, Candidates: []string{"SELECT "}}},
		{"WHERE on a later line", "SELECT elementId\nFROM file 1124890692330272\nWHERE 类型名", shell.Target{}, shell.Completion{Start: 50, Candidates: []string{"类型名称 "}}},
		{"cursor in the middle", "SELECT elementId FROM file 1124890692330272 WHERE fl| = 'F01'", shell.Target{}, shell.Completion{Start: 50, Candidates: []string{"floor ", "floorId "}}},
		{"meta commands", `\`, shell.Target{}, shell.Completion{Start: 0, Candidates: []string{`\targets `, `\keys `, `\d `, `\values `, `\dsl `, `\explain `, `\use `, `\format `, `\export `, `\o `, `\out `, `\timing `, `\rows `, `\x `, `\pset `, `\g `, `\e `, `\edit `, `\i `, `\include `, `\? `, `\h `, `\help `, `\q `, `\quit `}}},
		{"meta command prefix", `\ke`, shell.Target{}, shell.Completion{Start: 0, Candidates: []string{`\keys `}}},
		{"values of a key", `\values 类`, shell.Target{}, shell.Completion{Start: 8, Candidates: []string{"`类型 名称` ", "类型名称 "}}},
		{"use", `\use `, shell.Target{}, shell.Completion{Start: 5, Candidates: []string{"file ", "integration "}}},
		{"use ID", `\use integration 16`, shell.Target{}, shell.Completion{Start: 17, Candidates: []string{"1648888854324400"}}},
		{"format", `\format c`, shell.Target{}, shell.Completion{Start: 8, Candidates: []string{"count ", "csv "}}},
		{"export format", `\export out.txt j`, shell.Target{}, shell.Completion{Start: 16, Candidates: []string{"json ", "json-table "}}},
		{"dsl takes a query", `\dsl SELECT elementId FROM file 1124890692330272 WHERE 体`, shell.Target{}, shell.Completion{Start: 55, Candidates: []string{"体积 "}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			line, cursor := tc.line, len([]rune(tc.line))
			if i := strings.Index(line, "|"); i >= 0 {
				cursor = len([]rune(line[:i]))
				line = line[:i] + line[i+1:]
			}
			got := shell.Completer{Catalog: catalog, Default: tc.def}.Complete([]rune(line), cursor)
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("Complete(%q, %d) (-want +got):\n%s", line, cursor, d)
			}
		})
	}
}
