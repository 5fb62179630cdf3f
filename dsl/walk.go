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
	case ExistsQuery:
		return q.Key, true
	}
	return "", false
}
