package dsl

// Walk calls fn for q and, depth first, for every query inside it: the
// members of boolAnd, boolOr and query objects, and the query under NOT.
func Walk(q Query, fn func(Query)) {
	fn(q)
	switch q := q.(type) {
	case AndQuery:
		walkAll(q.Queries, fn)
	case OrQuery:
		walkAll(q.Queries, fn)
	case ObjectQuery:
		walkAll(q.Queries, fn)
	case NotQuery:
		Walk(q.Query, fn)
	}
}

func walkAll(qs []Query, fn func(Query)) {
	for _, q := range qs {
		Walk(q, fn)
	}
}

// KeyOf returns the key a leaf query tests; ok is false for boolean
// queries and NOT.
func KeyOf(q Query) (key Key, ok bool) {
	switch q := q.(type) {
	case MatchQuery:
		return q.Key, true
	case ContainQuery:
		return q.Key, true
	case InQuery:
		return q.Key, true
	case RangeQuery:
		return q.Key, true
	case LikeQuery:
		return q.Key, true
	case ILikeQuery:
		return q.Key, true
	case RegexpQuery:
		return q.Key, true
	case ExistsQuery:
		return q.Key, true
	}
	return "", false
}

// Depth is how many query objects nest in q's JSON along its deepest
// path: 1 for a clause, one more for each boolAnd, boolOr (or not) around
// it. The clauses of one query object share its level. Unmarshal rejects
// a query deeper than MaxDepth.
func Depth(q Query) int { return 1 + innerDepth(q) }

func innerDepth(q Query) int {
	d := 0
	switch q := q.(type) {
	case AndQuery:
		for _, c := range q.Queries {
			d = max(d, Depth(c))
		}
	case OrQuery:
		for _, c := range q.Queries {
			d = max(d, Depth(c))
		}
	case ObjectQuery:
		for _, c := range q.Queries {
			d = max(d, innerDepth(c))
		}
	case NotQuery:
		d = Depth(q.Query)
	}
	return d
}
