package eval

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/bfquery/bfquery/dsl"
)

// Len returns the number of records.
func (ix *Index) Len() int { return ix.n }

// ID returns the printed ID of record i (0 ≤ i < Len), in cache order.
func (ix *Index) ID(i int) string { return string(ix.ids[ix.idOff[i]:ix.idOff[i+1]]) }

// AppendID appends the printed ID of record i to dst, so that a writer
// can format IDs as it writes them, without a string for each.
func (ix *Index) AppendID(dst []byte, i int) []byte {
	return append(dst, ix.ids[ix.idOff[i]:ix.idOff[i+1]]...)
}

// Record is what a table shows of one record: its ID and the first value
// of a few standard keys ("" when the record has none).
type Record struct {
	ID         string
	Name       string
	Category   string
	Floor      string
	Family     string
	FamilyType string
}

// Record returns the summary of record i. Its error is that of an index
// file whose summary, checked on first use, is damaged.
func (ix *Index) Record(i int) (Record, error) {
	if err := ix.checkSummary(); err != nil {
		return Record{}, err
	}
	var f [numSummary]string
	for s := range numSummary {
		if v := ix.summary[s][i]; v != 0 {
			f[s] = string(ix.blob[ix.off[v-1] : ix.off[v]-1])
		}
	}
	return Record{ID: ix.ID(i), Name: f[sumName], Category: f[sumCategory], Floor: f[sumFloor], Family: f[sumFamily], FamilyType: f[sumFamilyType]}, nil
}

// Search returns the set of records q matches. q may use the whole
// language (NOT, ranges, LIKE, IS NOT NULL). It reports an error for a
// query that dsl.CheckQuery rejects (an empty in or boolAnd, an invalid
// value...).
func (ix *Index) Search(q dsl.Query) (s Set, err error) {
	if err := dsl.CheckQuery(q); err != nil {
		return Set{}, err
	}
	defer guard(&err)
	return Set{ix.eval(q, nil)}, nil
}

// Find returns the IDs of the records q matches, in cache order.
func (ix *Index) Find(q dsl.Query) ([]string, error) {
	bm, err := ix.Search(q)
	if err != nil {
		return nil, err
	}
	return ix.IDs(bm), nil
}

// IDs returns the printed IDs of the records of s, in cache order.
func (ix *Index) IDs(s Set) []string {
	ids := make([]string, 0, s.Len())
	for pos := range s.All() {
		ids = append(ids, ix.ID(pos))
	}
	return ids
}

// Plan is one node of an explained query: the clause, how many records
// it matched, and for boolean clauses the same for each child.
type Plan struct {
	Clause   string
	Count    int
	Children []*Plan
}

// String renders the plan as an indented tree, one clause a line.
func (p *Plan) String() string {
	var b strings.Builder
	p.write(&b, "")
	return b.String()
}

func (p *Plan) write(b *strings.Builder, indent string) {
	fmt.Fprintf(b, "%s%s: %d\n", indent, p.Clause, p.Count)
	for _, c := range p.Children {
		c.write(b, indent+"  ")
	}
}

// Explain evaluates q and returns how many records each clause matched.
func (ix *Index) Explain(q dsl.Query) (_ *Plan, err error) {
	if err := dsl.CheckQuery(q); err != nil {
		return nil, err
	}
	defer guard(&err)
	var root Plan
	ix.eval(q, &root)
	return &root, nil
}

// eval returns a new bitmap of the records q matches; when plan is not nil
// it is filled with q's clause and count and gets a child per subquery.
func (ix *Index) eval(q dsl.Query, plan *Plan) *roaring.Bitmap {
	var bm *roaring.Bitmap
	switch q := q.(type) {
	case dsl.MatchQuery:
		bm = ix.leaf(q.Key, q.Value, matchOp)
	case dsl.ContainQuery:
		bm = ix.leaf(q.Key, q.Value, containOp)
	case dsl.InQuery:
		var acc collector
		for _, v := range q.Values {
			ix.match(ix.key(string(q.Key)), v, &acc)
		}
		bm = acc.set()
	case dsl.AndQuery:
		bm = ix.and(q.Queries, plan)
	case dsl.ObjectQuery:
		bm = ix.and(q.Queries, plan)
	case dsl.OrQuery:
		bms := make([]*roaring.Bitmap, len(q.Queries))
		for i, c := range q.Queries {
			bms[i] = ix.eval(c, child(plan))
		}
		bm = roaring.FastOr(bms...)
	case dsl.NotQuery:
		bm = ix.all()
		bm.AndNot(ix.eval(q.Query, child(plan)))
	case dsl.RangeQuery:
		var acc collector
		if k := ix.key(string(q.Key)); k != nil {
			k.inRange(q, &acc)
		}
		bm = acc.set()
	case dsl.LikeQuery, dsl.ILikeQuery, dsl.RegexpQuery:
		var acc collector
		key, test, _ := dsl.TextTest(q)
		if k := ix.key(string(key)); k != nil {
			k.like(test, &acc)
		}
		bm = acc.set()
	case dsl.ExistsQuery:
		if k := ix.key(string(q.Key)); k != nil {
			bm = k.all()
		} else {
			bm = roaring.New()
		}
	}
	if plan != nil {
		plan.Clause = clause(q)
		plan.Count = int(bm.GetCardinality())
	}
	return bm
}

// all returns a new bitmap of every record.
func (ix *Index) all() *roaring.Bitmap {
	bm := roaring.New()
	bm.AddRange(0, uint64(ix.n))
	return bm
}

// child appends a plan node for a subquery, or returns nil when not
// explaining.
func child(plan *Plan) *Plan {
	if plan == nil {
		return nil
	}
	c := &Plan{}
	plan.Children = append(plan.Children, c)
	return c
}

// and intersects the children; once the result is empty the rest are
// still evaluated when explaining, so that every clause gets its count.
func (ix *Index) and(qs []dsl.Query, plan *Plan) *roaring.Bitmap {
	var bm *roaring.Bitmap
	for _, c := range qs {
		if bm != nil && bm.IsEmpty() && plan == nil {
			break
		}
		r := ix.eval(c, child(plan))
		if bm == nil {
			bm = r
		} else {
			bm.And(r)
		}
	}
	if bm == nil {
		bm = roaring.New()
	}
	return bm
}

type leafOp uint8

const (
	matchOp leafOp = iota
	containOp
)

func (ix *Index) leaf(key dsl.Key, v dsl.Value, op leafOp) *roaring.Bitmap {
	k := ix.key(string(key))
	if k == nil {
		return roaring.New()
	}
	var acc collector
	if op == containOp {
		if v.Text() == "" {
			return k.all()
		}
		k.contain([]byte(v.Text()), &acc)
	} else {
		ix.match(k, v, &acc)
	}
	return acc.set()
}

// match adds the records whose value for k equals v, by the rules in the
// package documentation.
func (ix *Index) match(k *keyIndex, v dsl.Value, acc *collector) {
	if k == nil {
		return
	}
	t := []byte(v.Text())
	exact := func(kind dsl.Kind) {
		if i, ok := k.lookup(kind, t); ok {
			k.add(acc, i)
		}
	}
	switch v.Kind() {
	case dsl.KindString:
		exact(dsl.KindString)
		if f, ok := parseNumber(t); ok {
			k.numeric(f, false, acc)
		}
		if v.Text() == "true" || v.Text() == "false" {
			exact(dsl.KindBool)
		}
	case dsl.KindNumber:
		if f, ok := v.Float(); ok {
			k.numeric(f, true, acc)
		}
	case dsl.KindBool:
		exact(dsl.KindBool)
		exact(dsl.KindString)
	}
}

// numeric adds the records holding a number equal to f, and when strings
// is set also a numeric string equal to f.
func (k *keyIndex) numeric(f float64, strings bool, acc *collector) {
	lo, hi := k.numRange(f)
	for _, v := range k.numV[lo:hi] {
		if strings || k.kinds[v] == byte(dsl.KindNumber) {
			k.add(acc, v)
		}
	}
}

// inRange adds the records holding a numeric value (a number or a numeric
// string) within the range's bounds, from the sorted numeric view.
func (k *keyIndex) inRange(q dsl.RangeQuery, acc *collector) {
	lo, hi := 0, len(k.numV)
	if !q.Lower.IsZero() {
		f, _ := q.Lower.Value.Float()
		if q.Lower.Inclusive {
			lo = k.lowerBound(f)
		} else {
			lo = k.upperBound(f)
		}
	}
	if !q.Upper.IsZero() {
		f, _ := q.Upper.Value.Float()
		if q.Upper.Inclusive {
			hi = k.upperBound(f)
		} else {
			hi = k.lowerBound(f)
		}
	}
	for _, v := range k.numV[lo:max(lo, hi)] {
		k.add(acc, v)
	}
}

// like adds the records holding a value whose text matches the pattern,
// testing each distinct value once.
func (k *keyIndex) like(test func(string) bool, acc *collector) {
	for v := range k.len() {
		if test(string(k.text(uint32(v)))) {
			k.add(acc, uint32(v))
		}
	}
}

// contain adds the records holding a value whose text contains t. One
// search over the key's blob finds all of them; after a hit the search
// resumes at the next value, since a value counts once.
func (k *keyIndex) contain(t []byte, acc *collector) {
	if bytes.IndexByte(t, 0) >= 0 {
		// The separator is in t: a hit could span two values.
		for v := range k.len() {
			if bytes.Contains(k.text(uint32(v)), t) {
				k.add(acc, uint32(v))
			}
		}
		return
	}
	base := k.off[0]
	for i := 0; i < len(k.blob); {
		j := bytes.Index(k.blob[i:], t)
		if j < 0 {
			break
		}
		v, _ := slices.BinarySearch(k.off, base+uint32(i+j)+1)
		v-- // the value whose range holds the hit
		k.add(acc, uint32(v))
		i = int(k.off[v+1] - base)
	}
}

// clause renders q's own clause for a plan, without its children.
func clause(q dsl.Query) string {
	switch q := q.(type) {
	case dsl.MatchQuery:
		return fmt.Sprintf("match %s = %s", q.Key, q.Value)
	case dsl.ContainQuery:
		return fmt.Sprintf("contain %s ⊇ %s", q.Key, q.Value)
	case dsl.InQuery:
		vs := make([]string, len(q.Values))
		for i, v := range q.Values {
			vs[i] = v.String()
		}
		return fmt.Sprintf("in %s (%s)", q.Key, strings.Join(vs, ", "))
	case dsl.AndQuery:
		return "boolAnd"
	case dsl.OrQuery:
		return "boolOr"
	case dsl.ObjectQuery:
		return "object (and)"
	case dsl.NotQuery, dsl.RangeQuery, dsl.LikeQuery, dsl.ILikeQuery, dsl.RegexpQuery, dsl.ExistsQuery:
		return dsl.Describe(q)
	}
	return fmt.Sprintf("%T", q)
}
