package output

import (
	"encoding/json"
	"unicode/utf8"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
)

// Matches is the match set of one target, with the index its positions
// belong to.
type Matches struct {
	TargetID string
	Select   dsl.Select
	Index    *eval.Index
	Set      eval.Set
}

// SetsFromCache answers a plain statement on a loaded cache with its
// match sets (Answer.Sets), for the formats that write each ID once: a
// large answer is then written without making a string of each ID.
func SetsFromCache(c *eval.Cache, st dsl.Statement) (Answer, error) {
	if err := st.Request.Check(); err != nil {
		return Answer{}, err
	}
	a := Answer{Select: st.Select, Sets: make([]Matches, 0, len(st.Request.TargetIDs()))}
	for _, id := range st.Request.TargetIDs() {
		ix, err := c.Index(st.Request.TargetType(), id, st.Select)
		if err != nil {
			return Answer{}, err
		}
		set, err := ix.Search(st.Request.Query())
		if err != nil {
			return Answer{}, err
		}
		a.Sets = append(a.Sets, Matches{TargetID: id, Select: st.Select, Index: ix, Set: set})
	}
	return a, nil
}

// withIDs returns a with its match sets made into Results, for the
// formats that read IDs more than once (table, csv).
func (a Answer) withIDs() Answer {
	for _, m := range a.Sets {
		a.Results = append(a.Results, eval.Result{TargetID: m.TargetID, Select: m.Select, IDs: m.Index.IDs(m.Set)})
	}
	a.Sets = nil
	return a
}

// writeSetIDs writes the IDs of sets one a line, formatted into the
// buffer's free space.
func (w *Writer) writeSetIDs(sets []Matches) {
	for _, m := range sets {
		for pos := range m.Set.All() {
			b := m.Index.AppendID(w.w.AvailableBuffer(), pos)
			w.w.Write(append(b, '\n'))
		}
	}
}

// writeSetJSON writes sets as eval.Result.MarshalJSON writes results, in
// an array, byte for byte.
func (w *Writer) writeSetJSON(sets []Matches) {
	w.w.WriteByte('[')
	for i, m := range sets {
		if i > 0 {
			w.w.WriteByte(',')
		}
		w.w.WriteString(`{"` + m.Select.IDsField() + `":[`)
		first := true
		for pos := range m.Set.All() {
			b := w.w.AvailableBuffer()
			if !first {
				b = append(b, ',')
			}
			first = false
			w.w.Write(appendJSONID(b, m.Index, pos))
		}
		w.w.WriteString(`],"targetId":`)
		tid, _ := json.Marshal(m.TargetID) // a string always marshals
		w.w.Write(tid)
		w.w.WriteByte('}')
	}
	w.w.WriteString("]\n")
}

// appendJSONID appends the ID of record pos of ix quoted as
// encoding/json quotes a string. IDs are plain ASCII but for rare ones,
// which go through encoding/json for its escapes (<, >, &, U+2028,
// invalid UTF-8…).
func appendJSONID(dst []byte, ix *eval.Index, pos int) []byte {
	start := len(dst)
	dst = ix.AppendID(append(dst, '"'), pos)
	for _, c := range dst[start+1:] {
		if c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(string(dst[start+1:])) // a string always marshals
			return append(dst[:start], q...)
		}
	}
	return append(dst, '"')
}

// idTable returns a plain answer as the table of its ID column, with the
// target's first when there are several, for the formats of tables.
func (a Answer) idTable() *eval.Table {
	a = a.withIDs()
	several := len(a.Results) > 1
	var cols []eval.TableColumn
	if several {
		cols = append(cols, eval.TableColumn{Name: "targetId", Column: dsl.TargetID()})
	}
	cols = append(cols, eval.TableColumn{Name: a.Select.String(), Column: dsl.ID()})
	var rows [][]dsl.Value
	var targets []string
	for _, r := range a.Results {
		for _, id := range r.IDs {
			row := []dsl.Value{dsl.String(id)}
			if several {
				row = append([]dsl.Value{dsl.String(r.TargetID)}, row...)
			}
			rows = append(rows, row)
			targets = append(targets, r.TargetID)
		}
	}
	return eval.NewTable(a.Select, cols, rows, targets)
}
