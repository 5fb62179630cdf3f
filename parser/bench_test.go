package parser_test

import (
	"testing"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/parser"
)

const docSQL = `SELECT elementId FROM file 1124890692330272 WHERE productID = "KDKE-B-9947-#kL5" OR ( productID = "JODL-X-1937-#pV7" AND price = 30 )`

// BenchmarkCompileDocExample parses and compiles the documentation's SQL
// example to a DSL request, and marshals it.
func BenchmarkCompileDocExample(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		st, err := parser.Compile(docSQL)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := st.Request.MarshalJSON(); err != nil {
			b.Fatal(err)
		}
	}
}

// baselineGrammar is the smallest participle grammar that accepts the same
// text, with the stock lexer: what parsing costs before any of our work.
type baselineGrammar struct {
	Tokens []string `parser:"@(Ident | String | Int | Float | '=' | '(' | ')')*"`
}

var baselineParser = participle.MustBuild[baselineGrammar](participle.Lexer(lexer.TextScannerLexer))

// BenchmarkBaselineParticipleTokens is the baseline: participle reading
// the same text as a flat token list.
func BenchmarkBaselineParticipleTokens(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := baselineParser.ParseString("", docSQL); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFormatDocExample(b *testing.B) {
	st := parser.MustCompile(docSQL)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parser.Format(dsl.Statement{Request: st.Request}); err != nil {
			b.Fatal(err)
		}
	}
}
