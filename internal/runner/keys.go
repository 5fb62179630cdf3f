package runner

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/parser"
)

// UnknownKeys returns a note for each key of a statement's condition that
// no record of a target has, with the keys of that target near it in
// spelling: a condition on such a key matches nothing (or everything,
// negated), which is rarely what was meant. Only an engine that knows
// every key (a cache) can tell; on BIMFACE it returns nothing.
func UnknownKeys(ctx context.Context, e Engine, st dsl.Statement) []string {
	l, ok := e.(local)
	if !ok {
		return nil
	}
	var notes []string
	seen := map[dsl.Key]bool{}
	keys := queryKeys(st.Request.Query())
	for _, id := range st.Request.TargetIDs() {
		t := Target{Type: st.Request.TargetType(), ID: id}
		stats, err := l.Keys(ctx, t, st.Select)
		if err != nil {
			// A target not in the cache fails the statement itself.
			continue
		}
		have := make(map[dsl.Key]bool, len(stats))
		names := make([]dsl.Key, len(stats))
		for i, k := range stats {
			have[k.Key], names[i] = true, k.Key
		}
		for _, k := range keys {
			if have[k] || seen[k] {
				continue
			}
			seen[k] = true
			note := fmt.Sprintf("no %s of %s has the key %s", strings.TrimSuffix(Noun(st.Select), "s"), t, parser.FormatKey(k))
			if near := NearKeys(k, names); len(near) > 0 {
				quoted := make([]string, len(near))
				for i, n := range near {
					quoted[i] = parser.FormatKey(n)
				}
				note += "; did you mean " + strings.Join(quoted, " or ") + "?"
			}
			notes = append(notes, note)
		}
	}
	return notes
}

// NearKeys returns the keys among have that key may be a misspelling of:
// those the same but for case, or else those at the fewest edits, within
// two (one for short keys); three at most.
func NearKeys(key dsl.Key, have []dsl.Key) []dsl.Key {
	type cand struct {
		k dsl.Key
		d int
	}
	var cands []cand
	want := []rune(strings.ToLower(string(key)))
	limit := 2
	if len(want) <= 4 {
		limit = 1
	}
	for _, h := range have {
		if strings.EqualFold(string(h), string(key)) {
			cands = append(cands, cand{h, 0})
			continue
		}
		if d := distance(want, []rune(strings.ToLower(string(h)))); d <= limit {
			cands = append(cands, cand{h, d})
		}
	}
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].d != cands[j].d {
			return cands[i].d < cands[j].d
		}
		return cands[i].k < cands[j].k
	})
	var out []dsl.Key
	for i, c := range cands {
		if i == 3 || c.d > cands[0].d {
			break
		}
		out = append(out, c.k)
	}
	return out
}

// distance is the edit distance between a and b (insertions, deletions,
// substitutions and swaps of neighbours), counting a difference of case
// or of space as none.
func distance(a, b []rune) int {
	a, b = squeeze(a), squeeze(b)
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// squeeze drops spaces: `类型 名称` is near 类型名称.
func squeeze(rs []rune) []rune {
	out := rs[:0:0]
	for _, r := range rs {
		if !unicode.IsSpace(r) {
			out = append(out, r)
		}
	}
	return out
}
