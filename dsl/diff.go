package dsl

import (
	"fmt"
	"strconv"
	"strings"
)

// Equivalent reports whether a and b mean the same: the same target type,
// the same set of target IDs, and queries with equal normal forms.
func Equivalent(a, b Request) bool { return Diff(a, b) == "" }

// EquivalentQuery reports whether two queries have equal normal forms.
func EquivalentQuery(a, b Query) bool { return DiffQuery(a, b) == "" }

// Diff returns "" when a and b are equivalent, and otherwise a line diff
// of their normal forms written out one clause a line (- for a, + for b),
// values as query literals, so that the report reads like the query:
//
//	  TargetType: "file"
//	  TargetIDs: ["1"]
//	  Query:
//	    BoolOr:
//	-     Match: "floor", Value: "'F1'"
//	+     Match: "floor", Value: "'F2'"
//	      Contain: "name", Value: "'墙'"
func Diff(a, b Request) string {
	return diffLines(outline(Normalize(a)), outline(Normalize(b)))
}

// DiffQuery is Diff for two queries.
func DiffQuery(a, b Query) string {
	var la, lb []string
	outlineQuery(&la, NormalizeQuery(a), 0)
	outlineQuery(&lb, NormalizeQuery(b), 0)
	return diffLines(la, lb)
}

// DiffJSON unmarshals two DSL requests and returns Diff of them.
func DiffJSON(a, b []byte) (string, error) {
	ra, err := Unmarshal(a)
	if err != nil {
		return "", err
	}
	rb, err := Unmarshal(b)
	if err != nil {
		return "", err
	}
	return Diff(ra, rb), nil
}

// outline writes r as lines, one clause a line, children indented. Every
// name and value is quoted, so two requests have the same lines only when
// they have the same parts.
func outline(r Request) []string {
	ids := make([]string, len(r.targetIDs))
	for i, id := range r.targetIDs {
		ids[i] = strconv.Quote(id)
	}
	lines := []string{
		"TargetType: " + strconv.Quote(string(r.targetType)),
		"TargetIDs: [" + strings.Join(ids, ", ") + "]",
		"Query:",
	}
	outlineQuery(&lines, r.query, 1)
	return lines
}

func outlineQuery(lines *[]string, q Query, depth int) {
	line := func(s string) { *lines = append(*lines, strings.Repeat("  ", depth)+s) }
	field := func(name, s string) string { return name + ": " + strconv.Quote(s) }
	children := func(name string, qs []Query) {
		line(name + ":")
		for _, c := range qs {
			outlineQuery(lines, c, depth+1)
		}
	}
	switch q := q.(type) {
	case MatchQuery:
		line(field("Match", string(q.Key)) + ", " + field("Value", q.Value.String()))
	case ContainQuery:
		line(field("Contain", string(q.Key)) + ", " + field("Value", q.Value.String()))
	case InQuery:
		vs := make([]string, len(q.Values))
		for i, v := range q.Values {
			vs[i] = strconv.Quote(v.String())
		}
		line(field("In", string(q.Key)) + ", Values: [" + strings.Join(vs, ", ") + "]")
	case AndQuery:
		children("BoolAnd", q.Queries)
	case ObjectQuery:
		children("BoolAnd", q.Queries)
	case OrQuery:
		children("BoolOr", q.Queries)
	case NotQuery:
		children("Not", []Query{q.Query})
	case RangeQuery:
		line(field("Range", string(q.Key)) + ", " + field("Lower", boundText(q.Lower, ">=", ">")) + ", " + field("Upper", boundText(q.Upper, "<=", "<")))
	case LikeQuery:
		line(field("Like", string(q.Key)) + ", " + field("Pattern", QuoteString(q.Pattern)))
	case ILikeQuery:
		line(field("ILike", string(q.Key)) + ", " + field("Pattern", QuoteString(q.Pattern)))
	case RegexpQuery:
		line(field("Regexp", string(q.Key)) + ", " + field("Pattern", QuoteString(q.Pattern)))
	case ExistsQuery:
		line(field("Exists", string(q.Key)))
	case nil:
		line("none")
	default:
		// Queries are sealed, but a type outside can embed one of them.
		line(fmt.Sprintf("%T: %+v", q, q))
	}
}

func boundText(b Bound, incl, excl string) string {
	if b.IsZero() {
		return ""
	}
	if b.Inclusive {
		return incl + " " + b.Value.String()
	}
	return excl + " " + b.Value.String()
}

// maxDiffCells bounds the table of a line diff (lines of a × lines of b,
// common head and tail left out); past it, the differing lines are shown
// as all of a's, then all of b's.
const maxDiffCells = 1 << 22

// diffLines returns "" when a and b are the same lines, and otherwise
// every line marked "- " (only in a), "+ " (only in b) or "  " (in both),
// by a longest common subsequence.
func diffLines(a, b []string) string {
	head := 0
	for head < len(a) && head < len(b) && a[head] == b[head] {
		head++
	}
	if head == len(a) && head == len(b) {
		return ""
	}
	tail := 0
	for tail < len(a)-head && tail < len(b)-head && a[len(a)-1-tail] == b[len(b)-1-tail] {
		tail++
	}
	ma, mb := a[head:len(a)-tail], b[head:len(b)-tail]
	var out strings.Builder
	write := func(mark, s string) { out.WriteString(mark + s + "\n") }
	for _, s := range a[:head] {
		write("  ", s)
	}
	if (len(ma)+1)*(len(mb)+1) > maxDiffCells {
		for _, s := range ma {
			write("- ", s)
		}
		for _, s := range mb {
			write("+ ", s)
		}
	} else {
		// lcs[i][j]: the longest common subsequence of ma[i:] and mb[j:].
		w := len(mb) + 1
		lcs := make([]int, (len(ma)+1)*w)
		for i := len(ma) - 1; i >= 0; i-- {
			for j := len(mb) - 1; j >= 0; j-- {
				if ma[i] == mb[j] {
					lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
				} else {
					lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
				}
			}
		}
		i, j := 0, 0
		for i < len(ma) || j < len(mb) {
			switch {
			case i < len(ma) && j < len(mb) && ma[i] == mb[j]:
				write("  ", ma[i])
				i, j = i+1, j+1
			case j == len(mb) || i < len(ma) && lcs[(i+1)*w+j] >= lcs[i*w+j+1]:
				write("- ", ma[i])
				i++
			default:
				write("+ ", mb[j])
				j++
			}
		}
	}
	for _, s := range a[len(a)-tail:] {
		write("  ", s)
	}
	return out.String()
}
