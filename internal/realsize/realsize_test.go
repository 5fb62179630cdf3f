package realsize_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/bimface/bimfacetest"
	"github.com/bfquery/bfquery/bimface/pull"
	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
	"github.com/bfquery/bfquery/internal/modelgen"
	"github.com/bfquery/bfquery/parser"
	"github.com/bfquery/bfquery/plan"
)

const (
	fileID        = "1900000000000001"
	integrationID = "1900000000000900"
	perFile       = 50000
)

var (
	modelDir  string
	modelOnce sync.Once
	modelData *bimfacetest.Data
	modelErr  error
)

func TestMain(m *testing.M) {
	var err error
	if modelDir, err = os.MkdirTemp("", "bfquery-realsize-"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(modelDir)
	os.Exit(code)
}

// model is the generated cache the simulator serves: a file of 50,000
// elements and an integration of two files of 50,000 each.
func model(t *testing.T) *bimfacetest.Data {
	t.Helper()
	modelOnce.Do(func() {
		if _, modelErr = modelgen.WriteCache(modelDir, modelgen.CacheConfig{
			Seed: 10, FileID: fileID, Elements: perFile,
			IntegrationID: integrationID, IntegrationFiles: 2, IntegrationElements: 2 * perFile,
			Format: modelgen.NDJSON,
		}); modelErr != nil {
			return
		}
		modelData, modelErr = bimfacetest.Load(modelDir)
	})
	require.NoError(t, modelErr)
	return modelData
}

// targets are the model's targets with their element counts.
var targets = []struct {
	typ dsl.TargetType
	id  string
	n   int
}{
	{dsl.TargetFile, fileID, perFile},
	{dsl.TargetIntegration, integrationID, 2 * perFile},
}

// queries have answers longer than the cap on both targets, and cover
// every kind of plan: one request, in, NOT, ranges, LIKE, IS NULL.
var queries = []string{
	"guid CONTAINS '-'",
	"floor IN ('F01', 'F02', 'F03')",
	"NOT categoryName = '墙'",
	"NOT floor IN ('F01', 'F02')",
	"底部偏移 BETWEEN 0 AND 300",
	"长度 > 1000",
	"familyType LIKE '%mm'",
	"面积 LIKE '1%'",
	"注释 IS NULL",
	"systemType IS NOT NULL OR categoryName = '门'",
}

func TestPullHoldsEveryElementOnce(t *testing.T) {
	data := model(t)
	s := bimfacetest.NewServer(t, data)
	for _, tg := range targets {
		t.Run(string(tg.typ), func(t *testing.T) {
			dir := t.TempDir()
			res, err := pull.Pull(context.Background(), s.Client(), pull.Options{Type: tg.typ, ID: tg.id, Dir: dir})
			require.NoError(t, err)
			require.Equal(t, tg.n, res.Target.Counts.Elements)
			requireSameElements(t, data.Cache(), dir, tg.typ, tg.id)
		})
	}
}

func TestPullUnderFaults(t *testing.T) {
	data := model(t)
	f := newPageFaults()
	s := bimfacetest.NewServer(t, data, bimfacetest.WithFaults(bimfacetest.Faults{ExpireTokensEvery: 25, Intercept: f.intercept}))
	for _, tg := range targets {
		t.Run(string(tg.typ), func(t *testing.T) {
			dir := t.TempDir()
			_, err := pull.Pull(context.Background(), s.Client(), pull.Options{Type: tg.typ, ID: tg.id, Dir: dir})
			require.NoError(t, err)
			requireSameElements(t, data.Cache(), dir, tg.typ, tg.id)
		})
	}
	f.requireFired(t)
}

func TestQueriesOverTheCap(t *testing.T) {
	data := model(t)
	runQueries(t, data, bimfacetest.NewServer(t, data).Client())
}

func TestQueriesUnderFaults(t *testing.T) {
	data := model(t)
	f := newPageFaults()
	s := bimfacetest.NewServer(t, data, bimfacetest.WithFaults(bimfacetest.Faults{ExpireTokensEvery: 25, Intercept: f.intercept}))
	runQueries(t, data, s.Client())
	f.requireFired(t)
}

// TestQueriesTypedValues runs the queries on a server whose
// propertyValues sends typed values, the other reading of the documents.
func TestQueriesTypedValues(t *testing.T) {
	data := model(t)
	runQueries(t, data, bimfacetest.NewServer(t, data, bimfacetest.WithTypedPropertyValues()).Client())
}

func runQueries(t *testing.T, data *bimfacetest.Data, c *bimface.Client) {
	t.Helper()
	remote := plan.CacheValues(plan.Remote(c, nil))
	for _, tg := range targets {
		for _, q := range queries {
			t.Run(string(tg.typ)+"/"+q, func(t *testing.T) {
				st, err := parser.Compile(fmt.Sprintf("SELECT elementId FROM %s %s WHERE %s", tg.typ, tg.id, q))
				require.NoError(t, err)
				want, err := data.Cache().Query(st.Request, dsl.SelectElements)
				require.NoError(t, err)
				require.Greater(t, len(want[0].IDs), bimface.MaxPageSize, "the answer is longer than the cap")
				got, err := plan.Answer(context.Background(), remote, st, plan.Options{})
				require.NoError(t, err)
				require.Len(t, got, 1)
				requireSameIDs(t, want[0].IDs, got[0].IDs)
			})
		}
	}
}

func requireSameIDs(t *testing.T, want, got []string) {
	t.Helper()
	require.Equal(t, len(want), len(got), "number of IDs")
	w, g := slices.Clone(want), slices.Clone(got)
	slices.Sort(w)
	slices.Sort(g)
	require.True(t, slices.Equal(w, g), "the same IDs")
	require.Len(t, slices.Compact(g), len(got), "no ID twice")
}

// requireSameElements checks that the pulled cache holds each element of
// the target exactly once.
func requireSameElements(t *testing.T, want *eval.Cache, dir string, typ dsl.TargetType, id string) {
	t.Helper()
	got, err := eval.Open(dir)
	require.NoError(t, err)
	wix, err := want.Index(typ, id, dsl.SelectElements)
	require.NoError(t, err)
	gix, err := got.Index(typ, id, dsl.SelectElements)
	require.NoError(t, err)
	ids := func(ix *eval.Index) []string {
		out := make([]string, ix.Len())
		for i := range out {
			out[i] = ix.ID(i)
		}
		return out
	}
	requireSameIDs(t, ids(wix), ids(gix))
}

// pageFaults fails the second page of the first pagination context of
// every listing (a listing being a path and a body), by turns with a 500
// and with a connection cut mid-answer, so that every listing over the cap
// starts again once; and it answers the first attempt of every element
// batch with a 500, which the client retries.
type pageFaults struct {
	mu       sync.Mutex
	firstCtx map[string]string // listing → its first context
	calls    map[string]int    // context → page calls
	batches  map[string]bool
	fired    int
	cut      bool
}

func newPageFaults() *pageFaults {
	return &pageFaults{firstCtx: map[string]string{}, calls: map[string]int{}, batches: map[string]bool{}}
}

func (f *pageFaults) intercept(_ int, w http.ResponseWriter, r *http.Request) bool {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	q := r.URL.Query()
	f.mu.Lock()
	fail := false
	cut := false
	if pctx := q.Get("paginationContextId"); pctx != "" {
		q.Del("paginationContextId")
		listing := r.URL.Path + "?" + q.Encode() + "\x00" + string(body)
		if _, ok := f.firstCtx[listing]; !ok {
			f.firstCtx[listing] = pctx
		}
		f.calls[pctx]++
		if f.firstCtx[listing] == pctx && f.calls[pctx] == 2 {
			fail, cut = true, f.cut
			f.cut = !f.cut
		}
	} else if strings.HasSuffix(r.URL.Path, "/elements") && len(body) > 0 {
		key := r.URL.Path + "\x00" + string(body)
		if !f.batches[key] {
			f.batches[key] = true
			fail = true
		}
	}
	if fail {
		f.fired++
	}
	f.mu.Unlock()
	switch {
	case !fail:
		return false
	case cut:
		cutConnection(w)
	default:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, `{"code":"system.error","data":null,"message":"injected"}`)
	}
	return true
}

func (f *pageFaults) requireFired(t *testing.T) {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	require.Positive(t, f.fired)
}

// cutConnection announces an answer and closes the connection after a part
// of it, as a network failure would.
func cutConnection(w http.ResponseWriter) {
	conn, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	body := `{"code":"success","data":[{"elementIds":["1","2"`
	fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(body)+100, body)
	buf.Flush()
}
