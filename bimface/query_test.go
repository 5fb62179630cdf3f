package bimface_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/bimface/bimfacetest"
	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/internal/demo"
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
			answer: `[{"roomIds":["313128"],"targetId":"1124890692330272"}]`,
			want:   []bimface.TargetIDs{{TargetID: "1124890692330272", IDs: []string{"313128"}}},
		},
		{
			name: "areas by GET with body", sel: dsl.SelectAreas, opts: []bimface.Option{bimface.WithQueryGET()},
			wantPath: "/data/v2/query/areaIds", wantVerb: "GET",
			answer: `[{"areaIds":["313464","313467"],"targetId":"1124890692330272"}]`,
			want:   []bimface.TargetIDs{{TargetID: "1124890692330272", IDs: []string{"313464", "313467"}}},
		},
		{
			name: "options in the query string", sel: dsl.SelectElements,
			qopts:    &bimface.QueryOptions{IncludeOverrides: true, ExcludeInvisibles: true},
			wantPath: "/data/v2/query/elementIds", wantVerb: "POST", wantQuery: "excludeInvisibles=true&includeOverrides=true",
			answer: `[]`,
			want:   []bimface.TargetIDs{{TargetID: "1124890692330272", IDs: []string{}}},
		},
		{
			name: "only includeOverrides", sel: dsl.SelectElements,
			qopts:    &bimface.QueryOptions{IncludeOverrides: true},
			wantPath: "/data/v2/query/elementIds", wantVerb: "POST", wantQuery: "includeOverrides=true",
			answer: `[]`,
			want:   []bimface.TargetIDs{{TargetID: "1124890692330272", IDs: []string{}}},
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
			require.Equal(t, tc.wantQuery, withoutPaging(t, gotQuery))
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

func TestQueryPagination(t *testing.T) {
	s := bimfacetest.NewServer(t, mustData(t))
	ctx := context.Background()
	ix, err := s.Data().Cache().Index(dsl.TargetFile, demo.FileID, dsl.SelectElements)
	require.NoError(t, err)
	var floors []dsl.Value
	for _, v := range ix.Values(dsl.Floor) {
		floors = append(floors, v.Value)
	}
	req := dsl.File(demo.FileID).Where(dsl.InQuery{Key: dsl.Floor, Values: floors})
	want, err := ix.Find(req.Query())
	require.NoError(t, err)
	require.Len(t, want, ix.Len(), "every element has a floor")
	tests := []struct {
		name     string
		client   []bimface.Option
		pageSize int
	}{
		{"the default page size", nil, 0},
		{"pages of one", nil, 1000}, // 4000 IDs in 4 full pages and an empty one
		{"a short last page", nil, 1500},
		{"the client's page size", []bimface.Option{bimface.WithPageSize(999)}, 0},
		{"GET with a body", []bimface.Option{bimface.WithQueryGET()}, 777},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Client(tc.client...).Query.IDs(ctx, dsl.SelectElements, req, &bimface.QueryOptions{PageSize: tc.pageSize})
			require.NoError(t, err)
			require.Equal(t, []bimface.TargetIDs{{TargetID: demo.FileID, IDs: want}}, got)
		})
	}
}

func TestQueryPageSizeBounds(t *testing.T) {
	f := newFixture(t)
	for _, n := range []int{-1, 10001} {
		_, err := f.client().Query.IDs(context.Background(), dsl.SelectElements, dsl.File("7").Where(dsl.Match(dsl.Floor, "F1")), &bimface.QueryOptions{PageSize: n})
		require.EqualError(t, err, fmt.Sprintf("bimface: page size %d: must be between 1 and 10000", n))
		_, err = bimface.NewClient(bimface.WithCredentials("k", "s"), bimface.WithPageSize(n))
		require.EqualError(t, err, fmt.Sprintf("bimface: WithPageSize: %d: must be between 1 and 10000", n))
	}
	require.EqualValues(t, 0, f.tokenCalls.Load(), "nothing is sent")
}

func TestQueryPaginationFailures(t *testing.T) {
	full := `[{"elementIds":["1","2"],"targetId":"7"}]`
	rest := `[{"elementIds":["3"],"targetId":"7"}]`
	tests := []struct {
		name         string
		steps        []func(http.ResponseWriter, *http.Request)
		want         []string
		wantErr      string
		wantCalls    int32
		wantContexts int32
	}{
		{
			name: "a failed page starts the listing again with a fresh context",
			steps: []func(http.ResponseWriter, *http.Request){
				func(w http.ResponseWriter, r *http.Request) { writeRaw(w, full) },
				status(500, "system.error"),
				func(w http.ResponseWriter, r *http.Request) { writeRaw(w, full) },
				func(w http.ResponseWriter, r *http.Request) { writeRaw(w, rest) },
			},
			want:      []string{"1", "2", "3"},
			wantCalls: 4, wantContexts: 2,
		},
		{
			name: "an expired context mid-way starts again",
			steps: []func(http.ResponseWriter, *http.Request){
				func(w http.ResponseWriter, r *http.Request) { writeRaw(w, full) },
				status(400, "input.parameter.error"),
				func(w http.ResponseWriter, r *http.Request) { writeRaw(w, full) },
				func(w http.ResponseWriter, r *http.Request) { writeRaw(w, `[]`) },
			},
			want:      []string{"1", "2"},
			wantCalls: 4, wantContexts: 2,
		},
		{
			name: "a refused first page fails at once",
			steps: []func(http.ResponseWriter, *http.Request){
				status(400, "input.parameter.error"),
			},
			wantErr:   "bimface: POST {URL}/data/v2/query/elementIds?paginationContextId=pctx-1&paginationSize=2: 400 input.parameter.error",
			wantCalls: 1, wantContexts: 1,
		},
		{
			name: "failing pages fail the call after the restarts",
			steps: []func(http.ResponseWriter, *http.Request){
				status(500, "system.error"),
			},
			wantErr:   "bimface: POST {URL}/data/v2/query/elementIds?paginationContextId=pctx-5&paginationSize=2: 500 system.error",
			wantCalls: 5, wantContexts: 5,
		},
		{
			name: "a page over the size means paging is ignored",
			steps: []func(http.ResponseWriter, *http.Request){
				func(w http.ResponseWriter, r *http.Request) {
					writeRaw(w, `[{"elementIds":["1","2","3"],"targetId":"7"}]`)
				},
			},
			wantErr:   "bimface: data/v2/query/elementIds: page 1 holds 3 IDs for paginationSize 2: the server does not page this list",
			wantCalls: 1, wantContexts: 1,
		},
		{
			name: "the same page twice is never a duplicate",
			steps: []func(http.ResponseWriter, *http.Request){
				func(w http.ResponseWriter, r *http.Request) { writeRaw(w, full) },
			},
			wantErr:   "bimface: data/v2/query/elementIds: page 2 of pagination context pctx-5 repeats ID 1",
			wantCalls: 10, wantContexts: 5,
		},
		{
			name: "an answer for another target",
			steps: []func(http.ResponseWriter, *http.Request){
				func(w http.ResponseWriter, r *http.Request) {
					writeRaw(w, `[{"elementIds":["1"],"targetId":"8"}]`)
				},
			},
			wantErr:   "bimface: data/v2/query/elementIds: the answer for target 7 names target 8",
			wantCalls: 1, wantContexts: 1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			s := &script{steps: tc.steps}
			f.mux.Handle("/data/v2/query/elementIds", s)
			got, err := f.client().Query.IDs(context.Background(), dsl.SelectElements, dsl.File("7").Where(dsl.Match(dsl.Floor, "F1")), &bimface.QueryOptions{PageSize: 2})
			if tc.wantErr != "" {
				require.EqualError(t, err, strings.ReplaceAll(tc.wantErr, "{URL}", f.server.URL))
			} else {
				require.NoError(t, err)
				require.Equal(t, []bimface.TargetIDs{{TargetID: "7", IDs: tc.want}}, got)
			}
			require.Equal(t, tc.wantCalls, s.calls.Load())
			require.Equal(t, tc.wantContexts, f.contexts.Load())
		})
	}
}
