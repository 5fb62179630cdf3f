package bimfacetest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/bimface/bimfacetest"
	"github.com/bfquery/bfquery/dsl"
)

// jobFiles are the files of a simulator for the job tests: a, m
// translated well (m with the demo model), bad failed, and c (a DWG)
// never translated.
type jobFiles struct{ a, m, bad, c int64 }

func jobServer(t *testing.T) (*bimfacetest.Server, jobFiles) {
	t.Helper()
	s := bimfacetest.NewServer(t, demoModel(t),
		bimfacetest.WithTranslateFailure(bimfacetest.FailFile("bad.rvt"), "broken geometry"),
		bimfacetest.WithModel("m.rvt", demoModel(t)), bimfacetest.WithGeneratedElements(50))
	c := s.Client()
	var f jobFiles
	f.a, f.m = translated(t, c, "a.rvt"), translated(t, c, "m.rvt")
	f.bad = uploadSmall(t, s, "bad.rvt", "bad")
	tr, err := c.Translate.Start(context.Background(), &bimface.TranslateRequest{Source: bimface.TranslateSource{FileID: f.bad}})
	require.NoError(t, err)
	require.Equal(t, &bimface.Translation{FileID: f.bad, Name: "bad.rvt", Priority: 2, Status: bimface.StatusFailed, Reason: "broken geometry", CreateTime: tr.CreateTime}, tr)
	f.c = uploadSmall(t, s, "c.dwg", "dwg")
	return s, f
}

// TestJobErrors: the job endpoints' answers to requests they refuse.
func TestJobErrors(t *testing.T) {
	s, f := jobServer(t)
	tok := token(t, s)
	status, body := do(t, "PUT", s.URL+"/upload?name=s.rvt&sourceId=s1", tok, strings.NewReader("s"), map[string]string{"Content-Type": "application/octet-stream"})
	require.Equal(t, http.StatusOK, status, body)
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		code, msg                string
	}{
		{"status of an untranslated file", "GET", fmt.Sprintf("/translate?fileId=%d", f.c), "", 404, bimface.CodeFileNotTranslated, fmt.Sprintf("file %d has not been translated", f.c)},
		{"status of no number", "GET", "/translate?fileId=x", "", 400, bimfacetest.CodeInvalidParameter, `fileId "x": must be a number`},
		{"translate of a missing file", "PUT", "/translate", `{"source": {"fileId": 7}}`, 404, bimface.CodeFileNotFound, "file 7 not found"},
		{"translate at priority 5", "PUT", "/translate", fmt.Sprintf(`{"source": {"fileId": %d}, "priority": 5}`, f.c), 400, bimface.CodePriorityNotSupport, "priority 5: must be 1, 2 or 3"},
		{"translate with an ftp callback", "PUT", "/translate", fmt.Sprintf(`{"source": {"fileId": %d}, "callback": "ftp://x/"}`, f.c), 400, bimface.CodeURLInvalid, `callback "ftp://x/" is not a valid URL`},
		{"translate a zip without root", "PUT", "/translate", fmt.Sprintf(`{"source": {"fileId": %d, "compressed": true}}`, f.c), 400, bimfacetest.CodeInvalidParameter, "rootName is required for a compressed file"},
		{"translate with a bad body", "PUT", "/translate", `{"source": 1}`, 400, bimfacetest.CodeInvalidParameter, "invalid body: json: cannot unmarshal number into Go struct field TranslateRequest.source of type bimface.TranslateSource"},
		{"integrate nothing", "PUT", "/integrate", `{}`, 400, bimfacetest.CodeInvalidParameter, "sources is required"},
		{"integrate a failed file", "PUT", "/integrate", fmt.Sprintf(`{"sources": [{"fileId": %d}]}`, f.bad), 400, bimface.CodeFileTranslateFailed, fmt.Sprintf("the translation of file %d failed", f.bad)},
		{"integrate a DWG", "PUT", "/integrate", fmt.Sprintf(`{"sources": [{"fileId": %d}]}`, f.c), 400, bimface.CodeFileTypeNotSupport, fmt.Sprintf("file %d is not a Revit file", f.c)},
		{"integrate a missing file", "PUT", "/integrate", `{"sources": [{"fileId": 7}]}`, 400, bimface.CodeFileNotFound, "file 7 not found"},
		{"status of a missing integration", "GET", "/integrate?integrateId=7", "", 404, bimface.CodeIntegrationNotFound, "integration 7 not found"},
		{"delete a missing integration", "DELETE", "/integrate?integrateId=7", "", 404, bimface.CodeIntegrationNotFound, "integration 7 not found"},
		{"compare nothing", "POST", "/v2/compare", `{}`, 400, bimfacetest.CodeInvalidParameter, "previousId or followingId is required"},
		{"compare rooms", "POST", "/v2/compare", `{"previousId": 1, "comparedEntityType": "room"}`, 400, bimfacetest.CodeInvalidParameter, `comparedEntityType "room": must be file or integration`},
		{"compare a failed file", "POST", "/v2/compare", fmt.Sprintf(`{"previousId": %d}`, f.bad), 404, bimface.CodeFileNotFound, fmt.Sprintf("file %d not found, or not translated", f.bad)},
		{"status of a missing comparison", "GET", "/v2/compare?compareId=7", "", 404, bimface.CodeCompareNotFound, "comparison 7 not found"},
		{"databag of a failed file", "GET", fmt.Sprintf("/files/%d/offlineDatabag", f.bad), "", 400, bimface.CodeFileTranslateFailure, fmt.Sprintf("the translation of file %d failed", f.bad)},
		{"databag of an untranslated file", "PUT", fmt.Sprintf("/files/%d/offlineDatabag", f.c), "", 400, bimface.CodeFileNotTranslated, fmt.Sprintf("file %d has not been translated", f.c)},
		{"databag of a missing integration", "GET", "/integrations/7/offlineDatabag", "", 404, bimface.CodeIntegrationNotFound, "integration 7 not found"},
		{"databag of a missing comparison", "GET", "/comparisions/7/offlineDatabag", "", 404, bimface.CodeCompareNotFound, "comparison 7 not found"},
		{"databag URL of nothing", "GET", "/data/databag/downloadUrl", "", 400, bimfacetest.CodeInvalidParameter, "one of fileId, integrateId and compareId is required"},
		{"databag URL of two", "GET", "/data/databag/downloadUrl?fileId=1&compareId=2", "", 400, bimfacetest.CodeInvalidParameter, "give one of fileId, integrateId and compareId"},
		{"databag URL with no databag", "GET", fmt.Sprintf("/data/databag/downloadUrl?fileId=%d", f.a), "", 404, "databag.not.found", fmt.Sprintf("file %d has no offline databag", f.a)},
		{"databag URL of another type", "GET", fmt.Sprintf("/data/databag/downloadUrl?fileId=%d&type=online", f.a), "", 404, "databag.not.found", "no online databag"},
		{"share of nothing", "POST", "/share", "", 400, bimfacetest.CodeInvalidParameter, "give one of fileId and integrateId"},
		{"share of a missing file", "POST", "/share?fileId=7", "", 404, bimface.CodeFileNotFound, "file 7 not found"},
		{"share for no hours", "POST", fmt.Sprintf("/share?fileId=%d&activeHours=0", f.a), "", 400, bimfacetest.CodeInvalidParameter, `activeHours "0": must be a positive number`},
		{"share until no date", "POST", fmt.Sprintf("/share?fileId=%d&expireDate=soon", f.a), "", 400, bimfacetest.CodeInvalidParameter, `expireDate "soon": must be yyyy-MM-dd`},
		{"a share not made", "GET", fmt.Sprintf("/share?fileId=%d", f.a), "", 404, "share.not.found", fmt.Sprintf("file %d is not shared", f.a)},
		{"shares of no number", "DELETE", "/shares?sourceIds=x", "", 400, bimfacetest.CodeInvalidParameter, `sourceIds "x": must be numbers`},
		{"translations of another project", "POST", "/v1/1/translations", `{}`, 404, "project.not.found", "project 1 not found"},
		{"translations in pages too large", "POST", fmt.Sprintf("/v1/%d/translations", bimfacetest.DefaultProjectID), `{"pageSize": 2000}`, 400, bimfacetest.CodeInvalidParameter, "pageSize 2000: must be 1 to 1000"},
		{"translations since no date", "POST", fmt.Sprintf("/v1/%d/translations", bimfacetest.DefaultProjectID), `{"startDate": "May"}`, 400, bimfacetest.CodeInvalidParameter, `date "May": must be yyyy-MM-ddTHH:mm:ss.SSSZ`},
		{"translations after a foreign key", "POST", fmt.Sprintf("/v1/%d/translations", bimfacetest.DefaultProjectID), `{"searchAfter": ["x"]}`, 400, bimfacetest.CodeInvalidParameter, "searchAfter: not one this server gave"},
		{"a missing file", "GET", "/files/7", "", 404, bimface.CodeFileNotFound, "file 7 not found"},
		{"metadata of a missing file", "GET", "/metadata?fileId=7", "", 404, bimface.CodeFileNotFound, "file 7 not found"},
		{"upload status of a missing file", "GET", "/files/7/uploadStatus", "", 404, bimface.CodeFileNotFound, "file 7 not found"},
		{"files in too many rows", "GET", "/files?rows=501", "", 400, bimfacetest.CodeInvalidParameter, "rows 501: at most 500"},
		{"files since no date", "GET", "/files?startTime=May", "", 400, bimfacetest.CodeInvalidParameter, `startTime "May": must be yyyy-MM-dd`},
		{"a policy for a text file", "GET", "/upload/policy?name=x.txt", "", 400, bimface.CodeFileTypeNotSupport, `suffix "txt" is not supported`},
		{"an upload under a used sourceId", "PUT", "/upload?name=d.rvt&sourceId=s1", "", 400, bimfacetest.CodeInvalidParameter, `sourceId "s1" is already used`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var body *strings.Reader
			if tc.body != "" {
				body = strings.NewReader(tc.body)
			}
			var status int
			var got string
			if body == nil {
				status, got = do(t, tc.method, s.URL+tc.path, tok, nil, map[string]string{"Content-Type": "application/octet-stream"})
			} else {
				status, got = do(t, tc.method, s.URL+tc.path, tok, body, nil)
			}
			require.Equal(t, tc.status, status)
			require.Equal(t, errBody(tc.code, tc.msg), got)
		})
	}
}

// TestJobFlows: translations listed by state, file information, an
// integration with a source's floor, a comparison, a databag and shares,
// through the bimface client.
func TestJobFlows(t *testing.T) {
	s, f := jobServer(t)
	c := s.Client()
	ctx := context.Background()

	t.Run("translations by state", func(t *testing.T) {
		for _, tc := range []struct {
			status int
			want   []int64
		}{
			{bimface.TranslationStatusSucceeded, []int64{f.a, f.m}},
			{bimface.TranslationStatusFailed, []int64{f.bad}},
			{bimface.TranslationStatusProcessing, nil},
		} {
			var got []int64
			for d, err := range c.Translate.List(ctx, bimfacetest.DefaultProjectID, &bimface.TranslationFilter{Status: &tc.status, PageSize: 1}) {
				require.NoError(t, err)
				got = append(got, d.FileID)
			}
			require.Equal(t, tc.want, got, "status %d", tc.status)
		}
		page, err := c.Translate.ListPage(ctx, bimfacetest.DefaultProjectID, &bimface.TranslationFilter{Keyword: "bad", Suffix: "RVT"}, nil)
		require.NoError(t, err)
		require.Len(t, page.List, 1)
		require.Equal(t, "broken geometry", page.List[0].Reason)
	})

	t.Run("file information", func(t *testing.T) {
		info, err := c.SourceFiles.File(ctx, f.c)
		require.NoError(t, err)
		require.Equal(t, "c.dwg", info.Name)
		meta, err := c.SourceFiles.Metadata(ctx, f.c)
		require.NoError(t, err)
		require.Equal(t, info, meta)
		st, err := c.SourceFiles.UploadStatus(ctx, f.c)
		require.NoError(t, err)
		require.Equal(t, &bimface.UploadStatus{FileID: f.c, Name: "c.dwg", Status: bimface.StatusSuccess}, st)
		list, err := c.SourceFiles.List(ctx, &bimface.ListOptions{Suffix: "dwg"})
		require.NoError(t, err)
		require.Len(t, list, 1)
		require.Equal(t, f.c, list[0].FileID)
	})

	var integration int64
	t.Run("integration", func(t *testing.T) {
		in, err := c.Integrate.Start(ctx, &bimface.IntegrateRequest{Name: "both", Sources: []bimface.IntegrateSource{{FileID: f.a, Floor: "F99", Specialty: "仅此一源"}, {FileID: f.m}}})
		require.NoError(t, err)
		got, err := c.Integrate.Status(ctx, in.IntegrateID)
		require.NoError(t, err)
		require.Equal(t, bimface.StatusSuccess, got.Status)
		integration = in.IntegrateID
		id := fmt.Sprint(integration)
		fromA, err := c.Query.IDs(ctx, dsl.SelectElements, dsl.Integration(id).Where(dsl.Match(dsl.Floor, "F99")), nil)
		require.NoError(t, err)
		require.Len(t, fromA[0].IDs, 50)
		bySpecialty, err := c.Query.IDs(ctx, dsl.SelectElements, dsl.Integration(id).Where(dsl.Match(dsl.Specialty, "仅此一源")), nil)
		require.NoError(t, err)
		require.Equal(t, fromA, bySpecialty)
	})

	t.Run("comparison and databags", func(t *testing.T) {
		cmp, err := c.Compare.Start(ctx, &bimface.CompareRequest{PreviousID: f.a, FollowingID: f.m})
		require.NoError(t, err)
		got, err := c.Compare.Status(ctx, cmp.CompareID)
		require.NoError(t, err)
		require.Equal(t, bimface.StatusSuccess, got.Status)
		for _, of := range []bimface.DatabagOf{{FileID: f.a}, {IntegrateID: integration}, {CompareID: cmp.CompareID}} {
			_, err := c.Databags.Create(ctx, of, nil)
			require.NoError(t, err)
			list, err := c.Databags.List(ctx, of)
			require.NoError(t, err)
			require.Len(t, list, 1)
			require.Equal(t, bimface.StatusSuccess, list[0].Status)
			u, err := c.Databags.DownloadURL(ctx, of, nil)
			require.NoError(t, err)
			require.True(t, strings.HasPrefix(u, s.URL+"/databags/"), u)
		}
		vt, err := c.ViewToken(ctx, bimface.ViewTokenFor{CompareID: fmt.Sprint(cmp.CompareID)})
		require.NoError(t, err)
		require.NotEmpty(t, vt)
	})

	t.Run("shares", func(t *testing.T) {
		a, err := c.Shares.Create(ctx, bimface.ShareOf{FileID: f.a}, &bimface.ShareOptions{ActiveHours: 2, NeedPassword: true})
		require.NoError(t, err)
		require.Len(t, a.Password, 6)
		got, err := c.Shares.Get(ctx, bimface.ShareOf{FileID: f.a})
		require.NoError(t, err)
		require.Equal(t, a, got)
		in, err := c.Shares.Create(ctx, bimface.ShareOf{IntegrateID: integration}, nil)
		require.NoError(t, err)
		require.NoError(t, c.Shares.DeleteMany(ctx, a.SourceID, in.SourceID))
		list, err := c.Shares.List(ctx)
		require.NoError(t, err)
		require.Empty(t, list)
		_, err = c.Shares.Get(ctx, bimface.ShareOf{FileID: f.a})
		var e *bimface.Error
		require.True(t, errors.As(err, &e))
		require.Equal(t, "share.not.found", e.Code)
	})

	require.Positive(t, s.Requests())
}
