package bimfacetest_test

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/bimface/bimfacetest"
	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
	"github.com/bfquery/bfquery/internal/demo"
	"github.com/bfquery/bfquery/internal/modelgen"
)

var (
	demoOnce sync.Once
	demoData *bimfacetest.Data
	demoErr  error
)

// demoModel loads the demo cache once for all tests.
func demoModel(t testing.TB) *bimfacetest.Data {
	t.Helper()
	demoOnce.Do(func() { demoData, demoErr = bimfacetest.LoadFS(demo.FS()) })
	require.NoError(t, demoErr)
	return demoData
}

func localIDs(t *testing.T, c *eval.Cache, req dsl.Request, sel dsl.Select) []bimface.TargetIDs {
	t.Helper()
	res, err := c.Query(req, sel)
	require.NoError(t, err)
	out := make([]bimface.TargetIDs, len(res))
	for i, r := range res {
		out[i] = bimface.TargetIDs{TargetID: r.TargetID, IDs: r.IDs}
		if out[i].IDs == nil {
			out[i].IDs = []string{}
		}
	}
	return out
}

// requireSameIDs asks the simulator for req by POST, by GET with a body
// and in pages, and compares each answer with the local engine's.
func requireSameIDs(t *testing.T, s *bimfacetest.Server, req dsl.Request, sel dsl.Select) {
	t.Helper()
	want := localIDs(t, s.Data().Cache(), req, sel)
	ctx := context.Background()
	for _, v := range []struct {
		name string
		c    *bimface.Client
		opts *bimface.QueryOptions
	}{
		{"POST", s.Client(), nil},
		{"GET with body", s.Client(bimface.WithQueryGET()), &bimface.QueryOptions{IncludeOverrides: true}},
		{"paged", s.Client(), &bimface.QueryOptions{PageSize: 97, ExcludeInvisibles: true}},
	} {
		got, err := v.c.Query.IDs(ctx, sel, req, v.opts)
		require.NoError(t, err, v.name)
		if v.opts != nil && v.opts.PageSize > 0 {
			// Pages leave out targets without IDs.
			want := slices.DeleteFunc(slices.Clone(want), func(r bimface.TargetIDs) bool { return len(r.IDs) == 0 })
			got = slices.DeleteFunc(got, func(r bimface.TargetIDs) bool { return len(r.IDs) == 0 })
			require.Empty(t, cmp.Diff(want, got, cmpopts.EquateEmpty()), v.name)
			continue
		}
		require.Empty(t, cmp.Diff(want, got), v.name)
	}
}

func TestDocumentedExamples(t *testing.T) {
	s := bimfacetest.NewServer(t, demoModel(t))
	paths, err := filepath.Glob("../../testdata/examples/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			src, err := os.ReadFile(p)
			require.NoError(t, err)
			req, err := dsl.Unmarshal(src)
			require.NoError(t, err)
			for _, sel := range []dsl.Select{dsl.SelectElements, dsl.SelectRooms, dsl.SelectAreas} {
				requireSameIDs(t, s, req, sel)
			}
		})
	}
}

// randomQuery builds a query from values the model holds, so that most
// queries find something.
func randomQuery(rng *rand.Rand, ix *eval.Index, depth int) dsl.Query {
	keys := []dsl.Key{dsl.Floor, dsl.CategoryName, dsl.Family, dsl.FamilyType, dsl.Specialty, dsl.SystemType, "体积", "长度", "注释", dsl.BoundingBoxMinZ, dsl.Name}
	value := func(k dsl.Key) dsl.Value {
		vs := ix.Values(k)
		if len(vs) == 0 {
			return dsl.String("none")
		}
		return vs[rng.IntN(len(vs))].Value
	}
	k := keys[rng.IntN(len(keys))]
	switch n := rng.IntN(10); {
	case depth < 3 && n < 2:
		return dsl.And(randomQuery(rng, ix, depth+1), randomQuery(rng, ix, depth+1))
	case depth < 3 && n < 4:
		return dsl.Or(randomQuery(rng, ix, depth+1), randomQuery(rng, ix, depth+1), randomQuery(rng, ix, depth+1))
	case n < 6:
		return dsl.In(k, value(k), value(k))
	case n < 8:
		v, _ := json.Marshal(value(k))
		text := strings.Trim(string(v), `"`)
		if r := []rune(text); len(r) > 2 {
			text = string(r[1 : len(r)-1])
		}
		return dsl.Contain(k, text)
	default:
		return dsl.Match(k, value(k))
	}
}

func TestRandomQueries(t *testing.T) {
	s := bimfacetest.NewServer(t, demoModel(t))
	ix, err := s.Data().Cache().Index(dsl.TargetFile, demo.FileID, dsl.SelectElements)
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(7, 11))
	found := 0
	for range 60 {
		req := dsl.File(demo.FileID).Where(randomQuery(rng, ix, 0))
		requireSameIDs(t, s, req, dsl.SelectElements)
		res, _ := s.Data().Cache().Query(req, dsl.SelectElements)
		found += len(res[0].IDs)
	}
	require.Greater(t, found, 1000, "the random queries should find elements")
}

func TestInvalidInput(t *testing.T) {
	s := bimfacetest.NewServer(t, demoModel(t), bimfacetest.WithMaxPageSize(500))
	c := s.Client()
	ctx := context.Background()
	send := func(method, path, body string) error {
		req, err := c.NewRequest(method, path, json.RawMessage(body))
		require.NoError(t, err)
		_, err = c.Do(ctx, req, nil)
		return err
	}
	tests := []struct {
		name, method, path, body string
		status                   int
		code, msg                string
	}{
		{"broken DSL", "POST", "data/v2/query/elementIds", `{"targetType":"file","targetIds":["1"],"query":{"match":{}}}`, 400, bimfacetest.CodeInvalidParameter, "invalid DSL: "},
		{"unknown field", "POST", "data/v2/query/roomIds", `{"targetType":"file","targetIds":["1"],"query":{"match":{"a":1}},"x":1}`, 400, bimfacetest.CodeInvalidParameter, "x: unknown field"},
		{"unknown file", "POST", "data/v2/query/elementIds", `{"targetType":"file","targetIds":["42"],"query":{"match":{"a":1}}}`, 404, bimface.CodeFileNotFound, "file 42 not found"},
		{"bad option", "POST", "data/v2/query/elementIds?includeOverrides=yes", `{"targetType":"file","targetIds":["1124890692330272"],"query":{"match":{"a":1}}}`, 400, bimfacetest.CodeInvalidParameter, `includeOverrides="yes"`},
		{"page too large", "POST", "data/v2/query/elementIds?paginationContextId=x&paginationSize=501", `{"targetType":"file","targetIds":["1124890692330272"],"query":{"match":{"a":1}}}`, 400, bimfacetest.CodeInvalidParameter, `paginationSize="501": must be an integer from 1 to 500`},
		{"unknown page context", "POST", "data/v2/query/elementIds?paginationContextId=x&paginationSize=5", `{"targetType":"file","targetIds":["1124890692330272"],"query":{"match":{"a":1}}}`, 400, bimfacetest.CodeInvalidParameter, `paginationContextId "x" is unknown or has expired`},
		{"batch too large", "POST", "data/v2/files/1124890692330272/elements", `{"elementIds":[` + strings.Repeat(`"1",`, 1000) + `"1"]}`, 400, bimfacetest.CodeInvalidParameter, "1001 element IDs in one request: at most 1000"},
		{"unknown integration", "GET", "data/v2/integrations/5/floors", ``, 404, bimface.CodeFileNotFound, "integration 5 not found"},
		{"unknown element", "GET", "data/v2/files/1124890692330272/elements/nope", ``, 404, "resource.not.found", `elementId "nope" not found`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := send(tc.method, tc.path, tc.body)
			var e *bimface.Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, tc.status, e.StatusCode)
			require.Equal(t, tc.code, e.Code)
			require.Contains(t, e.Message, tc.msg)
		})
	}
}

func TestFileEndpoints(t *testing.T) {
	s := bimfacetest.NewServer(t, demoModel(t))
	c := s.Client()
	ctx := context.Background()
	cache := s.Data().Cache()
	ix, err := cache.Index(dsl.TargetFile, demo.FileID, dsl.SelectElements)
	require.NoError(t, err)
	all := make([]string, ix.Len())
	for i := range all {
		all[i] = ix.ID(i)
	}

	t.Run("elementIds", func(t *testing.T) {
		got, err := c.Files.ElementIDs(ctx, demo.FileID, nil)
		require.NoError(t, err)
		require.Equal(t, all, got)
		got, err = c.Files.ElementIDs(ctx, demo.FileID, &bimface.ElementFilter{Floor: "F03", Specialty: "结构"})
		require.NoError(t, err)
		want, err := ix.Find(dsl.And(dsl.Match(dsl.Floor, "F03"), dsl.Match(dsl.Specialty, "结构")))
		require.NoError(t, err)
		require.NotEmpty(t, want)
		require.Equal(t, want, got)
	})

	t.Run("elements in batches", func(t *testing.T) {
		els, err := c.Files.Elements(ctx, demo.FileID, append(slices.Clone(all), "unknown"), nil)
		require.NoError(t, err)
		require.Len(t, els, len(all))
		for i, e := range els {
			require.Equal(t, all[i], e.ElementID)
		}
		one, err := c.Files.Element(ctx, demo.FileID, all[7])
		require.NoError(t, err)
		require.Empty(t, cmp.Diff(els[7], *one))
		item, ok := one.Property("基本属性", "floor")
		require.True(t, ok)
		r, err := ix.Record(7)
		require.NoError(t, err)
		require.Equal(t, r.Floor, item.Text())
	})

	t.Run("property filter", func(t *testing.T) {
		els, err := c.Files.Elements(ctx, demo.FileID, all[:3], &bimface.ElementsOptions{Filter: []bimface.PropertyFilter{{Group: "基本属性", Keys: []string{"floor"}}}})
		require.NoError(t, err)
		require.Len(t, els, 3)
		for _, e := range els {
			require.Len(t, e.Properties, 1)
			require.Len(t, e.Properties[0].Items, 1)
			require.Equal(t, "floor", e.Properties[0].Items[0].Key)
		}
	})

	t.Run("rooms, areas and floors", func(t *testing.T) {
		floors, err := c.Files.Floors(ctx, demo.FileID, &bimface.FloorsOptions{IncludeRooms: true, IncludeAreas: true})
		require.NoError(t, err)
		require.NotEmpty(t, floors)
		rooms, areas := 0, 0
		for _, f := range floors {
			require.NotEmpty(t, f.ID)
			require.NotEmpty(t, f.Name)
			byFloor, err := c.Files.Rooms(ctx, demo.FileID, &bimface.RoomsOptions{FloorID: f.ID})
			require.NoError(t, err)
			require.Len(t, byFloor, len(f.Rooms))
			for _, r := range byFloor {
				require.Equal(t, f.ID, r.LevelID)
				one, err := c.Files.Room(ctx, demo.FileID, r.ID)
				require.NoError(t, err)
				require.Empty(t, cmp.Diff(r, *one))
			}
			rooms += len(byFloor)
			as, err := c.Files.Areas(ctx, demo.FileID, f.ID)
			require.NoError(t, err)
			require.Len(t, as, len(f.Areas))
			for _, a := range as {
				one, err := c.Files.Area(ctx, demo.FileID, a.ID)
				require.NoError(t, err)
				require.Empty(t, cmp.Diff(a, *one))
			}
			areas += len(as)
		}
		rix, _ := cache.Index(dsl.TargetFile, demo.FileID, dsl.SelectRooms)
		aix, _ := cache.Index(dsl.TargetFile, demo.FileID, dsl.SelectAreas)
		require.Equal(t, rix.Len(), rooms)
		require.Equal(t, aix.Len(), areas)

		// Room containment: an element found in a room has that room
		// among the rooms holding it.
		room := rix.ID(0)
		in, err := c.Files.ElementIDs(ctx, demo.FileID, &bimface.ElementFilter{RoomID: room, RoomToleranceXY: bimface.ToleranceLenient, RoomToleranceZ: bimface.ToleranceLenient})
		require.NoError(t, err)
		require.NotEmpty(t, in)
		holding, err := c.Files.Rooms(ctx, demo.FileID, &bimface.RoomsOptions{ElementID: in[0], RoomToleranceXY: bimface.ToleranceLenient, RoomToleranceZ: bimface.ToleranceLenient})
		require.NoError(t, err)
		require.True(t, slices.ContainsFunc(holding, func(r bimface.Room) bool { return r.ID == room }))
	})

	t.Run("tree", func(t *testing.T) {
		tree, err := c.Files.Tree(ctx, demo.FileID, nil)
		require.NoError(t, err)
		total := 0
		for _, n := range tree.Items {
			require.Equal(t, "floor", n.Type)
			total += n.ElementCount
			sub := 0
			for _, cat := range n.Items {
				require.Equal(t, "category", cat.Type)
				sub += cat.ElementCount
			}
			require.Equal(t, n.ElementCount, sub)
		}
		require.Equal(t, ix.Len(), total)
		custom, err := c.Files.Tree(ctx, demo.FileID, &bimface.TreeOptions{TreeType: "customized", DesiredHierarchy: []string{"specialty", "family"}, CustomizedNodeKeys: map[string]string{"specialty": "name"}})
		require.NoError(t, err)
		require.Equal(t, "specialty", custom.Root)
		require.Equal(t, custom.Items[0].Name, custom.Items[0].ID)
		require.Equal(t, "family", custom.Items[0].Items[0].Type)
	})

	t.Run("propertyValues", func(t *testing.T) {
		got, err := c.Query.PropertyValues(ctx, dsl.TargetFile, []string{demo.FileID}, []string{"floor", "体积"})
		require.NoError(t, err)
		require.Len(t, got, 2)
		for i, key := range []dsl.Key{dsl.Floor, "体积"} {
			var want []string
			for _, vc := range ix.Values(key) {
				b, _ := json.Marshal(vc.Value)
				want = append(want, strings.Trim(string(b), `"`))
			}
			require.Equal(t, string(key), got[i].Property)
			require.Equal(t, want, got[i].Values)
		}
	})
}

func TestViewToken(t *testing.T) {
	s := bimfacetest.NewServer(t, demoModel(t))
	ctx := context.Background()
	vt, err := s.Client().ViewToken(ctx, bimface.ViewTokenFor{FileID: demo.FileID})
	require.NoError(t, err)
	vc := s.Client(bimface.WithViewToken(vt))
	got, err := vc.Query.IDs(ctx, dsl.SelectElements, dsl.File(demo.FileID).Where(dsl.Match(dsl.Floor, "F02")), nil)
	require.NoError(t, err)
	require.NotEmpty(t, got[0].IDs)
	_, err = vc.Files.Floors(ctx, demo.FileID, nil)
	require.NoError(t, err)

	_, err = s.Client(bimface.WithViewToken("forged")).Files.Floors(ctx, demo.FileID, nil)
	var e *bimface.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, bimface.CodeAuthenticationFailed, e.Code)

	_, err = s.Client().ViewToken(ctx, bimface.ViewTokenFor{FileID: "42"})
	require.ErrorAs(t, err, &e)
	require.Equal(t, bimface.CodeFileNotFound, e.Code)
}

func TestCredentials(t *testing.T) {
	s := bimfacetest.NewServer(t, demoModel(t), bimfacetest.WithCredentials("k", "right"))
	ctx := context.Background()
	_, err := s.Client(bimface.WithCredentials(bimfacetest.AppKey, bimfacetest.AppSecret)).Files.Floors(ctx, demo.FileID, nil)
	var e *bimface.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, 401, e.StatusCode)
	require.Equal(t, bimface.CodeAuthenticationFailed, e.Code)
	require.NotContains(t, err.Error(), "right")

	_, err = s.Client(bimface.WithCredentials("k", "wrong")).Files.Floors(ctx, demo.FileID, nil)
	require.ErrorAs(t, err, &e)
	require.Equal(t, bimface.CodeAuthenticationFailed, e.Code)

	_, err = s.Client(bimface.WithCredentials("k", "right")).Files.Floors(ctx, demo.FileID, nil)
	require.NoError(t, err)

	// A request without a token is refused.
	resp, err := http.Get(s.URL + "/data/v2/files/" + demo.FileID + "/floors")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 401, resp.StatusCode)
}

func TestTokenExpiry(t *testing.T) {
	t.Run("revoked mid-run", func(t *testing.T) {
		s := bimfacetest.NewServer(t, demoModel(t), bimfacetest.WithFaults(bimfacetest.Faults{ExpireTokensEvery: 3}))
		c := s.Client()
		for range 10 {
			_, err := c.Files.Floors(context.Background(), demo.FileID, nil)
			require.NoError(t, err)
		}
		require.Greater(t, s.TokensIssued(), int64(2))
	})
	t.Run("short lifetime", func(t *testing.T) {
		s := bimfacetest.NewServer(t, demoModel(t), bimfacetest.WithTokenTTL(1500*time.Millisecond))
		c := s.Client(bimface.WithTokenRefreshMargin(0))
		_, err := c.Files.Floors(context.Background(), demo.FileID, nil)
		require.NoError(t, err)
		time.Sleep(1600 * time.Millisecond)
		_, err = c.Files.Floors(context.Background(), demo.FileID, nil)
		require.NoError(t, err)
		require.Equal(t, int64(2), s.TokensIssued())
	})
}

func TestFaultsSurvived(t *testing.T) {
	s := bimfacetest.NewServer(t, demoModel(t), bimfacetest.WithFaults(bimfacetest.Faults{
		Seed: 3, ErrorRate: 0.15, ThrottleRate: 0.1, TruncateRate: 0.15, Latency: time.Millisecond,
	}))
	c := s.Client(bimface.WithRetry(bimface.RetryPolicy{MaxAttempts: 10, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}))
	ix, err := s.Data().Cache().Index(dsl.TargetFile, demo.FileID, dsl.SelectElements)
	require.NoError(t, err)
	ids, err := c.Files.ElementIDs(context.Background(), demo.FileID, nil)
	require.NoError(t, err)
	els, err := c.Files.ElementsRaw(context.Background(), demo.FileID, ids, nil)
	require.NoError(t, err)
	require.Len(t, els, ix.Len())
	// Not paged: a page is never asked for twice, so a fault fails it.
	req := dsl.File(demo.FileID).Where(dsl.Contain(dsl.Floor, "F"))
	got, err := c.Query.IDs(context.Background(), dsl.SelectElements, req, nil)
	require.NoError(t, err)
	require.Equal(t, localIDs(t, s.Data().Cache(), req, dsl.SelectElements), got)
}

func TestPersistentFailure(t *testing.T) {
	s := bimfacetest.NewServer(t, demoModel(t), bimfacetest.WithFaults(bimfacetest.Faults{FailAfter: 2}))
	c := s.Client()
	ctx := context.Background()
	for range 2 {
		_, err := c.Files.Floors(ctx, demo.FileID, nil)
		require.NoError(t, err)
	}
	start := time.Now()
	_, err := c.Files.Floors(ctx, demo.FileID, nil)
	var e *bimface.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, 500, e.StatusCode)
	require.Equal(t, bimface.CodeSystemError, e.Code)
	require.Less(t, time.Since(start), 2*time.Second)
}

func TestFaultsDeterministic(t *testing.T) {
	faults := bimfacetest.Faults{Seed: 99, ErrorRate: 0.2, ThrottleRate: 0.2, TruncateRate: 0.2}
	run := func() []string {
		s := bimfacetest.NewServer(t, demoModel(t), bimfacetest.WithFaults(faults))
		c := s.Client(bimface.WithRetry(bimface.RetryPolicy{MaxAttempts: 1}))
		var out []string
		for range 40 {
			_, err := c.Files.Floors(context.Background(), demo.FileID, nil)
			var e *bimface.Error
			switch {
			case err == nil:
				out = append(out, "ok")
			case errors.As(err, &e):
				out = append(out, e.Code)
			default:
				out = append(out, "transport")
			}
		}
		return out
	}
	a, b := run(), run()
	require.Equal(t, a, b)
	for _, want := range []string{"ok", bimface.CodeSystemError, "too.many.requests", "transport"} {
		require.Contains(t, a, want)
	}
}

func TestIntegration(t *testing.T) {
	dir := t.TempDir()
	_, err := modelgen.WriteCache(dir, modelgen.CacheConfig{Seed: 5, FileID: "77", Elements: 300, IntegrationID: "900", IntegrationFiles: 2, Format: modelgen.NDJSON})
	require.NoError(t, err)
	data, err := bimfacetest.Load(dir)
	require.NoError(t, err)
	s := bimfacetest.NewServer(t, data)
	c := s.Client()
	ctx := context.Background()
	ids, err := c.Integrations.ElementIDs(ctx, "900", nil)
	require.NoError(t, err)
	require.Len(t, ids, 300)
	for _, id := range ids {
		require.Contains(t, id, ".")
	}
	els, err := c.Integrations.Elements(ctx, "900", ids)
	require.NoError(t, err)
	require.Len(t, els, 300)
	one, err := c.Integrations.Element(ctx, "900", ids[250])
	require.NoError(t, err)
	require.Equal(t, strings.SplitN(ids[250], ".", 2)[1], one.ElementID)
	// The integration trees have the levels and roots of the pages.
	levels := func(n []bimface.TreeNode) []string {
		var out []string
		for len(n) > 0 {
			out = append(out, n[0].Type)
			n = n[0].Items
		}
		return out
	}
	tree, err := c.Integrations.Tree(ctx, "900", nil)
	require.NoError(t, err)
	require.Equal(t, "楼层", tree.Root)
	require.Equal(t, []string{"floor", "specialty", "category", "family", "familyType"}, levels(tree.Items))
	tree, err = c.Integrations.Tree(ctx, "900", &bimface.TreeOptions{TreeType: "specialty"})
	require.NoError(t, err)
	require.Equal(t, "专业", tree.Root)
	require.Equal(t, []string{"specialty", "floor", "category", "family", "familyType"}, levels(tree.Items))
	// A hierarchy alone asks for a customized tree.
	tree, err = c.Integrations.Tree(ctx, "900", &bimface.TreeOptions{DesiredHierarchy: []string{"systemType", "category"}})
	require.NoError(t, err)
	require.Equal(t, "systemType", tree.Root)
	require.Equal(t, []string{"systemType", "category"}, levels(tree.Items))
	requireSameIDs(t, s, dsl.Integration("900").Where(dsl.Contain(dsl.Floor, "F0")), dsl.SelectElements)
	requireSameIDs(t, s, dsl.File("77").Where(dsl.Contain(dsl.Floor, "F0")), dsl.SelectRooms)
}

func TestServe(t *testing.T) {
	sim, err := bimfacetest.New(demoModel(t))
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sim.Serve(ctx, ln) }()
	c, err := bimface.NewClient(bimface.WithEndpoint("http://"+ln.Addr().String()), bimface.WithCredentials(bimfacetest.AppKey, bimfacetest.AppSecret))
	require.NoError(t, err)
	_, err = c.Files.Floors(context.Background(), demo.FileID, nil)
	require.NoError(t, err)
	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after cancel")
	}
}
