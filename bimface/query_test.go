package bimface_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/dsl"
)

func TestQueryIDs(t *testing.T) {
	req := dsl.File("1124890692330272").Where(dsl.Match(dsl.Floor, "F11")).Where(dsl.Match("price", 30))
	tests := []struct {
		name      string
		sel       dsl.Select
		opts      []bimface.Option
		qopts     *bimface.QueryOptions
		wantPath  string
		wantVerb  string
		wantQuery string
		answer    string
		want      []bimface.TargetIDs
	}{
		{
			name: "elements by POST", sel: dsl.SelectElements,
			wantPath: "/data/v2/query/elementIds", wantVerb: "POST",
			answer: `[{"elementIds":["313047","313048"],"targetId":"1124890692330272"}]`,
			want:   []bimface.TargetIDs{{TargetID: "1124890692330272", IDs: []string{"313047", "313048"}}},
		},
		{
			name: "rooms", sel: dsl.SelectRooms,
			wantPath: "/data/v2/query/roomIds", wantVerb: "POST",
			answer: `[{"roomIds":["313128"],"targetId":"a"},{"roomIds":[],"targetId":"b"}]`,
			want:   []bimface.TargetIDs{{TargetID: "a", IDs: []string{"313128"}}, {TargetID: "b", IDs: []string{}}},
		},
		{
			name: "areas by GET with body", sel: dsl.SelectAreas, opts: []bimface.Option{bimface.WithQueryGET()},
			wantPath: "/data/v2/query/areaIds", wantVerb: "GET",
			answer: `[{"areaIds":["313464","313467"],"targetId":"73c9"}]`,
			want:   []bimface.TargetIDs{{TargetID: "73c9", IDs: []string{"313464", "313467"}}},
		},
		{
			name: "options in the query string", sel: dsl.SelectElements,
			qopts:    &bimface.QueryOptions{IncludeOverrides: true, ExcludeInvisibles: true},
			wantPath: "/data/v2/query/elementIds", wantVerb: "POST", wantQuery: "excludeInvisibles=true&includeOverrides=true",
			answer: `[]`,
			want:   []bimface.TargetIDs{},
		},
		{
			name: "only includeOverrides", sel: dsl.SelectElements,
			qopts:    &bimface.QueryOptions{IncludeOverrides: true},
			wantPath: "/data/v2/query/elementIds", wantVerb: "POST", wantQuery: "includeOverrides=true",
			answer: `[]`,
			want:   []bimface.TargetIDs{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			var gotVerb, gotQuery, gotBody, gotType string
			f.mux.HandleFunc(tc.wantPath, func(w http.ResponseWriter, r *http.Request) {
				if !bearer(w, r, "tok-1") {
					return
				}
				gotVerb, gotQuery, gotType = r.Method, r.URL.RawQuery, r.Header.Get("Content-Type")
				gotBody = readBody(t, r)
				writeRaw(w, tc.answer)
			})
			got, err := f.client(tc.opts...).Query.IDs(context.Background(), tc.sel, req, tc.qopts)
			require.NoError(t, err)
			require.Equal(t, tc.wantVerb, gotVerb)
			require.Equal(t, tc.wantQuery, gotQuery)
			require.Equal(t, "application/json", gotType)
			require.Equal(t, string(req.MustJSON()), gotBody)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("IDs (-want +got):\n%s", diff)
			}
		})
	}
}

func TestQueryIDsInvalidRequestSendsNothing(t *testing.T) {
	f := newFixture(t)
	_, err := f.client().Query.IDs(context.Background(), dsl.SelectElements, dsl.File(), nil)
	var de *dsl.Error
	require.True(t, errors.As(err, &de), "got %T %v", err, err)
	require.EqualValues(t, 0, f.tokenCalls.Load())
}

// pagedServer serves a query answer in pages from a server-side cursor
// per pagination context, as BIMFACE does.
type pagedServer struct {
	mu       sync.Mutex
	targets  []bimface.TargetIDs
	cursors  map[string]int
	contexts int
	pages    []string // "ctx size" of each page request
	bodies   map[string]bool
}

func (p *pagedServer) register(t *testing.T, f *fixture) {
	p.cursors = map[string]int{}
	p.bodies = map[string]bool{}
	f.mux.HandleFunc("GET /data/v2/query/paginationContextId", func(w http.ResponseWriter, r *http.Request) {
		if !bearer(w, r, "tok-1") {
			return
		}
		p.mu.Lock()
		p.contexts++
		id := "pctx-" + strconv.Itoa(p.contexts)
		p.mu.Unlock()
		writeData(w, id)
	})
	f.mux.HandleFunc("POST /data/v2/query/elementIds", func(w http.ResponseWriter, r *http.Request) {
		if !bearer(w, r, "tok-1") {
			return
		}
		body := readBody(t, r)
		pctx := r.URL.Query().Get("paginationContextId")
		size, err := strconv.Atoi(r.URL.Query().Get("paginationSize"))
		if err != nil || pctx == "" {
			writeError(w, http.StatusBadRequest, "parameter.invalid", "paging parameters")
			return
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		p.pages = append(p.pages, pctx+" "+strconv.Itoa(size))
		p.bodies[body] = true
		// Flatten (target, id) pairs and hand out the next size of them.
		type pair struct{ target, id string }
		var all []pair
		for _, tg := range p.targets {
			for _, id := range tg.IDs {
				all = append(all, pair{tg.TargetID, id})
			}
		}
		start := min(p.cursors[pctx], len(all))
		end := min(start+size, len(all))
		p.cursors[pctx] = end
		type item struct {
			ElementIDs []string `json:"elementIds"`
			TargetID   string   `json:"targetId"`
		}
		out := []item{}
		for _, pr := range all[start:end] {
			if len(out) == 0 || out[len(out)-1].TargetID != pr.target {
				out = append(out, item{TargetID: pr.target})
			}
			out[len(out)-1].ElementIDs = append(out[len(out)-1].ElementIDs, pr.id)
		}
		writeData(w, out)
	})
}

func ids(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = prefix + strconv.Itoa(i)
	}
	return out
}

func TestQueryPagination(t *testing.T) {
	tests := []struct {
		name      string
		targets   []bimface.TargetIDs
		pageSize  int
		wantPages []string
	}{
		{
			name:      "last page short",
			targets:   []bimface.TargetIDs{{TargetID: "f1", IDs: ids("a", 13)}, {TargetID: "f2", IDs: ids("b", 12)}},
			pageSize:  10,
			wantPages: []string{"pctx-1 10", "pctx-1 10", "pctx-1 10"},
		},
		{
			name:      "exact multiple ends on an empty page",
			targets:   []bimface.TargetIDs{{TargetID: "f1", IDs: ids("a", 20)}},
			pageSize:  10,
			wantPages: []string{"pctx-1 10", "pctx-1 10", "pctx-1 10"},
		},
		{
			name:      "one page",
			targets:   []bimface.TargetIDs{{TargetID: "f1", IDs: ids("a", 3)}},
			pageSize:  1000,
			wantPages: []string{"pctx-1 1000"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			p := &pagedServer{targets: tc.targets}
			p.register(t, f)
			req := dsl.File("f1", "f2").Where(dsl.Contain(dsl.Floor, "F"))
			got, err := f.client().Query.IDs(context.Background(), dsl.SelectElements, req, &bimface.QueryOptions{PageSize: tc.pageSize})
			require.NoError(t, err)
			if diff := cmp.Diff(tc.targets, got); diff != "" {
				t.Errorf("merged IDs (-want +got):\n%s", diff)
			}
			require.Equal(t, tc.wantPages, p.pages)
			require.Equal(t, map[string]bool{string(req.MustJSON()): true}, p.bodies, "every page sends the same DSL")
		})
	}
}

func TestPropertyValues(t *testing.T) {
	f := newFixture(t)
	var gotQuery string
	f.mux.HandleFunc("GET /data/v2/query/propertyValues", func(w http.ResponseWriter, r *http.Request) {
		if !bearer(w, r, "tok-1") {
			return
		}
		gotQuery = r.URL.RawQuery
		writeRaw(w, `[{"property":"floor","values":["-2.45","F1"]},{"property":"体积","values":[0.0,2.703969,1e3,"12"]}]`)
	})
	got, err := f.client().Query.PropertyValues(context.Background(), dsl.TargetIntegration, []string{"11", "22"}, []string{"floor", "体积"})
	require.NoError(t, err)
	require.Equal(t, "properties=floor&properties=%E4%BD%93%E7%A7%AF&targetIds=11&targetIds=22&targetType=integration", gotQuery)
	want := []bimface.PropertyValues{
		{Property: "floor", Values: []string{"-2.45", "F1"}, Typed: []dsl.Value{dsl.String("-2.45"), dsl.String("F1")}},
		{Property: "体积", Values: []string{"0.0", "2.703969", "1e3", "12"}, Typed: []dsl.Value{dsl.Number("0.0"), dsl.Number("2.703969"), dsl.Number("1e3"), dsl.String("12")}},
	}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b dsl.Value) bool { return a == b })); diff != "" {
		t.Errorf("values (-want +got):\n%s", diff)
	}

	_, err = f.client().Query.PropertyValues(context.Background(), dsl.TargetFile, nil, []string{"floor"})
	require.EqualError(t, err, "bimface: PropertyValues needs at least one target ID and one property")
}

func TestQueryPaginationFailures(t *testing.T) {
	page := `[{"elementIds":["1","2"],"targetId":"7"}]`
	tests := []struct {
		name      string
		opts      []bimface.Option
		steps     []func(http.ResponseWriter, *http.Request)
		wantErr   string
		wantCalls int32
	}{
		{
			name: "a failed page is not asked for again",
			opts: []bimface.Option{bimface.WithQueryGET()},
			steps: []func(http.ResponseWriter, *http.Request){
				func(w http.ResponseWriter, r *http.Request) { writeRaw(w, page) },
				status(500, "system.error"),
				func(w http.ResponseWriter, r *http.Request) { writeRaw(w, `[]`) },
			},
			wantErr:   "bimface: GET {URL}/data/v2/query/elementIds?paginationContextId=pctx&paginationSize=2: 500 system.error",
			wantCalls: 2,
		},
		{
			name: "a page over the size means paging is ignored",
			steps: []func(http.ResponseWriter, *http.Request){
				func(w http.ResponseWriter, r *http.Request) {
					writeRaw(w, `[{"elementIds":["1","2","3"],"targetId":"7"}]`)
				},
			},
			wantErr:   "bimface: data/v2/query/elementIds: page of 3 IDs for paginationSize 2: paging not supported by the server",
			wantCalls: 1,
		},
		{
			name: "the same page twice",
			steps: []func(http.ResponseWriter, *http.Request){
				func(w http.ResponseWriter, r *http.Request) { writeRaw(w, page) },
			},
			wantErr:   "bimface: data/v2/query/elementIds: pagination context pctx returned the same page twice",
			wantCalls: 2,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.mux.HandleFunc("GET /data/v2/query/paginationContextId", func(w http.ResponseWriter, r *http.Request) { writeData(w, "pctx") })
			s := &script{steps: tc.steps}
			f.mux.Handle("/data/v2/query/elementIds", s)
			_, err := f.client(tc.opts...).Query.IDs(context.Background(), dsl.SelectElements, dsl.File("7").Where(dsl.Match(dsl.Floor, "F1")), &bimface.QueryOptions{PageSize: 2})
			require.EqualError(t, err, strings.ReplaceAll(tc.wantErr, "{URL}", f.server.URL))
			require.Equal(t, tc.wantCalls, s.calls.Load())
		})
	}
}
