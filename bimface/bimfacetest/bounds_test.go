package bimfacetest_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/bimface/bimfacetest"
	"github.com/bfquery/bfquery/internal/demo"
)

// quotaBody is the answer to a request past WithMaxEntries(2).
func quotaBody(what string) string {
	return errBody(bimfacetest.CodeQuotaExceeded, "the simulator holds 2 "+what+", the most it keeps: delete some first")
}

// translated uploads a Revit file and translates it (at once: no delay).
func translated(t *testing.T, c *bimface.Client, name string) int64 {
	t.Helper()
	ctx := context.Background()
	f, err := c.SourceFiles.Upload(ctx, name, strings.NewReader("rvt"), 3, nil)
	require.NoError(t, err)
	tr, err := c.Translate.Start(ctx, &bimface.TranslateRequest{Source: bimface.TranslateSource{FileID: f.FileID}})
	require.NoError(t, err)
	require.Equal(t, bimface.StatusSuccess, tr.Status)
	return f.FileID
}

// TestMaxEntries: each kind of thing the simulator stores is bounded; a
// request past the bound is refused with quota.exceeded, and deleting
// one makes room again.
func TestMaxEntries(t *testing.T) {
	ctx := context.Background()
	demoID, err := strconv.ParseInt(demo.FileID, 10, 64)
	require.NoError(t, err)
	type env struct {
		s   *bimfacetest.Server
		c   *bimface.Client
		tok string
		ids []int64 // what fill made, for more and free
	}
	for _, tc := range []struct {
		name string
		what string
		fill func(t *testing.T, e *env)
		more func(t *testing.T, e *env) (int, string)
		free func(t *testing.T, e *env)
	}{
		{
			name: "files", what: "files",
			fill: func(t *testing.T, e *env) {
				e.ids = []int64{uploadSmall(t, e.s, "a.rvt", "a"), uploadSmall(t, e.s, "b.rvt", "b")}
			},
			more: func(t *testing.T, e *env) (int, string) {
				return do(t, "PUT", e.s.URL+"/upload?name=c.rvt", e.tok, strings.NewReader("c"), map[string]string{"Content-Type": "application/octet-stream"})
			},
			free: func(t *testing.T, e *env) { require.NoError(t, e.c.SourceFiles.Delete(ctx, e.ids[0])) },
		},
		{
			name: "append files", what: "append files",
			fill: func(t *testing.T, e *env) {
				for _, n := range []string{"a.rvt", "b.rvt"} {
					af, err := e.c.SourceFiles.CreateAppendFile(ctx, n, 3, nil)
					require.NoError(t, err)
					e.ids = append(e.ids, af.AppendFileID)
				}
			},
			more: func(t *testing.T, e *env) (int, string) {
				return do(t, "POST", e.s.URL+"/appendFiles?name=c.rvt&length=3", e.tok, nil, nil)
			},
			free: func(t *testing.T, e *env) {
				af, err := e.c.SourceFiles.Append(ctx, e.ids[0], 0, strings.NewReader("abc"), 3)
				require.NoError(t, err)
				require.NotNil(t, af.File)
				require.NoError(t, e.c.SourceFiles.Delete(ctx, af.File.FileID))
			},
		},
		{
			name: "integrations", what: "integrations",
			fill: func(t *testing.T, e *env) {
				a := translated(t, e.c, "a.rvt")
				for range 2 {
					in, err := e.c.Integrate.Start(ctx, &bimface.IntegrateRequest{Sources: []bimface.IntegrateSource{{FileID: a}}})
					require.NoError(t, err)
					e.ids = append(e.ids, in.IntegrateID)
				}
				e.ids = append(e.ids, a)
			},
			more: func(t *testing.T, e *env) (int, string) {
				return do(t, "PUT", e.s.URL+"/integrate", e.tok, strings.NewReader(fmt.Sprintf(`{"sources": [{"fileId": %d}]}`, e.ids[2])), nil)
			},
			free: func(t *testing.T, e *env) { require.NoError(t, e.c.Integrate.Delete(ctx, e.ids[0])) },
		},
		{
			name: "comparisons", what: "comparisons",
			fill: func(t *testing.T, e *env) {
				for range 2 {
					cmp, err := e.c.Compare.Start(ctx, &bimface.CompareRequest{PreviousID: demoID, FollowingID: demoID})
					require.NoError(t, err)
					e.ids = append(e.ids, cmp.CompareID)
				}
			},
			more: func(t *testing.T, e *env) (int, string) {
				return do(t, "POST", e.s.URL+"/v2/compare", e.tok, strings.NewReader(fmt.Sprintf(`{"previousId": %d}`, demoID)), nil)
			},
			free: func(t *testing.T, e *env) { require.NoError(t, e.c.Compare.Delete(ctx, e.ids[0])) },
		},
		{
			// A deleted file's databag goes with it.
			name: "offline databags", what: "offline databags",
			fill: func(t *testing.T, e *env) {
				a, b := translated(t, e.c, "a.rvt"), translated(t, e.c, "b.rvt")
				in, err := e.c.Integrate.Start(ctx, &bimface.IntegrateRequest{Sources: []bimface.IntegrateSource{{FileID: a}, {FileID: b}}})
				require.NoError(t, err)
				for _, id := range []int64{a, b} {
					_, err := e.c.Databags.Create(ctx, bimface.DatabagOf{FileID: id}, nil)
					require.NoError(t, err)
				}
				// Making a file's databag again takes no more room.
				_, err = e.c.Databags.Create(ctx, bimface.DatabagOf{FileID: a}, nil)
				require.NoError(t, err)
				e.ids = []int64{a, b, in.IntegrateID}
			},
			more: func(t *testing.T, e *env) (int, string) {
				return do(t, "PUT", fmt.Sprintf("%s/integrations/%d/offlineDatabag", e.s.URL, e.ids[2]), e.tok, nil, nil)
			},
			free: func(t *testing.T, e *env) { require.NoError(t, e.c.SourceFiles.Delete(ctx, e.ids[1])) },
		},
		{
			name: "share links", what: "share links",
			fill: func(t *testing.T, e *env) {
				a, b := translated(t, e.c, "a.rvt"), translated(t, e.c, "b.rvt")
				for _, id := range []int64{a, b, a} {
					_, err := e.c.Shares.Create(ctx, bimface.ShareOf{FileID: id}, nil)
					require.NoError(t, err)
				}
				e.ids = []int64{a, b}
			},
			more: func(t *testing.T, e *env) (int, string) {
				return do(t, "POST", e.s.URL+"/share?fileId="+demo.FileID, e.tok, nil, nil)
			},
			free: func(t *testing.T, e *env) {
				require.NoError(t, e.c.Shares.Delete(ctx, bimface.ShareOf{FileID: e.ids[0]}))
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := bimfacetest.NewServer(t, demoModel(t), bimfacetest.WithMaxEntries(2))
			e := &env{s: s, c: s.Client(), tok: token(t, s)}
			tc.fill(t, e)
			status, body := tc.more(t, e)
			require.Equal(t, http.StatusBadRequest, status)
			require.Equal(t, quotaBody(tc.what), body)
			tc.free(t, e)
			status, body = tc.more(t, e)
			require.Equal(t, http.StatusOK, status, body)
		})
	}
}

// TestMaxEntriesAppendCompletes: an append upload whose last bytes
// arrive when the files are full keeps them, and completes once there
// is room.
func TestMaxEntriesAppendCompletes(t *testing.T) {
	s := bimfacetest.NewServer(t, demoModel(t), bimfacetest.WithMaxEntries(2))
	c, tok, ctx := s.Client(), token(t, s), context.Background()
	a := uploadSmall(t, s, "a.rvt", "a")
	uploadSmall(t, s, "b.rvt", "b")
	af, err := c.SourceFiles.CreateAppendFile(ctx, "c.rvt", 3, nil)
	require.NoError(t, err)
	data := fmt.Sprintf("%s/appendFiles/%d/data?position=", s.URL, af.AppendFileID)
	status, body := do(t, "POST", data+"0", tok, strings.NewReader("abc"), nil)
	require.Equal(t, http.StatusBadRequest, status)
	require.Equal(t, quotaBody("files"), body)
	require.NoError(t, c.SourceFiles.Delete(ctx, a))
	status, body = do(t, "POST", data+"3", tok, strings.NewReader(""), nil)
	require.Equal(t, http.StatusOK, status, body)
	got, err := c.SourceFiles.AppendFile(ctx, af.AppendFileID)
	require.NoError(t, err)
	require.Equal(t, bimface.StatusSuccess, got.Status)
	b, ok := s.FileContent(got.File.FileID)
	require.True(t, ok)
	require.Equal(t, "abc", string(b))
}

// TestMaxEntriesPolicies: upload policies past the bound push out the
// oldest, whose form is then refused; the newest still uploads.
func TestMaxEntriesPolicies(t *testing.T) {
	s := bimfacetest.NewServer(t, demoModel(t), bimfacetest.WithMaxEntries(2))
	tok := token(t, s)
	var forms []policyForm
	for _, n := range []string{"a.rvt", "b.rvt", "c.rvt"} {
		forms = append(forms, policyForm{fields: policy(t, s, tok, n), file: strings.NewReader("rvt")})
	}
	status, body := forms[0].post(t, s, 0)
	require.Equal(t, http.StatusForbidden, status)
	require.Equal(t, errBody("SignatureDoesNotMatch", "the policy or its signature is not valid"), body)
	status, body = forms[2].post(t, s, 0)
	require.Equal(t, http.StatusOK, status, body)
}

func TestWithMaxEntriesInvalid(t *testing.T) {
	_, err := bimfacetest.New(demoModel(t), bimfacetest.WithMaxEntries(0))
	require.EqualError(t, err, "bimfacetest: WithMaxEntries: 0 must be positive")
}
