package plan

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
)

// Backend is what a plan runs on: BIMFACE through its client (Remote), or
// a local cache (Local).
type Backend interface {
	// Query answers one DSL request, per target.
	Query(ctx context.Context, sel dsl.Select, req dsl.Request) ([]eval.Result, error)
	// Values lists the distinct values each key takes in what sel selects
	// of the targets.
	Values(ctx context.Context, sel dsl.Select, t dsl.TargetType, targetIDs []string, keys []dsl.Key) (Values, error)
	// All lists every ID of one target.
	All(ctx context.Context, sel dsl.Select, t dsl.TargetType, targetID string) ([]string, error)
	// Filter returns, in order, those of ids whose records q matches.
	Filter(ctx context.Context, sel dsl.Select, t dsl.TargetType, targetID string, ids []string, q dsl.Query) ([]string, error)
	// Records returns the records of ids, indexed, and which of the
	// index's records they are (nil: all), for statements whose SELECT
	// list is computed here.
	Records(ctx context.Context, sel dsl.Select, t dsl.TargetType, targetID string, ids []string) (*eval.Index, *eval.Set, error)
}

// Values are the distinct values of keys, as a Backend lists them.
type Values struct {
	ByKey map[dsl.Key][]dsl.Value
	// Untyped says the values came as text only, as BIMFACE's
	// propertyValues may send them (its example: "values" : [ "-2.45",
	// "0.0" ], seed 001 line 7161). A numeric text then may stand for a
	// number whose literal differs (3000.0 sent as "3000"), so a plan
	// checks such values on the records where their text decides.
	Untyped bool
}

// Options tune how a plan is made and run.
type Options struct {
	// LowerIn writes every in clause as a boolOr of matches, for servers
	// that reject in.
	LowerIn bool
	// MaxInValues is how many values one in clause holds before a list is
	// split into several (in a boolOr of the same request). Default 1000.
	MaxInValues int
	// Concurrency is how many requests run at once. Default 4.
	Concurrency int
}

func (o Options) withDefaults() Options {
	if o.MaxInValues <= 0 {
		o.MaxInValues = 1000
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	return o
}

// Node is a set of IDs per target, as the plan computes it.
type Node interface{ isNode() }

// Request is one DSL request to a query endpoint.
type Request struct {
	N     int       // its step number in the plan
	Query dsl.Query // documented clauses only
}

// All is every ID of the target, from the listing endpoints.
type All struct{}

// Union, Intersect and Minus are the set operations.
type (
	Union     struct{ Nodes []Node }
	Intersect struct{ Nodes []Node }
	Minus     struct{ From, Without Node }
)

// Check reads the records of Candidates and keeps those Query matches,
// evaluated by the local engine.
type Check struct {
	N          int
	Candidates Node
	Query      dsl.Query
}

// Empty is no IDs: what a test that no value passes selects.
type Empty struct{}

func (*Request) isNode()  {}
func (All) isNode()       {}
func (Union) isNode()     {}
func (Intersect) isNode() {}
func (Minus) isNode()     {}
func (*Check) isNode()    {}
func (Empty) isNode()     {}

// Filtered says, for the display, how many of a key's values a test kept.
type Filtered struct {
	Test  string // the clause, as the query language writes it
	Kept  int
	Of    int
	Check int // values that the records must decide
}

// Plan is how a statement is answered.
type Plan struct {
	Statement dsl.Statement
	Options   Options
	// Lookup lists the keys whose values were fetched (one propertyValues
	// request), and what each test kept of them.
	Lookup   []dsl.Key
	Filtered []Filtered
	Root     Node
	Requests []*Request
	Checks   []*Check
	all      bool // whether the plan lists all IDs of the targets
}

// RequestCount is the number of requests running the plan makes, not
// counting the property reads of checks (one per 1000 candidates).
func (p *Plan) RequestCount() int {
	n := len(p.Requests)
	if len(p.Lookup) > 0 {
		n++
	}
	if p.all {
		n += len(p.Statement.Request.TargetIDs())
	}
	return n
}

// Build makes the plan for a statement. A query of documented clauses
// only is one request. Otherwise Build fetches the values of the keys that
// ranges, LIKE and IS NOT NULL test, in one request, so that the plan it
// returns holds the exact requests that Run sends.
func Build(ctx context.Context, b Backend, st dsl.Statement, opts Options) (*Plan, error) {
	opts = opts.withDefaults()
	r := st.Request
	q := r.Query()
	if err := st.Check(); err != nil {
		return nil, err
	}
	p := &Plan{Statement: st, Options: opts}
	bld := builder{plan: p, seen: map[string]*Request{}}
	if q == nil {
		// Without WHERE: every record, from the listing endpoints.
		p.Root = bld.allIDs()
		return p, nil
	}
	if dsl.Documented(q) {
		p.Root = bld.request(q)
		return p, p.checkDepth()
	}
	p.Lookup = keysToLook(q)
	if len(p.Lookup) > 0 {
		vals, err := b.Values(ctx, st.Select, r.TargetType(), r.TargetIDs(), p.Lookup)
		if err != nil {
			return nil, err
		}
		bld.values, bld.untyped = vals.ByKey, vals.Untyped
	}
	part := bld.expr(q)
	switch {
	case part.empty:
		p.Root = Empty{}
	case part.doc != nil:
		p.Root = bld.request(part.doc)
	default:
		p.Root = part.node
	}
	return p, p.checkDepth()
}

// checkDepth refuses a plan whose requests BIMFACE would refuse: split or
// lowered in lists can take a query that was just within dsl.MaxDepth
// past it.
func (p *Plan) checkDepth() error {
	for _, r := range p.Requests {
		if d := dsl.Depth(r.Query); d > dsl.MaxDepth {
			return fmt.Errorf("request %d of the plan nests %d levels deep, more than the %d BIMFACE reads: nest the query less", r.N, d, dsl.MaxDepth)
		}
	}
	return nil
}

// keysToLook lists, in order of appearance, the keys whose values the
// plan needs.
func keysToLook(q dsl.Query) []dsl.Key {
	var keys []dsl.Key
	dsl.Walk(q, func(q dsl.Query) {
		switch q.(type) {
		case dsl.RangeQuery, dsl.LikeQuery, dsl.ILikeQuery, dsl.RegexpQuery, dsl.ExistsQuery:
			if k, _ := dsl.KeyOf(q); !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	})
	return keys
}

// part is a translated subquery: documented clauses that can go into a
// request, a set node, or nothing at all.
type part struct {
	doc   dsl.Query
	node  Node
	empty bool
}

type builder struct {
	plan    *Plan
	values  map[dsl.Key][]dsl.Value
	untyped bool // see Values.Untyped
	seen    map[string]*Request
}

func (b *builder) expr(q dsl.Query) part {
	switch q := q.(type) {
	case dsl.MatchQuery, dsl.ContainQuery, dsl.InQuery:
		return part{doc: q}
	case dsl.AndQuery:
		return b.and(q.Queries)
	case dsl.ObjectQuery:
		return b.and(q.Queries)
	case dsl.OrQuery:
		return b.or(q.Queries)
	case dsl.NotQuery:
		if inner, ok := q.Query.(dsl.NotQuery); ok {
			return b.expr(inner.Query)
		}
		in := b.expr(q.Query)
		switch {
		case in.empty:
			return b.node(b.allIDs())
		case in.doc != nil:
			return b.node(Minus{From: b.allIDs(), Without: b.request(in.doc)})
		}
		return b.node(Minus{From: b.allIDs(), Without: in.node})
	case dsl.RangeQuery:
		kept := b.filter(q, q.Key, func(v dsl.Value) bool { return inRange(q, v) })
		return inPart(q.Key, kept)
	case dsl.ExistsQuery:
		kept := b.filter(q, q.Key, func(dsl.Value) bool { return true })
		return inPart(q.Key, kept)
	case dsl.LikeQuery, dsl.ILikeQuery, dsl.RegexpQuery:
		return b.like(q)
	}
	panic(fmt.Sprintf("plan: unexpected query %T", q))
}

func (b *builder) node(n Node) part { return part{node: n} }

func inPart(key dsl.Key, vals []dsl.Value) part {
	if len(vals) == 0 {
		return part{empty: true}
	}
	return part{doc: dsl.InQuery{Key: key, Values: vals}}
}

func (b *builder) allIDs() Node {
	b.plan.all = true
	return All{}
}

// and: the documented members go into one request A; a NOT B among them
// becomes ids(A) − ids(A AND B), all such Bs in one request.
func (b *builder) and(children []dsl.Query) part {
	var docs, negDocs []dsl.Query
	var pos, negNodes []Node
	for _, c := range children {
		if n, ok := c.(dsl.NotQuery); ok {
			if _, double := n.Query.(dsl.NotQuery); !double {
				p := b.expr(n.Query)
				switch {
				case p.empty: // NOT nothing: everything, which changes no AND
				case p.doc != nil:
					negDocs = append(negDocs, p.doc)
				default:
					negNodes = append(negNodes, p.node)
				}
				continue
			}
		}
		p := b.expr(c)
		switch {
		case p.empty:
			return part{empty: true}
		case p.doc != nil:
			docs = append(docs, p.doc)
		default:
			pos = append(pos, p.node)
		}
	}
	if len(pos) == 0 && len(negDocs) == 0 && len(negNodes) == 0 {
		if len(docs) == 0 {
			return b.node(b.allIDs())
		}
		return part{doc: andOf(docs)}
	}
	var set []Node
	if len(docs) > 0 {
		set = append(set, b.request(andOf(docs)))
	}
	set = append(set, pos...)
	if len(set) == 0 {
		set = append(set, b.allIDs())
	}
	var result Node = set[0]
	if len(set) > 1 {
		result = Intersect{Nodes: set}
	}
	var minus []Node
	if len(negDocs) > 0 {
		sub := orOf(negDocs)
		if len(docs) > 0 {
			sub = andOf(append(slices.Clone(docs), sub))
		}
		minus = append(minus, b.request(sub))
	}
	minus = append(minus, negNodes...)
	if len(minus) > 0 {
		var without Node = minus[0]
		if len(minus) > 1 {
			without = Union{Nodes: minus}
		}
		result = Minus{From: result, Without: without}
	}
	return b.node(result)
}

// or: the documented members go into one request.
func (b *builder) or(children []dsl.Query) part {
	// NOT A OR NOT B is NOT (A AND B): one difference with the target's
	// elements instead of one for each.
	var nots, rest []dsl.Query
	for _, c := range children {
		if n, ok := c.(dsl.NotQuery); ok {
			nots = append(nots, n.Query)
		} else {
			rest = append(rest, c)
		}
	}
	if len(nots) > 1 {
		children = append(rest, dsl.NotQuery{Query: andOf(nots)})
	}
	var docs []dsl.Query
	var nodes []Node
	for _, c := range children {
		p := b.expr(c)
		switch {
		case p.empty:
		case p.doc != nil:
			docs = append(docs, p.doc)
		default:
			nodes = append(nodes, p.node)
		}
	}
	switch {
	case len(nodes) == 0 && len(docs) == 0:
		return part{empty: true}
	case len(nodes) == 0:
		return part{doc: orOf(docs)}
	}
	if len(docs) > 0 {
		nodes = append([]Node{b.request(orOf(docs))}, nodes...)
	}
	if len(nodes) == 1 {
		return b.node(nodes[0])
	}
	return b.node(Union{Nodes: nodes})
}

func andOf(qs []dsl.Query) dsl.Query {
	if len(qs) == 1 {
		return qs[0]
	}
	return dsl.AndQuery{Queries: qs}
}

func orOf(qs []dsl.Query) dsl.Query {
	if len(qs) == 1 {
		return qs[0]
	}
	return dsl.OrQuery{Queries: qs}
}

// filter keeps the values of key that pass keep, and records the count
// for the display.
func (b *builder) filter(q dsl.Query, key dsl.Key, keep func(dsl.Value) bool) []dsl.Value {
	all := b.values[key]
	var kept []dsl.Value
	for _, v := range all {
		if keep(v) {
			kept = append(kept, v)
		}
	}
	b.plan.Filtered = append(b.plan.Filtered, Filtered{Test: dsl.Describe(q), Kept: len(kept), Of: len(all)})
	return kept
}

// numeric returns a value's number: a number, or a string in JSON's
// number grammar.
func numeric(v dsl.Value) (float64, bool) {
	switch v.Kind() {
	case dsl.KindNumber, dsl.KindString:
		if !dsl.IsNumber(v.Text()) {
			return 0, false
		}
		f, err := strconv.ParseFloat(v.Text(), 64)
		if err != nil && !math.IsInf(f, 0) {
			return 0, false
		}
		return f, true
	}
	return 0, false
}

func inRange(q dsl.RangeQuery, v dsl.Value) bool {
	f, ok := numeric(v)
	if !ok {
		return false
	}
	if !q.Lower.IsZero() {
		lo, _ := q.Lower.Value.Float()
		if f < lo || f == lo && !q.Lower.Inclusive {
			return false
		}
	}
	if !q.Upper.IsZero() {
		hi, _ := q.Upper.Value.Float()
		if f > hi || f == hi && !q.Upper.Inclusive {
			return false
		}
	}
	return true
}

// like splits the values whose text matches into those an in selects
// exactly, and those it cannot: a value that match finds equal to another
// value whose text does not match (3000.0 and 3000, for LIKE '%.0').
// The second kind is checked on the records.
//
// ILIKE and REGEXP test the text as LIKE does, and are planned the same
// way.
func (b *builder) like(q dsl.Query) part {
	key, test, _ := dsl.TextTest(q)
	all := b.values[key]
	matches := make([]bool, len(all))
	byNumber := map[float64][]int{}
	for i, v := range all {
		matches[i] = test(v.Text())
		if f, ok := numeric(v); ok {
			byNumber[f] = append(byNumber[f], i)
		}
	}
	var safe, unsafe []dsl.Value
	for i, v := range all {
		if !matches[i] {
			continue
		}
		exact := true
		if _, ok := numeric(v); ok && b.untyped && v.Kind() == dsl.KindString {
			// Its type is not known: it may be a number, which in matches
			// by value, and whose own text may not match.
			exact = false
		} else if f, ok := numeric(v); ok {
			for _, j := range byNumber[f] {
				// Two strings compare as bytes; a number equals any value of
				// its number.
				if !matches[j] && (v.Kind() == dsl.KindNumber || all[j].Kind() == dsl.KindNumber) {
					exact = false
					break
				}
			}
		}
		if exact {
			safe = append(safe, v)
		} else {
			unsafe = append(unsafe, v)
		}
	}
	b.plan.Filtered = append(b.plan.Filtered, Filtered{Test: dsl.Describe(q), Kept: len(safe) + len(unsafe), Of: len(all), Check: len(unsafe)})
	sp := inPart(key, safe)
	if len(unsafe) == 0 {
		return sp
	}
	check := &Check{Candidates: b.request(dsl.InQuery{Key: key, Values: unsafe}), Query: q}
	b.plan.Checks = append(b.plan.Checks, check)
	check.N = len(b.plan.Requests) + len(b.plan.Checks) + 100 // renumbered by number()
	if sp.empty {
		return b.node(check)
	}
	return b.node(Union{Nodes: []Node{b.request(sp.doc), check}})
}

// request makes (or reuses) the request for a documented query, with long
// in lists split and, with LowerIn, in written as matches.
func (b *builder) request(q dsl.Query) *Request {
	q = b.shape(q)
	key, err := dsl.MarshalQuery(q)
	if err != nil {
		panic(fmt.Sprintf("plan: built an invalid request: %v", err))
	}
	if r := b.seen[string(key)]; r != nil {
		return r
	}
	r := &Request{N: len(b.plan.Requests) + 1, Query: q}
	b.plan.Requests = append(b.plan.Requests, r)
	b.seen[string(key)] = r
	return r
}

func (b *builder) shape(q dsl.Query) dsl.Query {
	switch q := q.(type) {
	case dsl.InQuery:
		if b.plan.Options.LowerIn {
			ms := make([]dsl.Query, len(q.Values))
			for i, v := range q.Values {
				ms[i] = dsl.MatchQuery{Key: q.Key, Value: v}
			}
			return orOf(ms)
		}
		max := b.plan.Options.MaxInValues
		if len(q.Values) <= max {
			return q
		}
		var chunks []dsl.Query
		for vs := range slices.Chunk(q.Values, max) {
			chunks = append(chunks, dsl.InQuery{Key: q.Key, Values: vs})
		}
		return dsl.OrQuery{Queries: chunks}
	case dsl.AndQuery:
		return dsl.AndQuery{Queries: b.shapeAll(q.Queries)}
	case dsl.OrQuery:
		// A split or lowered in under a boolOr joins it, rather than
		// nesting a level deeper.
		var qs []dsl.Query
		for _, c := range b.shapeAll(q.Queries) {
			if or, ok := c.(dsl.OrQuery); ok {
				qs = append(qs, or.Queries...)
			} else {
				qs = append(qs, c)
			}
		}
		return dsl.OrQuery{Queries: qs}
	case dsl.ObjectQuery:
		return dsl.ObjectQuery{Queries: b.shapeAll(q.Queries)}
	}
	return q
}

func (b *builder) shapeAll(qs []dsl.Query) []dsl.Query {
	out := make([]dsl.Query, len(qs))
	for i, q := range qs {
		out[i] = b.shape(q)
	}
	return out
}

// String renders the plan, as EXPLAIN prints it: the property lookup,
// each request with its DSL (long value lists cut short), and the set
// operations.
func (p *Plan) String() string {
	var b strings.Builder
	r := p.Statement.Request
	target := string(r.TargetType()) + " " + strings.Join(r.TargetIDs(), ", ")
	step := 0
	if len(p.Lookup) > 0 {
		step++
		keys := make([]string, len(p.Lookup))
		for i, k := range p.Lookup {
			keys[i] = string(k)
		}
		fmt.Fprintf(&b, "%d. query/propertyValues of %s for %s\n", step, strings.Join(keys, ", "), target)
		for _, f := range p.Filtered {
			fmt.Fprintf(&b, "     %s: %d of %d values", f.Test, f.Kept, f.Of)
			if f.Check > 0 {
				fmt.Fprintf(&b, " (%d checked on the records)", f.Check)
			}
			b.WriteByte('\n')
		}
	}
	names := map[Node]string{}
	for _, req := range p.Requests {
		step++
		names[req] = "(" + strconv.Itoa(step) + ")"
		body, _ := dsl.MarshalQuery(display(req.Query))
		fmt.Fprintf(&b, "%d. query/%s %s\n", step, p.Statement.Select.IDsField(), body)
	}
	if p.all {
		step++
		names[All{}] = "(" + strconv.Itoa(step) + ")"
		fmt.Fprintf(&b, "%d. all %s of %s\n", step, p.Statement.Select.IDsField(), target)
	}
	for _, c := range p.Checks {
		step++
		names[c] = "(" + strconv.Itoa(step) + ")"
		fmt.Fprintf(&b, "%d. read the records of %s and keep %s\n", step, render(c.Candidates, names), dsl.Describe(c.Query))
	}
	fmt.Fprintf(&b, "result: %s\n", render(p.Root, names))
	if !p.Statement.Plain() {
		b.WriteString(p.describeTable(step + 1))
	}
	fmt.Fprintf(&b, "requests: %d", p.RequestCount())
	if len(p.Checks) > 0 {
		b.WriteString(", and the property reads of the checks")
	}
	if !p.Statement.Plain() {
		if p.Statement.Select == dsl.SelectElements {
			fmt.Fprintf(&b, ", and one per %d elements found", bimface.MaxBatchIDs)
		} else {
			b.WriteString(", and one listing per target")
		}
	}
	b.WriteByte('\n')
	return b.String()
}

func render(n Node, names map[Node]string) string {
	switch n := n.(type) {
	case *Request, *Check:
		return names[n]
	case All:
		return names[All{}]
	case Empty:
		return "nothing"
	case Union:
		return renderList(n.Nodes, " ∪ ", names)
	case Intersect:
		return renderList(n.Nodes, " ∩ ", names)
	case Minus:
		from := render(n.From, names)
		without := render(n.Without, names)
		if _, ok := n.Without.(Union); ok {
			without = "(" + without + ")"
		}
		return from + " − " + without
	}
	return "?"
}

func renderList(ns []Node, sep string, names map[Node]string) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = render(n, names)
		switch n.(type) {
		case Union, Intersect, Minus:
			parts[i] = "(" + parts[i] + ")"
		}
	}
	return strings.Join(parts, sep)
}

// display cuts long in lists short for EXPLAIN.
func display(q dsl.Query) dsl.Query {
	const show = 5
	switch q := q.(type) {
	case dsl.InQuery:
		if len(q.Values) <= show+1 {
			return q
		}
		vals := append(slices.Clone(q.Values[:show]), dsl.String(fmt.Sprintf("…%d more", len(q.Values)-show)))
		return dsl.InQuery{Key: q.Key, Values: vals}
	case dsl.AndQuery:
		return dsl.AndQuery{Queries: displayAll(q.Queries)}
	case dsl.OrQuery:
		qs := q.Queries
		if len(qs) > show+1 {
			more := dsl.MatchQuery{Key: "…", Value: dsl.String(fmt.Sprintf("%d more", len(qs)-show))}
			qs = append(slices.Clone(qs[:show]), more)
		}
		return dsl.OrQuery{Queries: displayAll(qs)}
	case dsl.ObjectQuery:
		return dsl.ObjectQuery{Queries: displayAll(q.Queries)}
	}
	return q
}

func displayAll(qs []dsl.Query) []dsl.Query {
	out := make([]dsl.Query, len(qs))
	for i, q := range qs {
		out[i] = display(q)
	}
	return out
}
