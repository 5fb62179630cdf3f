package parser

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// The struct tags of the syntax tree (ast.go) are the grammar; the parser
// is written by hand from them. These tests build participle's parser from
// the same tags and check that both read texts alike: the same tree, or an
// error at the same token wanting the same thing.

var oracle = participle.MustBuild[SelectStatement](
	participle.Lexer(oracleLexer{}),
	participle.CaseInsensitive("Keyword"),
	participle.UseLookahead(0),
)

type oracleLexer struct{}

func (oracleLexer) Symbols() map[string]lexer.TokenType {
	return map[string]lexer.TokenType{
		"EOF": lexer.EOF, "Keyword": keywordType, "Ident": identType, "Backtick": backtickType,
		"String": stringType, "Number": numberType, "Operator": operatorType,
	}
}

func (oracleLexer) Lex(_ string, r io.Reader) (lexer.Lexer, error) {
	src, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	tokens, serr := scan(string(src))
	if serr != nil {
		return nil, serr
	}
	return &tokenList{tokens: tokens}, nil
}

// tokenList replays scanned tokens to participle.
type tokenList struct {
	tokens []lexer.Token
	i      int
}

func (l *tokenList) Next() (lexer.Token, error) {
	t := l.tokens[l.i]
	if l.i < len(l.tokens)-1 {
		l.i++
	}
	return t, nil
}

// oracleParse parses tokens with participle, and on failure says which
// token it failed at and what it wanted, from the EBNF it names.
func oracleParse(t testing.TB, tokens []lexer.Token) (*SelectStatement, *syntaxFail) {
	peek, err := lexer.Upgrade(&tokenList{tokens: tokens})
	if err != nil {
		t.Fatal(err)
	}
	st, err := oracle.ParseFromLexer(peek)
	if err == nil {
		return st, nil
	}
	var ute *participle.UnexpectedTokenError
	if !errors.As(err, &ute) {
		t.Fatalf("participle: %v", err)
	}
	expect := ute.Expect
	if expect == "" {
		if _, rest, ok := strings.Cut(ute.Message(), "(expected "); ok {
			expect = strings.TrimSuffix(rest, ")")
		}
	}
	at := 0
	for at < len(tokens)-1 && tokens[at].Pos.Offset < ute.Position().Offset {
		at++
	}
	head, _, _ := strings.Cut(expect, " ")
	w := map[string]want{
		"": wantEnd, `"SELECT"`: wantSelect, "SelectItem": wantColumn, "Name": wantName,
		"Operand": wantOperand, "OrderItem": wantOperand, "(<ident>": wantKey, `"BY"`: wantBy,
		`"FROM"`: wantFrom, `("FILE"`: wantTarget, `"OF"`: wantOf, "TargetID": wantTargetID,
		"Value": wantValue, "Range": wantValue, `"("`: wantOpenParen, `"NULL"`: wantNull,
		`"AND"`: wantAnd, `")"`: wantCloseParen,
	}[head]
	switch {
	case w != 0:
	case strings.Contains(expect, "Predicate"):
		w = wantCondition
	case strings.Contains(expect, `"IN"`):
		w = wantOperator
	default:
		t.Fatalf("participle expected %q, which the parser never wants", expect)
	}
	return nil, &syntaxFail{at: at, want: w}
}

// checkAgrees parses src both ways and fails the test where they differ.
func checkAgrees(t testing.TB, src string) {
	tokens, serr := scan(src)
	if serr != nil || checkNesting(src, tokens) != nil {
		return
	}
	want, wantFail := oracleParse(t, tokens)
	got, gotFail := parseTokens(tokens)
	if !reflect.DeepEqual(gotFail, wantFail) {
		t.Fatalf("%q: the parser failed with %+v, participle's with %+v", src, gotFail, wantFail)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%q: the parser read another tree than participle's", src)
	}
}

// oracleSeeds are statements that between them use every rule.
func oracleSeeds(t testing.TB) []string {
	seeds := []string{
		"EXPLAIN SELECT elementId FROM file 1 WHERE `a``b` = 'x' AND (楼层 IN (1, -2.5e3, true) OR c LIKE '%')",
		"SELECT elementId FROM file 1 WHERE a != 1 AND NOT b BETWEEN 1 AND 2 OR c IS NOT NULL;",
		"SELECT DISTINCT floor, COUNT(*) AS n, SUM(`体积`) FROM file 1 WHERE a ILIKE 'x%' GROUP BY floor, b HAVING n > 2 ORDER BY n DESC, floor asc LIMIT 5 OFFSET 1",
		"SELECT * FROM integration 1, '2' WHERE name ~ '^C' AND b NOT REGEXP 'x' AND c NOT IN (1) AND NOT NOT d CONTAINS 'y'",
		"SELECT targetId, COUNT(DISTINCT floor) AS `n`, MIN(a) FROM rooms OF file 1 WHERE e IS NULL AND f = NULL GROUP BY COUNT(x) ORDER BY COUNT(*)",
		"select name from areas of INTEGRATION 3 where x <= false or y not like 'a' or z not contains 'b' or w not between 'a' and 'b' order by `x`",
	}
	paths, err := filepath.Glob(filepath.Join("..", "testdata", "examples", "*.sql"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		seeds = append(seeds, string(data))
	}
	return seeds
}

// TestParserAgreesWithGrammar parses the seeds and every text one edit
// away from them, at the level of tokens (a token left out, doubled,
// replaced by or preceded by another), both ways.
func TestParserAgreesWithGrammar(t *testing.T) {
	vocabulary := []string{"a", "rooms", "`b`", "'s'", "1", "-2.5", "(", ")", ",", ";", "*", "=", "!=", "<", "~"}
	for w := range keywords {
		vocabulary = append(vocabulary, w)
	}
	seeds := oracleSeeds(t)
	if testing.Short() {
		seeds = seeds[:6]
	}
	for _, seed := range seeds {
		toks := Tokens(seed)
		text := func(edit func(i int, t Token) []string) string {
			var b strings.Builder
			for i, t := range toks {
				for _, s := range edit(i, t) {
					b.WriteString(s)
					b.WriteByte(' ')
				}
			}
			return b.String()
		}
		checkAgrees(t, seed)
		for k := range toks {
			checkAgrees(t, seed[:toks[k].Start])
			checkAgrees(t, text(func(i int, t Token) []string {
				if i == k {
					return nil
				}
				return []string{t.Text}
			}))
			checkAgrees(t, text(func(i int, t Token) []string {
				if i == k {
					return []string{t.Text, t.Text}
				}
				return []string{t.Text}
			}))
			for _, v := range vocabulary {
				checkAgrees(t, text(func(i int, t Token) []string {
					if i == k {
						return []string{v}
					}
					return []string{t.Text}
				}))
				checkAgrees(t, text(func(i int, t Token) []string {
					if i == k {
						return []string{v, t.Text}
					}
					return []string{t.Text}
				}))
			}
		}
	}
}

// FuzzParserAgreesWithGrammar parses arbitrary text both ways.
func FuzzParserAgreesWithGrammar(f *testing.F) {
	for _, s := range oracleSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) { checkAgrees(t, src) })
}
