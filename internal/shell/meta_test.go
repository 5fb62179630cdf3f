package shell_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/bfquery/bfquery/internal/shell"
)

func TestParseMeta(t *testing.T) {
	for _, tc := range []struct {
		line string
		want shell.Meta
		err  string
	}{
		{`\targets`, shell.Meta{Name: "targets"}, ""},
		{`\dt`, shell.Meta{Name: "targets"}, ""},
		{`\l`, shell.Meta{Name: "targets"}, ""},
		{`\d 类*`, shell.Meta{Name: "d", Args: []string{"类*"}}, ""},
		{`\d file 1 floor*`, shell.Meta{Name: "d", Args: []string{"file", "1", "floor*"}}, ""},
		{`\d model 1`, shell.Meta{}, `\use: "model" is not file or integration`},
		{`\x`, shell.Meta{Name: "x"}, ""},
		{`\x maybe`, shell.Meta{}, `"maybe" is not on or off`},
		{`\pset pager always`, shell.Meta{Name: "pset", Args: []string{"pager", "always"}}, ""},
		{`\pset pager sometimes`, shell.Meta{}, `\pset pager: "sometimes" is not on, off or always`},
		{`\pset border 2`, shell.Meta{}, `\pset: "border" is not pager or expanded (\format sets the format, \timing the timing)`},
		{`\g`, shell.Meta{Name: "g"}, ""},
		{`\e`, shell.Meta{Name: "e"}, ""},
		{`\i`, shell.Meta{}, `usage: \i FILE`},
		{`\c file 1`, shell.Meta{Name: "use", Args: []string{"file", "1"}}, ""},
		{`  \q  `, shell.Meta{Name: "quit"}, ""},
		{`\quit`, shell.Meta{Name: "quit"}, ""},
		{`\?`, shell.Meta{Name: "help"}, ""},
		{`\h`, shell.Meta{Name: "help"}, ""},
		{`\keys`, shell.Meta{Name: "keys"}, ""},
		{`\keys 类*`, shell.Meta{Name: "keys", Args: []string{"类*"}}, ""},
		{`\keys a b`, shell.Meta{}, `usage: \keys [PATTERN]`},
		{`\values floor`, shell.Meta{Name: "values", Args: []string{"floor"}}, ""},
		{"\\values `类型 名称`", shell.Meta{Name: "values", Args: []string{"类型 名称"}}, ""},
		{`\values 'a b';`, shell.Meta{Name: "values", Args: []string{"a b"}}, ""},
		{`\values`, shell.Meta{}, `usage: \values KEY`},
		{`\values 'floor`, shell.Meta{}, `\values KEY: no closing '`},
		{`\dsl SELECT elementId FROM file 1 WHERE a = 1;`, shell.Meta{Name: "dsl", Query: "SELECT elementId FROM file 1 WHERE a = 1;"}, ""},
		{`\dsl`, shell.Meta{}, `usage: \dsl QUERY`},
		{`\explain SELECT elementId FROM file 1 WHERE a != 1`, shell.Meta{Name: "explain", Query: "SELECT elementId FROM file 1 WHERE a != 1"}, ""},
		{`\use`, shell.Meta{Name: "use"}, ""},
		{`\use file 1124890692330272`, shell.Meta{Name: "use", Args: []string{"file", "1124890692330272"}}, ""},
		{`\use INTEGRATION 7`, shell.Meta{Name: "use", Args: []string{"INTEGRATION", "7"}}, ""},
		{`\use 7`, shell.Meta{}, `usage: \use file ID or \use integration ID`},
		{`\use model 7`, shell.Meta{}, `\use: "model" is not file or integration`},
		{`\format csv`, shell.Meta{Name: "format", Args: []string{"csv"}}, ""},
		{`\format xml`, shell.Meta{}, `unknown format "xml": must be one of ids, json, count, table, csv, json-table`},
		{`\export out.csv`, shell.Meta{Name: "export", Args: []string{"out.csv"}}, ""},
		{`\export "my file.txt" json`, shell.Meta{Name: "export", Args: []string{"my file.txt", "json"}}, ""},
		{`\export out.txt table`, shell.Meta{}, `\export writes ids, json, count, csv or json-table; table is for the screen`},
		{`\export`, shell.Meta{}, `usage: \export FILE [ids|json|csv|json-table]`},
		{`\o`, shell.Meta{Name: "o"}, ""},
		{`\o results.txt`, shell.Meta{Name: "o", Args: []string{"results.txt"}}, ""},
		{`\timing`, shell.Meta{Name: "timing"}, ""},
		{`\timing off`, shell.Meta{Name: "timing", Args: []string{"off"}}, ""},
		{`\timing maybe`, shell.Meta{}, `usage: \timing [on|off]`},
		{`\rows 20`, shell.Meta{Name: "rows", Args: []string{"20"}}, ""},
		{`\rows -1`, shell.Meta{}, `\rows: "-1" is not a number of rows`},
		{`\dx`, shell.Meta{}, `unknown command \dx: \? lists the commands`},
		{`SELECT`, shell.Meta{}, `not a backslash command: "SELECT"`},
	} {
		t.Run(tc.line, func(t *testing.T) {
			got, err := shell.ParseMeta(tc.line)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("ParseMeta(%q) error = %v, want %q", tc.line, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got, cmpopts.IgnoreUnexported(shell.Meta{})); d != "" {
				t.Errorf("ParseMeta(%q) (-want +got):\n%s", tc.line, d)
			}
		})
	}
}

func TestSplit(t *testing.T) {
	for _, tc := range []struct {
		in    string
		stmts []string
		rest  string
	}{
		{"SELECT a", nil, "SELECT a"},
		{"SELECT a;", []string{"SELECT a"}, ""},
		{"SELECT a\nWHERE b = 1;", []string{"SELECT a\nWHERE b = 1"}, ""},
		{"x = ';' ; y", []string{"x = ';'"}, "y"},
		{"x = `a;b`;", []string{"x = `a;b`"}, ""},
		{"a; -- done;\n", []string{"a"}, ""},
		{"a /* ; */ b;", []string{"a /* ; */ b"}, ""},
		{";;", nil, ""},
		{"a; b;", []string{"a", "b"}, ""},
	} {
		stmts, rest := shell.Split(tc.in)
		if d := cmp.Diff(tc.stmts, stmts); d != "" || rest != tc.rest {
			t.Errorf("Split(%q) = %q, %q; want %q, %q", tc.in, stmts, rest, tc.stmts, tc.rest)
		}
	}
}
