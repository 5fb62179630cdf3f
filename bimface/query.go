package bimface

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"unicode/utf8"

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

	// PageSize, when positive, fetches the answer in pages of that many
	// IDs instead of in one response, for answers too large for one. IDs
	// asks GET /data/v2/query/paginationContextId for a pagination
	// context, then sends the same DSL with paginationContextId and
	// paginationSize until a page holds fewer than PageSize IDs, and
	// merges the pages per target in the order they came.
	//
	// The server keeps the cursor, so a page that failed after the server
	// sent it cannot be asked for again: page requests are retried only
	// on 429, and a failure fails the whole call.
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
// sel says, and returns the IDs found per target, in BIMFACE's order.
//
// The DSL is sent as the JSON body of a POST (of a GET with
// WithQueryGET). These requests only read, so they are retried like GETs.
// A request that does not validate fails with its *dsl.Error before
// anything is sent.
func (s *QueryService) IDs(ctx context.Context, sel dsl.Select, req dsl.Request, opts *QueryOptions) ([]TargetIDs, error) {
	if sel > dsl.SelectAreas {
		return nil, fmt.Errorf("bimface: unknown selection %v", sel)
	}
	body, err := req.MarshalJSON()
	if err != nil {
		return nil, err
	}
	path := "data/v2/query/" + sel.IDsField()
	q := opts.values()
	if opts == nil || opts.PageSize <= 0 {
		var ans []queryAnswer
		if err := s.client.sendRead(ctx, path, q, json.RawMessage(body), &ans); err != nil {
			return nil, err
		}
		out := make([]TargetIDs, len(ans))
		for i := range ans {
			out[i] = TargetIDs{TargetID: ans[i].TargetID, IDs: ans[i].ids(sel)}
		}
		return out, nil
	}
	return s.paged(ctx, sel, path, q, body, opts.PageSize)
}

// PaginationContextID asks for a new pagination context
// (GET /data/v2/query/paginationContextId).
func (s *QueryService) PaginationContextID(ctx context.Context) (string, error) {
	var id string
	if err := s.client.get(ctx, "data/v2/query/paginationContextId", nil, &id); err != nil {
		return "", err
	}
	return id, nil
}

func (s *QueryService) paged(ctx context.Context, sel dsl.Select, path string, q url.Values, body []byte, size int) ([]TargetIDs, error) {
	pctx, err := s.PaginationContextID(ctx)
	if err != nil {
		return nil, err
	}
	q.Set("paginationContextId", pctx)
	q.Set("paginationSize", strconv.Itoa(size))
	method := http.MethodPost
	if s.client.queryGET {
		method = http.MethodGet
	}
	var out []TargetIDs
	index := map[string]int{}
	prevFirst := ""
	for {
		req, err := s.client.NewRequest(method, path+"?"+q.Encode(), json.RawMessage(body))
		if err != nil {
			return nil, err
		}
		var ans []queryAnswer
		if _, err := s.client.Do(ctx, markIdempotent(req, false), &ans); err != nil {
			return nil, err
		}
		n := 0
		first := ""
		for i := range ans {
			ids := ans[i].ids(sel)
			if first == "" && len(ids) > 0 {
				first = ans[i].TargetID + "\x00" + ids[0]
			}
			n += len(ids)
			j, ok := index[ans[i].TargetID]
			if !ok {
				j = len(out)
				index[ans[i].TargetID] = j
				out = append(out, TargetIDs{TargetID: ans[i].TargetID})
			}
			out[j].IDs = append(out[j].IDs, ids...)
		}
		if n < size {
			return out, nil
		}
		// A server that ignores the paging parameters would otherwise be
		// asked for the same page forever.
		if n > size {
			return nil, fmt.Errorf("bimface: %s: page of %d IDs for paginationSize %d: paging not supported by the server", path, n, size)
		}
		if first == prevFirst {
			return nil, fmt.Errorf("bimface: %s: pagination context %s returned the same page twice", path, pctx)
		}
		prevFirst = first
	}
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
