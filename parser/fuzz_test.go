package parser_test

import (
	"os"
	"path/filepath"
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
