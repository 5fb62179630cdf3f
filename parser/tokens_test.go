package parser_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bfquery/bfquery/parser"
)

func TestTokens(t *testing.T) {
	type tok = parser.Token
	const (
		kw  = parser.TokenKeyword
		id  = parser.TokenIdent
		bt  = parser.TokenBacktick
		str = parser.TokenString
		num = parser.TokenNumber
		op  = parser.TokenOperator
		oth = parser.TokenOther
	)
	for _, tc := range []struct {
		src  string
		want []tok
	}{
		{"", nil},
		{"select floor, COUNT(*) -- comment\n", []tok{
			{kw, "select", 0, 6, true}, {id, "floor", 7, 12, true}, {op, ",", 12, 13, true},
			{id, "COUNT", 14, 19, true}, {op, "(", 19, 20, true}, {op, "*", 20, 21, true}, {op, ")", 21, 22, true},
		}},
		{"楼层 = 'F0", []tok{{id, "楼层", 0, 6, true}, {op, "=", 7, 8, true}, {str, "'F0", 9, 12, false}}},
		{"`类型 名称` <> -1.5e3", []tok{{bt, "`类型 名称`", 0, 15, true}, {op, "<>", 16, 18, true}, {num, "-1.5e3", 19, 25, true}}},
		{"`a", []tok{{bt, "`a", 0, 2, false}}},
		{"a ~ 'x' ! @", []tok{{id, "a", 0, 1, true}, {op, "~", 2, 3, true}, {str, "'x'", 4, 7, true}, {oth, "!", 8, 9, true}, {oth, "@", 10, 11, true}}},
		{"boundingBox.min.x /* open", []tok{{id, "boundingBox.min.x", 0, 17, true}}},
	} {
		t.Run(tc.src, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, parser.Tokens(tc.src)); diff != "" {
				t.Errorf("Tokens(%q) (-want +got):\n%s", tc.src, diff)
			}
		})
	}
}

// FuzzTokens checks that Tokens never fails and that its tokens are the
// text's own, in order.
func FuzzTokens(f *testing.F) {
	for _, s := range []string{"SELECT elementId FROM file 1 WHERE a = 'x", "`a``b` <= 1e", "/* x", "\xff'"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		end := 0
		for _, tk := range parser.Tokens(src) {
			if tk.Start < end || tk.End <= tk.Start || tk.End > len(src) || src[tk.Start:tk.End] != tk.Text {
				t.Fatalf("Tokens(%q): token %+v after offset %d", src, tk, end)
			}
			end = tk.End
		}
	})
}
