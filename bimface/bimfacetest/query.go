package bimfacetest

import (
	"net/http"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
)

// query answers /data/v2/query/elementIds, roomIds and areaIds, cut and
// paged as pager says: a later page of a context comes from the list its
// first call computed, whatever the later call's body.
func (s *Simulator) query(w http.ResponseWriter, r *http.Request, sel dsl.Select) {
	body, ok := readBody(w, r)
	if !ok || !checkBools(w, r, "includeOverrides", "excludeInvisibles") {
		return
	}
	spans, list, ok := s.pages.cut(w, r, func() ([]listPart, bool) {
		req, err := dsl.Unmarshal(body)
		if err != nil {
			badRequest(w, "invalid DSL: %v", err)
			return nil, false
		}
		if s.noIn && usesIn(req.Query()) {
			badRequest(w, "invalid DSL: unknown clause \"in\"")
			return nil, false
		}
		list := make([]listPart, 0, len(req.TargetIDs()))
		for _, id := range req.TargetIDs() {
			key := targetKey{req.TargetType(), id}
			t := s.target(key)
			if t == nil {
				notFound(w, key)
				return nil, false
			}
			if !s.viewAllows(r, key) {
				writeError(w, http.StatusUnauthorized, bimface.CodeAuthenticationFailed, "view token is not valid for "+string(key.typ)+" "+id)
				return nil, false
			}
			part := listPart{t: t, id: id}
			if rs := t.sets[sel]; rs != nil {
				part.ix = rs.ix
				if part.set, err = rs.ix.Search(req.Query()); err != nil {
					badRequest(w, "invalid DSL: %v", err)
					return nil, false
				}
			}
			list = append(list, part)
		}
		return list, true
	})
	if !ok {
		return
	}
	results := make([]eval.Result, len(list))
	for i, part := range list {
		results[i] = eval.Result{TargetID: part.id, Select: sel, IDs: []string{}}
	}
	for _, sp := range spans {
		part := list[sp.part]
		for pos := range part.set.Range(sp.from, sp.to) {
			results[sp.part].IDs = append(results[sp.part].IDs, part.ix.ID(pos))
		}
	}
	writeData(w, results)
}

func (s *Simulator) paginationContext(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	id := s.newToken("page")
	s.mu.Unlock()
	s.pages.add(id)
	writeData(w, id)
}

// propertyValues answers GET /data/v2/query/propertyValues: the distinct
// values of each property over the targets' elements, in the order
// eval.Index.Values gives them, targets one after the other.
func (s *Simulator) propertyValues(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	typ := dsl.TargetType(q.Get("targetType"))
	switch typ {
	case "":
		typ = dsl.TargetFile
	case dsl.TargetFile, dsl.TargetIntegration:
	default:
		badRequest(w, "targetType %q: must be file or integration", typ)
		return
	}
	props, ids := q["properties"], q["targetIds"]
	if len(props) == 0 || len(ids) == 0 {
		badRequest(w, "properties and targetIds are required")
		return
	}
	var targets []*target
	for _, id := range ids {
		key := targetKey{typ, id}
		t := s.target(key)
		if t == nil {
			notFound(w, key)
			return
		}
		if !s.viewAllows(r, key) {
			writeError(w, http.StatusUnauthorized, bimface.CodeAuthenticationFailed, "view token is not valid for "+string(typ)+" "+id)
			return
		}
		targets = append(targets, t)
	}
	// The seed's example sends the values as strings ("values" : [
	// "-2.45", "0.0" ], seed 001 line 7161, typed "< object > array" at
	// line 15375): each value's text, a number's as its literal, unless
	// WithTypedPropertyValues asks for JSON types.
	type answer struct {
		Property string `json:"property"`
		Values   []any  `json:"values"`
	}
	out := make([]answer, len(props))
	for i, p := range props {
		out[i] = answer{Property: p, Values: []any{}}
		seen := map[any]bool{}
		for _, t := range targets {
			if t.sets[dsl.SelectElements] == nil {
				continue
			}
			for _, vc := range t.sets[dsl.SelectElements].ix.Values(dsl.Key(p)) {
				var v any = vc.Value
				if !s.typedValues {
					v = vc.Value.Text()
				}
				if !seen[v] {
					seen[v] = true
					out[i].Values = append(out[i].Values, v)
				}
			}
		}
	}
	writeData(w, out)
}

// usesIn reports whether a query holds an in clause.
func usesIn(q dsl.Query) bool {
	found := false
	dsl.Walk(q, func(q dsl.Query) {
		if _, ok := q.(dsl.InQuery); ok {
			found = true
		}
	})
	return found
}
