package export

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
)

// TestRunBuckets adds records to a run, empties it and adds others, and
// reads each key's rows back: IDs and texts in record order, across
// blocks and chunks of every size, a text larger than the largest chunk
// among them, and memory reused after the run is emptied.
func TestRunBuckets(t *testing.T) {
	r := &run{index: map[string]uint32{}}
	big := strings.Repeat("长", (firstBytes<<classes)/3+1) // larger than the largest chunk
	for round, records := range []int{3 * firstRows << classes / 2, 1000} {
		want := map[string][]string{}
		for i := range records {
			rec := &eval.RawRecord{ID: fmt.Sprintf("%d.%d", round, i)}
			text := fmt.Sprintf("v%d", i*i)
			if i == records/2 {
				text = big
			}
			rec.Fields = []eval.Field{{Key: "a", Kind: dsl.KindString, Text: text}}
			rec.Properties = []eval.Property{{Group: "g", Key: "b", Kind: dsl.KindString, Text: ""}}
			if i%7 == 0 {
				rec.Properties = append(rec.Properties, eval.Property{Group: "g", Key: "c", Kind: dsl.KindNumber, Text: "1.5", Unit: "mm"})
			}
			r.addRecord(dsl.SelectElements, rec)
			for _, f := range rec.Fields {
				want[f.Key] = append(want[f.Key], rec.ID+"="+f.Text)
			}
			for _, p := range rec.Properties {
				want[p.Key] = append(want[p.Key], rec.ID+"="+p.Text)
			}
		}
		got := map[string][]string{}
		n := 0
		for k := range r.keys {
			b := &r.keys[k]
			for _, blk := range b.rows {
				for i := range blk {
					id, text := b.idText(&blk[i])
					got[r.strs[k]] = append(got[r.strs[k]], id+"="+text)
				}
			}
			require.Equal(t, len(got[r.strs[k]]), b.n, r.strs[k])
			n += b.n
		}
		require.Equal(t, want, got, "round %d", round)
		require.Equal(t, r.n, n)
		r.reset()
		if round == 0 {
			spare := 0
			for _, s := range r.spareBytes {
				spare += len(s)
			}
			require.NotZero(t, spare, "chunks are kept for reuse")
		}
	}
}
