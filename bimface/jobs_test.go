package bimface_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/bimface/bimfacetest"
	"github.com/bfquery/bfquery/dsl"
)

// TestTranslateIntegrateCallbacks runs translations and an integration
// on the simulator, whose signed callbacks reach a CallbackHandler.
func TestTranslateIntegrateCallbacks(t *testing.T) {
	// The callback receiver listens on loopback.
	srv, wires := recorded(t, []string{"Content-Type"}, bimfacetest.WithTranslateDelay(20*time.Millisecond),
		bimfacetest.WithTranslateFailure(bimfacetest.FailFile("bad.rvt"), "corrupt model"), bimfacetest.WithInternalURLs())
	c := srv.Client()
	ctx := context.Background()
	got := make(chan *bimface.Callback, 4)
	h, err := bimface.CallbackHandler(bimfacetest.AppKey, bimfacetest.AppSecret, []string{bimface.CallbackFile, bimface.CallbackIntegrate}, func(_ context.Context, cb *bimface.Callback) error {
		got <- cb
		return nil
	})
	require.NoError(t, err)
	cbSrv := httptest.NewServer(h)
	defer cbSrv.Close()

	upload := func(name string) int64 {
		f, err := c.SourceFiles.Upload(ctx, name, bytes.NewReader([]byte(name)), int64(len(name)), nil)
		require.NoError(t, err)
		return f.FileID
	}
	a, b, bad := upload("a.rvt"), upload("b.rvt"), upload("bad.rvt")
	wires()
	tr, err := c.Translate.Start(ctx, &bimface.TranslateRequest{Source: bimface.TranslateSource{FileID: a}, Priority: 2, Callback: cbSrv.URL + "/cb?app=1", Config: map[string]any{"texture": true}})
	require.NoError(t, err)
	require.Equal(t, "processing", tr.Status)
	require.Equal(t, []wire{{Method: "PUT", Path: "/translate", Query: url.Values{}, Header: map[string]string{"Content-Type": "application/json"}}}, wires())
	for _, id := range []int64{b, bad} {
		_, err = c.Translate.Start(ctx, &bimface.TranslateRequest{Source: bimface.TranslateSource{FileID: id}, Callback: cbSrv.URL})
		require.NoError(t, err)
	}
	byID := map[string]*bimface.Callback{}
	for range 3 {
		cb := <-got
		byID[cb.ID] = cb
	}
	require.Equal(t, "success", byID[jsonNum(a)].Status)
	require.Equal(t, "failed", byID[jsonNum(bad)].Status)
	require.Equal(t, "corrupt model", byID[jsonNum(bad)].Reason)
	st, err := c.Translate.Status(ctx, bad)
	require.NoError(t, err)
	require.Equal(t, "failed", st.Status)
	require.Equal(t, "corrupt model", st.Reason)
	w := wires()
	require.Equal(t, wire{Method: "GET", Path: "/translate", Query: url.Values{"fileId": {jsonNum(bad)}}, Header: map[string]string{}}, w[len(w)-1])

	_, err = c.Integrate.Start(ctx, &bimface.IntegrateRequest{Sources: []bimface.IntegrateSource{{FileID: a}, {FileID: bad}}})
	require.EqualError(t, err, "bimface: PUT "+srv.URL+"/integrate: 400 file.translate.failed: the translation of file "+jsonNum(bad)+" failed")
	in, err := c.Integrate.Start(ctx, &bimface.IntegrateRequest{
		Name:         "site",
		Sources:      []bimface.IntegrateSource{{FileID: a, Specialty: "AR", Floor: "F01", FloorSort: 1}, {FileID: b, Specialty: "ST", Floor: "F02", FloorSort: 2}},
		FloorMapping: []bimface.FloorMapping{{FileFloorID: "pj1101", ProjectFloorID: "pj11"}},
		PropertyOverrides: []bimface.PropertyOverride{{KeyToMatch: "system_type", KeyToOverride: "specialty",
			ValueOverrides: []bimface.ValueOverride{{ValueToMatch: "w", ValueToOverride: "water"}}}},
		Callback: cbSrv.URL,
	})
	require.NoError(t, err)
	cb := <-got
	require.Equal(t, &bimface.Callback{IDName: "integrateId", ID: jsonNum(in.IntegrateID), Status: "success", Nonce: cb.Nonce, Signature: cb.Signature}, cb)
	ids, err := c.Integrations.ElementIDs(ctx, jsonNum(in.IntegrateID), nil)
	require.NoError(t, err)
	require.Len(t, ids, 600)

	d, err := c.Databags.Create(ctx, bimface.DatabagOf{IntegrateID: in.IntegrateID}, nil)
	require.NoError(t, err)
	require.Equal(t, "processing", d.Status)
	_, err = c.Databags.Create(ctx, bimface.DatabagOf{CompareID: 7}, nil)
	require.EqualError(t, err, "bimface: PUT "+srv.URL+"/comparisions/7/offlineDatabag: 404 compare.not.found: comparison 7 not found")
	_, err = c.Databags.List(ctx, bimface.DatabagOf{FileID: 1, IntegrateID: 2})
	require.EqualError(t, err, "bimface: DatabagOf: set exactly one of FileID, IntegrateID, CompareID")

	require.NoError(t, c.Integrate.Delete(ctx, in.IntegrateID))
	_, err = c.Integrate.Status(ctx, in.IntegrateID)
	require.EqualError(t, err, "bimface: GET "+srv.URL+"/integrate?integrateId="+jsonNum(in.IntegrateID)+": 404 integration.not.found: integration "+jsonNum(in.IntegrateID)+" not found")
}

// TestTranslationsPaging lists more translations than fit a page: the
// iterator follows searchAfter until it is null.
func TestTranslationsPaging(t *testing.T) {
	srv, wires := recorded(t, nil)
	c := srv.Client()
	ctx := context.Background()
	var want []int64
	for i := range 7 {
		name := string(rune('a'+i)) + ".rvt"
		f, err := c.SourceFiles.Upload(ctx, name, bytes.NewReader([]byte(name)), int64(len(name)), nil)
		require.NoError(t, err)
		_, err = c.Translate.Start(ctx, &bimface.TranslateRequest{Source: bimface.TranslateSource{FileID: f.FileID}})
		require.NoError(t, err)
		want = append(want, f.FileID)
	}
	wires()
	var got []int64
	for tr, err := range c.Translate.List(ctx, bimfacetest.DefaultProjectID, &bimface.TranslationFilter{PageSize: 3, Suffix: "rvt"}) {
		require.NoError(t, err)
		require.Equal(t, "success", tr.Status)
		got = append(got, tr.FileID)
	}
	require.Equal(t, want, got)
	w := wires()
	require.Len(t, w, 3)
	for _, r := range w {
		require.Equal(t, "POST", r.Method)
		require.Equal(t, "/v1/10000000006016/translations", r.Path)
	}
	// Breaking out of the loop stops asking for pages.
	for range c.Translate.List(ctx, bimfacetest.DefaultProjectID, &bimface.TranslationFilter{PageSize: 2}) {
		break
	}
	require.Len(t, wires(), 1)
	page, err := c.Translate.ListPage(ctx, bimfacetest.DefaultProjectID, &bimface.TranslationFilter{PageSize: 5, Keyword: "g.rvt"}, nil)
	require.NoError(t, err)
	require.Nil(t, page.SearchAfter)
	require.Len(t, page.List, 1)
	for _, err := range c.Translate.List(ctx, 1, nil) {
		require.EqualError(t, err, "bimface: POST "+srv.URL+"/v1/1/translations: 404 project.not.found: project 1 not found")
	}
}

func TestShares(t *testing.T) {
	srv, wires := recorded(t, nil)
	c := srv.Client()
	ctx := context.Background()
	l, err := c.Shares.Create(ctx, bimface.ShareOf{FileID: 1124890692330272}, &bimface.ShareOptions{ActiveHours: 24, NeedPassword: true})
	require.NoError(t, err)
	require.NotEmpty(t, l.Password)
	require.Equal(t, url.Values{"fileId": {"1124890692330272"}, "activeHours": {"24"}, "needPassword": {"true"}}, wires()[0].Query)
	g, err := c.Shares.Get(ctx, bimface.ShareOf{FileID: 1124890692330272})
	require.NoError(t, err)
	if diff := cmp.Diff(l, g); diff != "" {
		t.Fatal(diff)
	}
	list, err := c.Shares.List(ctx)
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.NoError(t, c.Shares.DeleteMany(ctx, l.SourceID))
	list, err = c.Shares.List(ctx)
	require.NoError(t, err)
	require.Empty(t, list)
	_, err = c.Shares.Create(ctx, bimface.ShareOf{}, nil)
	require.EqualError(t, err, "bimface: ShareOf: set exactly one of FileID, IntegrateID")
	b, _ := json.Marshal(l)
	require.Contains(t, string(b), `"url":"`+srv.URL+`/preview/`)
}

// TestIntegrateMappingAndOverrides integrates two files with a floor
// mapping and a property override for one of them, and queries the
// integrated model: the mapping applies to both files, the override to
// the file it targets only.
func TestIntegrateMappingAndOverrides(t *testing.T) {
	srv := bimfacetest.NewServer(t, mustData(t))
	c := srv.Client()
	ctx := context.Background()
	elements := map[int64][]bimface.Element{}
	var files []int64
	for _, name := range []string{"a.rvt", "b.rvt"} {
		f, err := c.SourceFiles.Upload(ctx, name, bytes.NewReader([]byte(name)), int64(len(name)), nil)
		require.NoError(t, err)
		_, err = c.Translate.Start(ctx, &bimface.TranslateRequest{Source: bimface.TranslateSource{FileID: f.FileID}})
		require.NoError(t, err)
		ids, err := c.Files.ElementIDs(ctx, jsonNum(f.FileID), nil)
		require.NoError(t, err)
		elements[f.FileID], err = c.Files.Elements(ctx, jsonNum(f.FileID), ids, nil)
		require.NoError(t, err)
		files = append(files, f.FileID)
	}
	a, b := files[0], files[1]
	texts := func(el bimface.Element, key string) []string {
		var out []string
		for _, g := range el.Properties {
			for _, it := range g.Items {
				if it.Key == key {
					out = append(out, it.Text())
				}
			}
		}
		return out
	}
	first := func(key string) string {
		for _, el := range elements[a] {
			if v := texts(el, key); len(v) > 0 {
				return v[0]
			}
		}
		t.Fatalf("no element of file %d has %s", a, key)
		return ""
	}
	floorID, system := first("floorId"), first("systemType")
	var wantFloor, wantWater []string
	for _, fid := range files {
		for _, el := range elements[fid] {
			id := jsonNum(fid) + "." + el.ElementID
			if slices.Contains(texts(el, "floorId"), floorID) {
				wantFloor = append(wantFloor, id)
			}
			if fid == a && slices.Contains(texts(el, "systemType"), system) {
				wantWater = append(wantWater, id)
			}
		}
	}
	require.NotEmpty(t, wantFloor)
	require.NotEmpty(t, wantWater)

	in, err := c.Integrate.Start(ctx, &bimface.IntegrateRequest{
		Name:         "site",
		Sources:      []bimface.IntegrateSource{{FileID: a}, {FileID: b}},
		FloorMapping: []bimface.FloorMapping{{FileFloorID: floorID, ProjectFloorID: "pj11", ProjectFloorName: "firstfloor"}},
		PropertyOverrides: []bimface.PropertyOverride{{KeyToMatch: "systemType", KeyToOverride: "specialty", TargetFileIDs: []string{jsonNum(a)},
			ValueOverrides: []bimface.ValueOverride{{ValueToMatch: system, ValueToOverride: "water_support"}}}},
	})
	require.NoError(t, err)
	require.Equal(t, "success", in.Status)
	query := func(q dsl.Query) []string {
		t.Helper()
		got, err := c.Query.IDs(ctx, dsl.SelectElements, dsl.Integration(jsonNum(in.IntegrateID)).Where(q), nil)
		require.NoError(t, err)
		require.Len(t, got, 1)
		return got[0].IDs
	}
	require.ElementsMatch(t, wantFloor, query(dsl.Match(dsl.FloorID, "pj11")))
	require.ElementsMatch(t, wantFloor, query(dsl.Match(dsl.Floor, "firstfloor")))
	require.Empty(t, query(dsl.Match(dsl.FloorID, floorID)))
	require.ElementsMatch(t, wantWater, query(dsl.Match(dsl.Specialty, "water_support")))
}

// TestDatabagListShapes reads the databags of a file as a list, as the
// page declares, or as the single object its example shows.
func TestDatabagListShapes(t *testing.T) {
	f := newFixture(t)
	answers := map[string]string{
		"1": `[{"fileId":1,"status":"success","databagVersion":"3.0"}]`,
		"2": `{"fileId":2,"status":"processing","databagVersion":"3.0"}`,
		"3": `null`,
		"4": `"x"`,
	}
	f.mux.HandleFunc("GET /files/{id}/offlineDatabag", func(w http.ResponseWriter, r *http.Request) {
		writeRaw(w, answers[r.PathValue("id")])
	})
	c := f.client()
	for _, tc := range []struct {
		id   int64
		want []bimface.Databag
		err  string
	}{
		{1, []bimface.Databag{{FileID: 1, Status: "success", DatabagVersion: "3.0"}}, ""},
		{2, []bimface.Databag{{FileID: 2, Status: "processing", DatabagVersion: "3.0"}}, ""},
		{3, []bimface.Databag{}, ""},
		{4, nil, "bimface: GET " + f.server.URL + "/files/4/offlineDatabag: decoding data: json: cannot unmarshal string into Go value of type []bimface.Databag"},
	} {
		got, err := c.Databags.List(context.Background(), bimface.DatabagOf{FileID: tc.id})
		if tc.err != "" {
			require.EqualError(t, err, tc.err)
			continue
		}
		require.NoError(t, err)
		require.Equal(t, tc.want, got)
	}
}

// TestCompare compares two translated files on the simulator: the
// request as the page shows it, the comparison's state and callback, then
// its offline databag and a view token; and the errors of a comparison
// that does not exist.
func TestCompare(t *testing.T) {
	srv, wires := recorded(t, []string{"Content-Type"}, bimfacetest.WithTranslateDelay(20*time.Millisecond), bimfacetest.WithInternalURLs())
	c := srv.Client()
	ctx := context.Background()
	got := make(chan *bimface.Callback, 1)
	h, err := bimface.CallbackHandler(bimfacetest.AppKey, bimfacetest.AppSecret, []string{bimface.CallbackCompare}, func(_ context.Context, cb *bimface.Callback) error {
		got <- cb
		return nil
	})
	require.NoError(t, err)
	cbSrv := httptest.NewServer(h)
	defer cbSrv.Close()
	var ids []int64
	for _, name := range []string{"v1.rvt", "v2.rvt"} {
		f, err := c.SourceFiles.Upload(ctx, name, bytes.NewReader([]byte(name)), int64(len(name)), nil)
		require.NoError(t, err)
		_, err = c.Translate.Start(ctx, &bimface.TranslateRequest{Source: bimface.TranslateSource{FileID: f.FileID}})
		require.NoError(t, err)
		ids = append(ids, f.FileID)
	}
	_, err = c.Compare.Start(ctx, &bimface.CompareRequest{PreviousID: ids[0], FollowingID: ids[1]})
	require.EqualError(t, err, "bimface: POST "+srv.URL+"/v2/compare: 404 file.not.found: file "+jsonNum(ids[0])+" not found, or not translated")
	for _, id := range ids {
		require.Eventually(t, func() bool {
			tr, err := c.Translate.Status(ctx, id)
			return err == nil && tr.Done()
		}, 10*time.Second, 10*time.Millisecond)
	}
	wires()
	cmp, err := c.Compare.Start(ctx, &bimface.CompareRequest{PreviousID: ids[0], FollowingID: ids[1], ComparedEntityType: "file", Name: "v1 to v2", Callback: cbSrv.URL})
	require.NoError(t, err)
	require.Equal(t, "processing", cmp.Status)
	require.Equal(t, []wire{{Method: "POST", Path: "/v2/compare", Query: url.Values{}, Header: map[string]string{"Content-Type": "application/json"}}}, wires())
	cb := <-got
	require.Equal(t, &bimface.Callback{IDName: "compareId", ID: jsonNum(cmp.CompareID), Status: "success", Nonce: cb.Nonce, Signature: cb.Signature}, cb)
	st, err := c.Compare.Status(ctx, cmp.CompareID)
	require.NoError(t, err)
	require.Equal(t, "success", st.Status)
	require.Equal(t, "v1 to v2", st.Name)

	d, err := c.Databags.Create(ctx, bimface.DatabagOf{CompareID: cmp.CompareID}, nil)
	require.NoError(t, err)
	require.Equal(t, cmp.CompareID, d.CompareID)
	tok, err := c.ViewToken(ctx, bimface.ViewTokenFor{CompareID: jsonNum(cmp.CompareID)})
	require.NoError(t, err)
	require.NotEmpty(t, tok)

	require.NoError(t, c.Compare.Delete(ctx, cmp.CompareID))
	_, err = c.Compare.Status(ctx, cmp.CompareID)
	require.EqualError(t, err, "bimface: GET "+srv.URL+"/v2/compare?compareId="+jsonNum(cmp.CompareID)+": 404 compare.not.found: comparison "+jsonNum(cmp.CompareID)+" not found")
	_, err = c.ViewToken(ctx, bimface.ViewTokenFor{CompareID: "7"})
	require.EqualError(t, err, "bimface: GET "+srv.URL+"/view/token?compareId=7: 404 compare.not.found: comparison 7 not found")
}
