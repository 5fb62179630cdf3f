package parser_test

import (
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/parser"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestFormatDocumentedExamples formats every documented example; the text
// is kept as a golden file and compiles back to an equivalent request.
func TestFormatDocumentedExamples(t *testing.T) {
	docs, err := filepath.Glob(filepath.Join(examples, "*.doc.json"))
	require.NoError(t, err)
	for _, path := range docs {
		name := strings.TrimSuffix(filepath.Base(path), ".doc.json")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			r, err := dsl.Unmarshal(data)
			require.NoError(t, err)
			text, err := parser.Format(dsl.Statement{Request: r})
			require.NoError(t, err)
			goldenPath := filepath.Join(examples, name+".fmt.txt")
			if *update {
				require.NoError(t, os.WriteFile(goldenPath, []byte(text+"\n"), 0o644))
			}
			want, err := os.ReadFile(goldenPath)
			require.NoError(t, err)
			require.Equal(t, strings.TrimSpace(string(want)), text)
			back, err := parser.Compile(text)
			require.NoError(t, err)
			require.True(t, dsl.Equivalent(r, back.Request), dsl.Diff(r, back.Request))
		})
	}
}

func TestFormat(t *testing.T) {
	for _, tc := range []struct {
		name string
		st   dsl.Statement
		want string
	}{
		{"quoting", dsl.Statement{Select: dsl.SelectRooms, Request: dsl.Integration("1", "a'b").Where(dsl.And(
			dsl.Match("type name", "it's"),
			dsl.Match("from", "a\\b\n"),
			dsl.Match("x`y", true),
			dsl.Contain("体积", dsl.Number("3000.0")),
			dsl.In("楼层", "F1", 2),
		))}, "SELECT roomId FROM integration 1, 'a\\'b' WHERE `type name` = 'it\\'s' AND `from` = 'a\\\\b\\n' AND `x``y` = true AND 体积 CONTAINS 3000.0 AND 楼层 IN ('F1', 2)"},
		{"precedence", dsl.Statement{Request: dsl.File("1").Where(dsl.Or(
			dsl.Match("a", 1),
			dsl.And(dsl.Match("b", 2), dsl.Or(dsl.Match("c", 3), dsl.Match("d", 4))),
			dsl.And(dsl.Or(dsl.Match("e", 5))),
		))}, "SELECT elementId FROM file 1 WHERE a = 1 OR (b = 2 AND (c = 3 OR d = 4)) OR e = 5"},
		{"keys with number characters that are not digits", dsl.Statement{Request: dsl.File("1").Where(dsl.And(
			dsl.Match("面积²", "10"), dsl.Match("a.²", 1), dsl.Match("a.1", 2), dsl.Match("ſelect", 3), dsl.Match("ın", 4),
		))}, "SELECT elementId FROM file 1 WHERE `面积²` = '10' AND `a.²` = 1 AND a.1 = 2 AND ſelect = 3 AND ın = 4"},
		{"lone member keeps parentheses", dsl.Statement{Request: dsl.File("1").Where(dsl.And(
			dsl.Match("a", 1),
			dsl.And(dsl.Or(dsl.Match("b", 2), dsl.Match("c", 3))),
		))}, "SELECT elementId FROM file 1 WHERE a = 1 AND (b = 2 OR c = 3)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parser.Format(tc.st)
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
			back, err := parser.Compile(got)
			require.NoError(t, err)
			require.Equal(t, tc.st.Select, back.Select)
			require.True(t, dsl.Equivalent(tc.st.Request, back.Request), dsl.Diff(tc.st.Request, back.Request))
		})
	}
	_, err := parser.Format(dsl.Statement{Request: dsl.File("1").Where(dsl.Or())})
	require.EqualError(t, err, "query.boolOr: must hold at least one query")
}

// TestFormatRoundTripRandom formats random valid queries, with every kind
// of clause, awkward keys and values, and checks that the text compiles
// back to the same meaning.
func TestFormatRoundTripRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 3000 {
		r := dsl.File("1", strconv.Itoa(i)).Where(randomQuery(rng, 4))
		text, err := parser.Format(dsl.Statement{Request: r})
		require.NoError(t, err)
		back, err := parser.Compile(text)
		require.NoError(t, err, "%s", text)
		require.True(t, dsl.Equivalent(r, back.Request), "%s\n%s", text, dsl.Diff(r, back.Request))
	}
}

var (
	randomKeys   = []string{"floor", "楼层", "boundingBox.min.x", "type name", "from", "x`y", "a#b", "1st", "_k", "面积类型", "NOT", "a.", "ß", "面积²", "a.²", "Ⅻ", "①", "a.1", "ſelect", "ın", "a..b", ".a", "٣"}
	randomString = []string{"", "F1", "it's", `say "hi"`, `back\slash`, "50%_x", `\%`, "line\nbreak\ttab", "\x00\x1f\x7f", "标准", "😀", "--", "/*", "'"}
	randomNumber = []string{"0", "-0", "30", "30.0", "167899.9999999998", "-1.5e3", "1E+300", "12345678901234567890"}
)

func randomValue(rng *rand.Rand) dsl.Value {
	switch rng.IntN(3) {
	case 0:
		return dsl.String(randomString[rng.IntN(len(randomString))])
	case 1:
		return dsl.Number(randomNumber[rng.IntN(len(randomNumber))])
	}
	return dsl.Bool(rng.IntN(2) == 0)
}

func randomNumberValue(rng *rand.Rand) dsl.Value {
	return dsl.Number(randomNumber[rng.IntN(len(randomNumber))])
}

func randomQuery(rng *rand.Rand, depth int) dsl.Query {
	key := dsl.Key(randomKeys[rng.IntN(len(randomKeys))])
	n := rng.IntN(depth + 1)
	if depth == 0 || n == 0 {
		switch rng.IntN(7) {
		case 3:
			return dsl.Lt(key, randomNumberValue(rng))
		case 4:
			return dsl.Between(key, randomNumberValue(rng), randomNumberValue(rng))
		case 5:
			return dsl.Like(key, randomString[rng.IntN(len(randomString))]+"%")
		case 6:
			return dsl.Exists(key)
		case 0:
			return dsl.MatchQuery{Key: key, Value: randomValue(rng)}
		case 1:
			return dsl.ContainQuery{Key: key, Value: randomValue(rng)}
		}
		vals := make([]dsl.Value, 1+rng.IntN(3))
		for i := range vals {
			vals[i] = randomValue(rng)
		}
		return dsl.InQuery{Key: key, Values: vals}
	}
	qs := make([]dsl.Query, 1+rng.IntN(3))
	for i := range qs {
		qs[i] = randomQuery(rng, depth-1)
	}
	switch rng.IntN(4) {
	case 3:
		return dsl.Not(qs[0])
	case 0:
		return dsl.AndQuery{Queries: qs}
	case 1:
		return dsl.OrQuery{Queries: qs}
	}
	return dsl.ObjectQuery{Queries: qs}
}
