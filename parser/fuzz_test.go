package parser_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/parser"
)

func seeds(f *testing.F, pattern string) {
	paths, err := filepath.Glob(filepath.Join(examples, pattern))
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(data))
	}
}

// FuzzParse compiles arbitrary text. It fails only on a panic or a broken
// round trip: text that compiles must format to text that compiles to the
// same request, and formatting that again changes nothing.
func FuzzParse(f *testing.F) {
	seeds(f, "*.sql")
	f.Add("SELECT elementId FROM file 1 WHERE `a``b` = 'x\\'y' AND (楼层 IN (1, -2.5e3, true) OR c LIKE '%\\%%')")
	f.Add("SELECT elementId FROM file 1 WHERE a != 1 AND NOT b BETWEEN 1 AND 2 OR c IS NOT NULL")
	f.Add("SELECT floor, COUNT(*) AS n, SUM(`体积`) FROM file 1 WHERE a ILIKE 'x%' GROUP BY floor HAVING n > 2 ORDER BY n DESC, floor LIMIT 5 OFFSET 1")
	f.Add("SELECT DISTINCT familyType FROM integration 1, 2 WHERE name ~ '^C[0-9]+' AND b NOT REGEXP 'x|y'")
	f.Add("SELECT roomId, name, `roomId` AS r FROM file 1 ORDER BY name LIMIT 3")
	f.Add("SELECT targetId, COUNT(DISTINCT floor), MIN(a), MAX(b), AVG(c) FROM file 1, 2 GROUP BY targetId")
	f.Add("SELECT floor, COUNT(*), SUM(面积) FROM rooms OF file 1 WHERE 面积 > 100 GROUP BY floor ORDER BY COUNT(*) DESC")
	f.Add("SELECT DISTINCT name FROM areas OF integration '1', 2 LIMIT 2")
	f.Add("SELECT roomId FROM room OF file 1 WHERE `of` = 1")
	f.Fuzz(func(t *testing.T, src string) {
		st, err := parser.Compile(src)
		if err != nil {
			return
		}
		text, err := parser.Format(st)
		if err != nil {
			t.Fatalf("compiled %q to an invalid request: %v", src, err)
		}
		back, err := parser.Compile(text)
		if err != nil {
			t.Fatalf("formatted %q as %q, which does not compile: %v", src, text, err)
		}
		// String is the same "<invalid …>" for any query with extended
		// operators; the normal forms tell them apart.
		if diff := dsl.Diff(st.Request, back.Request); diff != "" || back.Select != st.Select {
			t.Fatalf("round trip of %q through %q changed the query (-before +after):\n%s", src, text, diff)
		}
		if msg := sameShape(st, back); msg != "" {
			t.Fatalf("round trip of %q through %q changed the %s", src, text, msg)
		}
		again, err := parser.Format(back)
		if err != nil || again != text {
			t.Fatalf("formatting is not stable: %q then %q (%v)", text, again, err)
		}
	})
}

// FuzzFormat formats every DSL request the fuzzer can make Unmarshal
// accept, and checks that the text compiles back to the same meaning.
func FuzzFormat(f *testing.F) {
	seeds(f, "*.json")
	f.Fuzz(func(t *testing.T, data string) {
		r, err := dsl.Unmarshal([]byte(data))
		if err != nil {
			return
		}
		text, err := parser.Format(dsl.Statement{Request: r})
		if err != nil {
			t.Fatalf("cannot format %s: %v", data, err)
		}
		back, err := parser.Compile(text)
		if err != nil {
			t.Fatalf("formatted %s as %q, which does not compile: %v", data, text, err)
		}
		if !dsl.Equivalent(r, back.Request) {
			t.Fatalf("%s formatted as %q means something else:\n%s", data, text, dsl.Diff(r, back.Request))
		}
	})
}

// sameShape compares what a statement has besides its request: the
// SELECT list, DISTINCT, GROUP BY, HAVING, ORDER BY, LIMIT and OFFSET.
func sameShape(a, b dsl.Statement) string {
	ha, hb := a.HavingQuery(), b.HavingQuery()
	var ja, jb []byte
	if ha != nil {
		ja, _ = dsl.ExtendedJSON(ha)
	}
	if hb != nil {
		jb, _ = dsl.ExtendedJSON(hb)
	}
	la, oa := a.LimitOffset()
	lb, ob := b.LimitOffset()
	switch {
	case a.Plain() != b.Plain():
		return "plainness"
	case !slices.Equal(a.Columns(), b.Columns()):
		return "SELECT list"
	case a.IsDistinct() != b.IsDistinct():
		return "DISTINCT"
	case !slices.Equal(a.Groups(), b.Groups()):
		return "GROUP BY"
	case string(ja) != string(jb):
		return "HAVING"
	case !slices.Equal(a.Orders(), b.Orders()):
		return "ORDER BY"
	case la != lb || oa != ob:
		return "LIMIT"
	}
	return ""
}
