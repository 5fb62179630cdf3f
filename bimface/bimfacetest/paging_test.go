package bimfacetest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/bimface/bimfacetest"
	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
	"github.com/bfquery/bfquery/internal/demo"
	"github.com/bfquery/bfquery/internal/modelgen"
)

// twoFiles is a cache of two generated files of 300 elements, for the
// rules of lists over several targets.
func twoFiles(t *testing.T) *bimfacetest.Data {
	t.Helper()
	dir := t.TempDir()
	var targets []eval.TargetManifest
	for i, id := range []string{"71", "72"} {
		m, err := modelgen.WriteCache(dir, modelgen.CacheConfig{Seed: uint64(i), FileID: id, Elements: 300, Format: modelgen.NDJSON})
		require.NoError(t, err)
		targets = append(targets, m.Targets...)
	}
	require.NoError(t, eval.WriteManifest(dir, &eval.Manifest{Version: eval.ManifestVersion, Targets: targets}))
	data, err := bimfacetest.Load(dir)
	require.NoError(t, err)
	return data
}

// raw sends one request and returns the answer's data, or the error.
func raw(t *testing.T, c *bimface.Client, method, path string, q url.Values, body string) (json.RawMessage, error) {
	t.Helper()
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	var b any
	if body != "" {
		b = json.RawMessage(body)
	}
	req, err := c.NewRequest(method, path, b)
	require.NoError(t, err)
	var out json.RawMessage
	_, err = c.Do(context.Background(), req, &out)
	return out, err
}

// counts reads a query answer as the number of IDs per target.
func counts(t *testing.T, data json.RawMessage) map[string]int {
	t.Helper()
	var ans []struct {
		TargetID   string   `json:"targetId"`
		ElementIDs []string `json:"elementIds"`
	}
	require.NoError(t, json.Unmarshal(data, &ans))
	out := map[string]int{}
	for _, a := range ans {
		out[a.TargetID] += len(a.ElementIDs)
	}
	return out
}

func newContext(t *testing.T, c *bimface.Client) string {
	t.Helper()
	id, err := c.Query.PaginationContextID(context.Background())
	require.NoError(t, err)
	return id
}

func pageQuery(pctx string, size int) url.Values {
	return url.Values{"paginationContextId": {pctx}, "paginationSize": {strconv.Itoa(size)}}
}

const allOfTwo = `{"targetType":"file","targetIds":["71","72"],"query":{"contain":{"guid":"-"}}}`

func TestIDCap(t *testing.T) {
	data := twoFiles(t)
	tests := []struct {
		name string
		opts []bimfacetest.Option
		want map[string]int
	}{
		{"across targets", []bimfacetest.Option{bimfacetest.WithIDCap(400)}, map[string]int{"71": 300, "72": 100}},
		{"per target", []bimfacetest.Option{bimfacetest.WithIDCap(250), bimfacetest.WithPerTargetPaging()}, map[string]int{"71": 250, "72": 250}},
		{"no cap", []bimfacetest.Option{bimfacetest.WithoutIDCap()}, map[string]int{"71": 300, "72": 300}},
		{"the default is BIMFACE's", nil, map[string]int{"71": 300, "72": 300}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := bimfacetest.NewServer(t, data, tc.opts...).Client()
			got, err := raw(t, c, "POST", "data/v2/query/elementIds", nil, allOfTwo)
			require.NoError(t, err)
			require.Equal(t, tc.want, counts(t, got))
			ids, err := raw(t, c, "GET", "data/v2/files/71/elementIds", nil, "")
			require.NoError(t, err)
			var list []string
			require.NoError(t, json.Unmarshal(ids, &list))
			require.Len(t, list, min(300, tc.want["71"]))
		})
	}
}

func TestPagination(t *testing.T) {
	data := twoFiles(t)
	t.Run("pages across targets, then an error", func(t *testing.T) {
		c := bimfacetest.NewServer(t, data).Client()
		pctx := newContext(t, c)
		var pages []map[string]int
		for range 3 {
			got, err := raw(t, c, "POST", "data/v2/query/elementIds", pageQuery(pctx, 250), allOfTwo)
			require.NoError(t, err)
			pages = append(pages, counts(t, got))
		}
		require.Equal(t, []map[string]int{{"71": 250, "72": 0}, {"71": 50, "72": 200}, {"71": 0, "72": 100}}, pages)
		_, err := raw(t, c, "POST", "data/v2/query/elementIds", pageQuery(pctx, 250), allOfTwo)
		require.ErrorContains(t, err, fmt.Sprintf("400 input.parameter.error: pagination context %q has no more pages", pctx))
	})
	t.Run("pages per target", func(t *testing.T) {
		c := bimfacetest.NewServer(t, data, bimfacetest.WithPerTargetPaging()).Client()
		pctx := newContext(t, c)
		var pages []map[string]int
		for range 2 {
			got, err := raw(t, c, "POST", "data/v2/query/elementIds", pageQuery(pctx, 250), allOfTwo)
			require.NoError(t, err)
			pages = append(pages, counts(t, got))
		}
		require.Equal(t, []map[string]int{{"71": 250, "72": 250}, {"71": 50, "72": 50}}, pages)
	})
	t.Run("the first call's query counts", func(t *testing.T) {
		c := bimfacetest.NewServer(t, data).Client()
		pctx := newContext(t, c)
		first, err := raw(t, c, "GET", "data/v2/files/71/elementIds", url.Values{"floor": {"F01"}, "paginationContextId": {pctx}, "paginationSize": {"10"}}, "")
		require.NoError(t, err)
		second, err := raw(t, c, "GET", "data/v2/files/71/elementIds", url.Values{"paginationContextId": {pctx}, "paginationSize": {"10"}}, "")
		require.NoError(t, err)
		ix, err := data.Cache().Index(dsl.TargetFile, "71", dsl.SelectElements)
		require.NoError(t, err)
		f01, err := ix.Find(dsl.Match(dsl.Floor, "F01"))
		require.NoError(t, err)
		var a, b []string
		require.NoError(t, json.Unmarshal(first, &a))
		require.NoError(t, json.Unmarshal(second, &b))
		require.Equal(t, f01[:20], append(a, b...))
	})
	t.Run("refusals", func(t *testing.T) {
		c := bimfacetest.NewServer(t, data, bimfacetest.WithPaginationTTL(time.Millisecond)).Client()
		pctx := newContext(t, c)
		for _, tc := range []struct {
			name string
			q    url.Values
			want string
		}{
			{"size 0", pageQuery(pctx, 0), `paginationSize="0": must be an integer from 1 to 10000`},
			{"size over the limit", pageQuery(pctx, 10001), `paginationSize="10001": must be an integer from 1 to 10000`},
			{"no size", url.Values{"paginationContextId": {pctx}}, `paginationSize="": must be an integer from 1 to 10000`},
			{"unknown context", pageQuery("nope", 10), `paginationContextId "nope" is unknown or has expired`},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := raw(t, c, "POST", "data/v2/query/elementIds", tc.q, allOfTwo)
				require.ErrorContains(t, err, "400 input.parameter.error: "+tc.want)
			})
		}
		time.Sleep(20 * time.Millisecond)
		_, err := raw(t, c, "POST", "data/v2/query/elementIds", pageQuery(pctx, 10), allOfTwo)
		require.ErrorContains(t, err, fmt.Sprintf("400 input.parameter.error: paginationContextId %q is unknown or has expired", pctx))
	})
	t.Run("paginationNo counts the calls", func(t *testing.T) {
		c := bimfacetest.NewServer(t, data).Client()
		pctx := newContext(t, c)
		q := pageQuery(pctx, 100)
		q.Set("paginationNo", "1")
		_, err := raw(t, c, "POST", "data/v2/query/elementIds", q, allOfTwo)
		require.NoError(t, err)
		q.Set("paginationNo", "1")
		_, err = raw(t, c, "POST", "data/v2/query/elementIds", q, allOfTwo)
		require.ErrorContains(t, err, fmt.Sprintf(`400 input.parameter.error: paginationNo="1": this is call 2 of pagination context %q`, pctx))
	})
	t.Run("a context pages one endpoint", func(t *testing.T) {
		c := bimfacetest.NewServer(t, data).Client()
		pctx := newContext(t, c)
		_, err := raw(t, c, "POST", "data/v2/query/elementIds", pageQuery(pctx, 100), allOfTwo)
		require.NoError(t, err)
		_, err = raw(t, c, "GET", "data/v2/files/71/elementIds", pageQuery(pctx, 100), "")
		require.ErrorContains(t, err, fmt.Sprintf("400 input.parameter.error: pagination context %q pages /data/v2/query/elementIds, not /data/v2/files/71/elementIds", pctx))
	})
}

func TestPaginationContextsExpire(t *testing.T) {
	s := bimfacetest.NewServer(t, demoModel(t), bimfacetest.WithPaginationTTL(time.Millisecond))
	c := s.Client()
	for range 10 {
		newContext(t, c)
	}
	time.Sleep(20 * time.Millisecond)
	newContext(t, c)
	require.Equal(t, 1, s.Contexts(), "expired contexts are dropped")
}

func TestPropertyValuesTypes(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []bimfacetest.Option
		want string
	}{
		{"strings, as the seed's example", nil, `[{"property":"底部偏移","values":["0.0","100.0","200.0","300.0","400.0"]}]`},
		{"typed", []bimfacetest.Option{bimfacetest.WithTypedPropertyValues()}, `[{"property":"底部偏移","values":[0.0,100.0,200.0,300.0,400.0]}]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := bimfacetest.NewServer(t, demoModel(t), tc.opts...).Client()
			got, err := raw(t, c, "GET", "data/v2/query/propertyValues", url.Values{"targetIds": {demo.FileID}, "properties": {"底部偏移"}}, "")
			require.NoError(t, err)
			require.JSONEq(t, tc.want, string(got))
		})
	}
}

func TestIntegrationBodies(t *testing.T) {
	dir := t.TempDir()
	_, err := modelgen.WriteCache(dir, modelgen.CacheConfig{Seed: 5, IntegrationID: "900", IntegrationFiles: 2, Elements: 20, Format: modelgen.NDJSON})
	require.NoError(t, err)
	data, err := bimfacetest.Load(dir)
	require.NoError(t, err)
	ix, err := data.Cache().Index(dsl.TargetIntegration, "900", dsl.SelectElements)
	require.NoError(t, err)
	file, elem, _ := strings.Cut(ix.ID(0), ".")
	object := fmt.Sprintf(`{"ids":[{"fileIdHash":%q,"elementIds":[%q]}]}`, file, elem)
	array := fmt.Sprintf(`[{"fileIdHash":%q,"elementIds":[%q]}]`, file, elem)
	for _, tc := range []struct {
		name           string
		opts           []bimfacetest.Option
		refused, taken string
		wantErr        string
	}{
		{"current", nil, array, object, `body must be {"ids": [{"fileIdHash": ..., "elementIds": [...]}]}`},
		{"legacy", []bimfacetest.Option{bimfacetest.WithLegacyIntegrationBody()}, object, array, `body must be [{"fileIdHash": ..., "elementIds": [...]}]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := bimfacetest.NewServer(t, data, tc.opts...).Client()
			got, err := raw(t, c, "POST", "data/v2/integrations/900/elements", nil, tc.taken)
			require.NoError(t, err)
			require.Contains(t, string(got), elem)
			_, err = raw(t, c, "POST", "data/v2/integrations/900/elements", nil, tc.refused)
			require.ErrorContains(t, err, "400 input.parameter.error: "+tc.wantErr)
		})
	}
}

func TestSharesPaged(t *testing.T) {
	s := bimfacetest.NewServer(t, demoModel(t))
	c := s.Client()
	ctx := context.Background()
	_, err := c.Shares.Create(ctx, bimface.ShareOf{FileID: 1124890692330272}, nil)
	require.NoError(t, err)
	got, err := raw(t, c, "GET", "shares", url.Values{"pageNo": {"1"}, "pageSize": {"1"}}, "")
	require.NoError(t, err)
	var page struct {
		List []bimface.ShareLink `json:"list"`
		Page struct {
			PageNo, PageSize, TotalCount, TotalPages int
		} `json:"page"`
	}
	require.NoError(t, json.Unmarshal(got, &page))
	require.Len(t, page.List, 1)
	require.Equal(t, 1, page.Page.TotalCount)
	_, err = raw(t, c, "GET", "shares", url.Values{"pageSize": {"0"}}, "")
	require.ErrorContains(t, err, `400 input.parameter.error: pageSize="0": must be an integer from 1 to 1000`)
	all, err := c.Shares.List(ctx)
	require.NoError(t, err)
	require.Len(t, all, 1)
}
