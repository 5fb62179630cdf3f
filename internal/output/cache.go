package output

import (
	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
)

// FromCache answers a statement on a loaded cache; with records, it also
// reads what the table and CSV show of each ID.
//
// A statement with a SELECT list answers with its table.
func FromCache(c *eval.Cache, st dsl.Statement, records bool) (Answer, error) {
	if !st.Plain() {
		t, err := c.Run(st)
		if err != nil {
			return Answer{}, err
		}
		return Answer{Select: st.Select, Table: t}, nil
	}
	if err := st.Request.Check(); err != nil {
		return Answer{}, err
	}
	results, err := c.Query(st.Request, st.Select)
	if err != nil {
		return Answer{}, err
	}
	a := Answer{Select: st.Select, Results: results}
	if !records {
		return a, nil
	}
	for _, res := range results {
		ix, err := c.Index(st.Request.TargetType(), res.TargetID, st.Select)
		if err != nil {
			return Answer{}, err
		}
		set, err := ix.Search(st.Request.Query())
		if err != nil {
			return Answer{}, err
		}
		recs := make([]eval.Record, 0, set.Len())
		for pos := range set.All() {
			r, err := ix.Record(pos)
			if err != nil {
				return Answer{}, err
			}
			recs = append(recs, r)
		}
		a.Records = append(a.Records, recs)
	}
	return a, nil
}

// CountFromCache answers a statement on a loaded cache for the count
// format: the size of each target's match set, without making its IDs.
func CountFromCache(c *eval.Cache, st dsl.Statement) (Answer, error) {
	if err := st.Request.Check(); err != nil {
		return Answer{}, err
	}
	n, err := c.Count(st.Request, st.Select)
	if err != nil {
		return Answer{}, err
	}
	return Answer{Select: st.Select, Count: &n}, nil
}
