package dsl

import (
	"fmt"
	"slices"
	"strings"
)

// TargetType says whether a request queries single files or integrated
// models.
type TargetType string

// The two target types BIMFACE accepts.
const (
	TargetFile        TargetType = "file"
	TargetIntegration TargetType = "integration"
)

// Request is a whole DSL request: what to query (targetType, targetIds)
// and the query. The zero Request is empty and does not validate.
//
// A Request is an immutable value: its methods return new Requests and
// never change the receiver or anything it shares with other Requests.
type Request struct {
	targetType TargetType
	targetIDs  []string
	query      Query
}

// File starts a request on the files with the given IDs.
func File(ids ...string) Request { return NewRequest(TargetFile, ids...) }

// Integration starts a request on the integrated models with the given IDs.
func Integration(ids ...string) Request { return NewRequest(TargetIntegration, ids...) }

// NewRequest starts a request with any target type. A target named twice
// counts once: its IDs would otherwise be answered twice.
func NewRequest(t TargetType, ids ...string) Request {
	return Request{targetType: t, targetIDs: uniqueIDs(ids)}
}

// uniqueIDs returns a copy of ids without repeats, in first-seen order.
func uniqueIDs(ids []string) []string {
	out := make([]string, 0, len(ids))
	if len(ids) <= 16 {
		for _, id := range ids {
			if !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
		return out
	}
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// Where returns the request with q added: the query itself if there was
// none, otherwise the AND of what was there and q.
func (r Request) Where(q Query) Request {
	switch cur := r.query.(type) {
	case nil:
		r.query = q
	case AndQuery:
		qs := make([]Query, 0, len(cur.Queries)+1)
		r.query = AndQuery{Queries: append(append(qs, cur.Queries...), q)}
	default:
		r.query = AndQuery{Queries: []Query{cur, q}}
	}
	return r
}

// WithQuery returns the request with its query replaced by q.
func (r Request) WithQuery(q Query) Request {
	r.query = q
	return r
}

// WithTargets returns the request with its target IDs replaced.
func (r Request) WithTargets(ids ...string) Request {
	r.targetIDs = slices.Clone(ids)
	return r
}

// TargetType returns the request's target type.
func (r Request) TargetType() TargetType { return r.targetType }

// TargetIDs returns a copy of the request's target IDs.
func (r Request) TargetIDs() []string { return slices.Clone(r.targetIDs) }

// Query returns the request's query, nil if it has none yet.
func (r Request) Query() Query { return r.query }

// Validate reports the first problem that stops r from being a valid DSL
// request, as an *Error with its JSON path.
func (r Request) Validate() error {
	_, err := r.MarshalJSON()
	return err
}

// Check is Validate for a request whose query may use the whole language
// (NOT, ranges, LIKE, IS NULL): what the local engine and a plan answer,
// though BIMFACE cannot in one request.
func (r Request) Check() error {
	e := encoder{extended: true}
	return e.request(r)
}

// MustJSON returns r's JSON and panics if r is not valid. It is meant for
// tests and examples.
func (r Request) MustJSON() []byte {
	b, err := r.MarshalJSON()
	if err != nil {
		panic(err)
	}
	return b
}

// String returns r's JSON, or a description of why r is invalid.
func (r Request) String() string {
	b, err := r.MarshalJSON()
	if err != nil {
		return "<invalid request: " + err.Error() + ">"
	}
	return string(b)
}

// Select says which IDs a query returns, and so which endpoint answers it.
type Select uint8

// The three query endpoints.
const (
	SelectElements Select = iota // query/elementIds
	SelectRooms                  // query/roomIds
	SelectAreas                  // query/areaIds
)

var selectNames = [...]string{"elementId", "roomId", "areaId"}

// String returns the singular column name: elementId, roomId or areaId.
func (s Select) String() string {
	if int(s) < len(selectNames) {
		return selectNames[s]
	}
	return fmt.Sprintf("Select(%d)", uint8(s))
}

// IDsField returns the plural name BIMFACE uses for the endpoint and for
// the ID list in its answer: elementIds, roomIds or areaIds.
func (s Select) IDsField() string { return s.String() + "s" }

// ParseSelect reads elementId, roomId or areaId, singular or plural, in
// any case.
func ParseSelect(s string) (Select, error) {
	l := strings.TrimSuffix(strings.ToLower(s), "s")
	for i, n := range selectNames {
		if l == strings.ToLower(n) {
			return Select(i), nil
		}
	}
	return 0, fmt.Errorf("unknown selection %q: must be elementId, roomId or areaId", s)
}

// Statement is a whole query: which records to select and the request
// that finds them. It is what a query text compiles to.
//
// A plain statement (Plain) answers with the IDs the request finds, as
// BIMFACE does. Request.Select gives a statement with a SELECT list, whose
// answer is a table of columns (keys' values, aggregates), grouped,
// ordered and limited by the builder methods in statement.go.
type Statement struct {
	Select  Select
	Request Request
	// Explain asks for how the statement is answered rather than for the
	// answer (EXPLAIN in the query language).
	Explain bool

	columns  []Column
	distinct bool
	groupBy  []Column
	having   Query
	orderBy  []Order
	limit    int
	offset   int
}
