package dsl

import "slices"

// Query is one node of a query: MatchQuery, ContainQuery, InQuery,
// AndQuery, OrQuery or ObjectQuery. The set is closed; a type switch over
// these six is exhaustive.
type Query interface {
	isQuery()
}

// MatchQuery matches elements whose Key has exactly Value:
// {"match":{"floor":"F11"}}.
type MatchQuery struct {
	Key   Key
	Value Value
}

// ContainQuery matches elements whose Key contains Value's text:
// {"contain":{"floor":"F"}}.
type ContainQuery struct {
	Key   Key
	Value Value
}

// InQuery matches elements whose Key has any of Values:
// {"in":{"floor":["F1","F2"]}}.
type InQuery struct {
	Key    Key
	Values []Value
}

// AndQuery matches elements that every one of Queries matches:
// {"boolAnd":[…]}.
type AndQuery struct {
	Queries []Query
}

// OrQuery matches elements that any of Queries matches: {"boolOr":[…]}.
type OrQuery struct {
	Queries []Query
}

// ObjectQuery is one JSON query object holding several clauses at once,
// as in the documentation's "complex example":
//
//	{"contain":{"floor":"B01","familyType":"标准"},"match":{"family":"family1"},"boolOr":[…]}
//
// It means the AND of Queries. Marshalling puts each clause in its slot of
// one object (several match keys share one "match" object, an AndQuery's
// members go in "boolAnd"); a clause that would collide with one already
// placed, such as a second match on the same key, goes into "boolAnd".
type ObjectQuery struct {
	Queries []Query
}

func (MatchQuery) isQuery()   {}
func (ContainQuery) isQuery() {}
func (InQuery) isQuery()      {}
func (AndQuery) isQuery()     {}
func (OrQuery) isQuery()      {}
func (ObjectQuery) isQuery()  {}

// Match is the query key = v. The value may be a string, a bool, any
// integer or float type, a json.Number or a Value.
func Match(key Key, v any) MatchQuery { return MatchQuery{Key: key, Value: ValueOf(v)} }

// Contain is the query "key contains v's text".
func Contain(key Key, v any) ContainQuery { return ContainQuery{Key: key, Value: ValueOf(v)} }

// In is the query "key is one of vs".
func In(key Key, vs ...any) InQuery {
	values := make([]Value, len(vs))
	for i, v := range vs {
		values[i] = ValueOf(v)
	}
	return InQuery{Key: key, Values: values}
}

// And is the query that all of qs match.
func And(qs ...Query) AndQuery { return AndQuery{Queries: slices.Clone(qs)} }

// Or is the query that any of qs matches.
func Or(qs ...Query) OrQuery { return OrQuery{Queries: slices.Clone(qs)} }

// Object is one query object holding all of qs; it means the same as And
// but marshals as a single object with several clauses.
func Object(qs ...Query) ObjectQuery { return ObjectQuery{Queries: slices.Clone(qs)} }
