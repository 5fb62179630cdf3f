package bimface

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"unicode/utf8"

	"golang.org/x/sync/errgroup"

	"github.com/bfquery/bfquery/dsl"
)

// QueryService calls the query endpoints under /data/v2/query: the DSL
// queries for element, room and area IDs, and property values.
type QueryService service

// QueryOptions are the query-string options of the DSL query endpoints.
type QueryOptions struct {
	// IncludeOverrides and ExcludeInvisibles are passed to BIMFACE as
	// includeOverrides=true and excludeInvisibles=true when set.
	IncludeOverrides  bool
	ExcludeInvisibles bool

	// PageSize is how many IDs each page of the answer holds: every answer
	// is read in pages (see Client.listIDs), of the client's page size
	// (WithPageSize, MaxPageSize unless set) when PageSize is 0. It must be
	// between 1 and MaxPageSize.
	PageSize int
}

func (o *QueryOptions) values() url.Values {
	q := url.Values{}
	if o == nil {
		return q
	}
	if o.IncludeOverrides {
		q.Set("includeOverrides", "true")
	}
	if o.ExcludeInvisibles {
		q.Set("excludeInvisibles", "true")
	}
	return q
}

// TargetIDs are the IDs a query found in one target (file or integration).
type TargetIDs struct {
	TargetID string
	IDs      []string
}

// UnmarshalJSON reads one item of a query endpoint's data,
// {"targetId": …, "elementIds" (or "roomIds", "areaIds"): […]}.
func (t *TargetIDs) UnmarshalJSON(data []byte) error {
	var a queryAnswer
	if err := json.Unmarshal(data, &a); err != nil {
		return err
	}
	t.TargetID, t.IDs = a.TargetID, a.ElementIDs
	switch {
	case a.RoomIDs != nil:
		t.IDs = a.RoomIDs
	case a.AreaIDs != nil:
		t.IDs = a.AreaIDs
	}
	return nil
}

// queryAnswer is one item of a query endpoint's data. The ID list's name
// depends on the endpoint; decoding all three names in one struct is
// cheaper than a map.
type queryAnswer struct {
	TargetID   string `json:"targetId"`
	ElementIDs idList `json:"elementIds"`
	RoomIDs    idList `json:"roomIds"`
	AreaIDs    idList `json:"areaIds"`
}

func (a *queryAnswer) ids(sel dsl.Select) []string {
	switch sel {
	case dsl.SelectRooms:
		return a.RoomIDs
	case dsl.SelectAreas:
		return a.AreaIDs
	}
	return a.ElementIDs
}

// IDs runs a DSL query on /data/v2/query/elementIds, roomIds or areaIds as
// sel says, and returns the IDs found per target, in the request's order
// of targets and BIMFACE's order of IDs, every target of the request
// present.
//
// Every answer is read in pages: BIMFACE cuts an unpaged list at
// MaxPageSize IDs, silently. A request over several targets is sent as
// one paged request per target (several at once, as WithBatchConcurrency
// allows), so the answer is exact whether BIMFACE counts a page across
// the targets or per target. A page that fails starts that target's
// listing again with a fresh pagination context; the answer is complete,
// without a duplicate, or IDs returns an error.
//
// The DSL is sent as the JSON body of a POST (of a GET with
// WithQueryGET). A request that does not validate fails with its
// *dsl.Error before anything is sent.
func (s *QueryService) IDs(ctx context.Context, sel dsl.Select, req dsl.Request, opts *QueryOptions) ([]TargetIDs, error) {
	if sel > dsl.SelectAreas {
		return nil, fmt.Errorf("bimface: unknown selection %v", sel)
	}
	if _, err := req.MarshalJSON(); err != nil {
		return nil, err
	}
	size := s.client.pageSize
	if opts != nil && opts.PageSize != 0 {
		var err error
		if size, err = checkPageSize(opts.PageSize); err != nil {
			return nil, err
		}
	}
	path := "data/v2/query/" + sel.IDsField()
	targets := req.TargetIDs()
	found := make([][]string, len(targets))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(s.client.batchConcurrency)
	for i, id := range targets {
		body, err := req.WithTargets(id).MarshalJSON()
		if err != nil {
			return nil, err
		}
		g.Go(func() error {
			ids, err := s.client.listIDs(gctx, path, size, func(ctx context.Context, q url.Values) ([]string, error) {
				return s.page(ctx, sel, path, opts.values(), q, body, id)
			})
			found[i] = ids
			return err
		})
	}
	if err := g.Wait(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	out := make([]TargetIDs, len(targets))
	for i, id := range targets {
		out[i] = TargetIDs{TargetID: id, IDs: found[i]}
		if out[i].IDs == nil {
			out[i].IDs = []string{}
		}
	}
	return out, nil
}

// page sends one page request of a one-target query and returns its IDs.
// The request is not retried but on 429 and an expired access token: the
// server may have moved the cursor for a page whose answer was lost.
func (s *QueryService) page(ctx context.Context, sel dsl.Select, path string, opts, paging url.Values, body []byte, target string) ([]string, error) {
	q := url.Values{}
	for k, v := range opts {
		q[k] = v
	}
	for k, v := range paging {
		q[k] = v
	}
	method := http.MethodPost
	if s.client.queryGET {
		method = http.MethodGet
	}
	req, err := s.client.NewRequest(method, path+"?"+q.Encode(), json.RawMessage(body))
	if err != nil {
		return nil, err
	}
	var ans []queryAnswer
	if _, err := s.client.Do(ctx, req, &ans, Idempotent(false)); err != nil {
		return nil, err
	}
	if len(ans) == 1 && (ans[0].TargetID == "" || ans[0].TargetID == target) {
		return ans[0].ids(sel), nil
	}
	var ids []string
	for i := range ans {
		if ans[i].TargetID != "" && ans[i].TargetID != target {
			return nil, fmt.Errorf("bimface: %s: the answer for target %s names target %s", path, target, ans[i].TargetID)
		}
		ids = append(ids, ans[i].ids(sel)...)
	}
	return ids, nil
}

// PaginationContextID asks for a new pagination context
// (GET /data/v2/query/paginationContextId).
func (s *QueryService) PaginationContextID(ctx context.Context) (string, error) {
	var id string
	if err := s.client.get(ctx, "data/v2/query/paginationContextId", nil, &id); err != nil {
		return "", err
	}
	if id == "" {
		return "", errors.New("bimface: data/v2/query/paginationContextId: empty pagination context")
	}
	return id, nil
}

// PropertyValues is every value one property takes in a target.
type PropertyValues struct {
	Property string
	// Values are the literal texts of the values: BIMFACE sends them as
	// JSON strings or numbers, and a number keeps its digits as sent.
	Values []string
	// Typed are the same values with their JSON types, which decide how
	// match compares them (the number 30.0 equals the string "30", the
	// string "30.0" does not). A null is left out.
	Typed []dsl.Value
}

// UnmarshalJSON reads {"property": ..., "values": [...]}, keeping number
// values as their literal text.
func (p *PropertyValues) UnmarshalJSON(data []byte) error {
	var raw struct {
		Property string            `json:"property"`
		Values   []json.RawMessage `json:"values"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	p.Property = raw.Property
	p.Values = make([]string, len(raw.Values))
	p.Typed = make([]dsl.Value, 0, len(raw.Values))
	for i, v := range raw.Values {
		p.Values[i] = literal(v)
		if tv, ok := typed(v); ok {
			p.Typed = append(p.Typed, tv)
		}
	}
	return nil
}

// typed reads a JSON scalar as a dsl.Value: strings, numbers (their
// literal kept) and booleans; null and anything else is no value.
func typed(v json.RawMessage) (dsl.Value, bool) {
	v = bytes.TrimSpace(v)
	switch {
	case len(v) == 0:
		return dsl.Value{}, false
	case v[0] == '"':
		var s string
		if json.Unmarshal(v, &s) != nil {
			return dsl.Value{}, false
		}
		return dsl.String(s), true
	case string(v) == "true" || string(v) == "false":
		return dsl.Bool(string(v) == "true"), true
	case dsl.IsNumber(string(v)):
		return dsl.Number(string(v)), true
	}
	return dsl.Value{}, false
}

// literal returns a JSON scalar's text: a string unquoted, anything else
// as written; null is "".
func literal(v json.RawMessage) string {
	if len(v) > 0 && v[0] == '"' {
		var s string
		if json.Unmarshal(v, &s) == nil {
			return s
		}
	}
	if string(v) == "null" {
		return ""
	}
	return string(v)
}

// PropertyValues lists the values that the given properties take in the
// given targets (GET /data/v2/query/propertyValues). Properties and
// targets go in the query string as repeated parameters,
// properties=a&properties=b&targetIds=1&targetIds=2, as the endpoint
// declares them (array(multi)).
func (s *QueryService) PropertyValues(ctx context.Context, targetType dsl.TargetType, targetIDs []string, properties []string) ([]PropertyValues, error) {
	if len(targetIDs) == 0 || len(properties) == 0 {
		return nil, fmt.Errorf("bimface: PropertyValues needs at least one target ID and one property")
	}
	if targetType == "" {
		targetType = dsl.TargetFile
	}
	q := url.Values{}
	q.Set("targetType", string(targetType))
	q["targetIds"] = append([]string(nil), targetIDs...)
	q["properties"] = append([]string(nil), properties...)
	var out []PropertyValues
	if err := s.client.get(ctx, "data/v2/query/propertyValues", q, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// idList decodes a JSON array of ID strings into strings that share one
// backing string: a query answer holds thousands of short IDs, and one
// allocation instead of one per ID makes decoding it markedly faster.
// Anything unusual (escapes, non-strings, invalid UTF-8) falls back to
// encoding/json, so the result is always what encoding/json would give.
type idList []string

func (l *idList) UnmarshalJSON(data []byte) error {
	// encoding/json has validated data as one complete JSON value. The
	// UTF-8 check is on the whole input, not on the joined IDs, in which
	// two invalid halves could make a valid character.
	if len(data) == 0 || data[0] != '[' || !utf8.Valid(data) {
		return json.Unmarshal(data, (*[]string)(l))
	}
	buf := make([]byte, 0, len(data))
	ends := make([]int, 0, len(data)/8)
	i := skipSpace(data, 1)
	for data[i] != ']' {
		if data[i] != '"' {
			return json.Unmarshal(data, (*[]string)(l))
		}
		j := i + 1
		for data[j] != '"' {
			if data[j] == '\\' {
				return json.Unmarshal(data, (*[]string)(l))
			}
			j++
		}
		buf = append(buf, data[i+1:j]...)
		ends = append(ends, len(buf))
		i = skipSpace(data, j+1)
		if data[i] == ',' {
			i = skipSpace(data, i+1)
		}
	}
	s := string(buf)
	out := make([]string, len(ends))
	start := 0
	for k, e := range ends {
		out[k] = s[start:e]
		start = e
	}
	*l = out
	return nil
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}
