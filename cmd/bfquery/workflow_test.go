package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/bimface/bimfacetest"
	"github.com/bfquery/bfquery/internal/demo"
)

// jobServer is a simulator whose translations take a little while, with
// the CLI's credentials and cache directory pointed at it.
func jobServer(t *testing.T, opts ...bimfacetest.Option) *bimfacetest.Server {
	t.Helper()
	data, err := bimfacetest.LoadFS(demo.FS())
	require.NoError(t, err)
	t.Setenv("BIMFACE_APP_KEY", bimfacetest.AppKey)
	t.Setenv("BIMFACE_APP_SECRET", bimfacetest.AppSecret)
	t.Setenv("BIMFACE_ENDPOINT", "")
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	return bimfacetest.NewServer(t, data, append([]bimfacetest.Option{bimfacetest.WithTranslateDelay(30 * time.Millisecond)}, opts...)...)
}

func writeModel(t *testing.T, name string, size int) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	b := make([]byte, size)
	for i := range b {
		b[i] = byte(i * 7)
	}
	require.NoError(t, os.WriteFile(p, b, 0o644))
	return p
}

// TestOfflineWorkflow is the README's workflow: upload, translate
// --wait, pull, query, all against the simulator.
func TestOfflineWorkflow(t *testing.T) {
	srv := jobServer(t)
	model := writeModel(t, "tower.rvt", 5000)
	ep := []string{"--endpoint", srv.URL}

	code, out, errOut := bfquery(t, "", append([]string{"upload", model, "-q", "-f", "json"}, ep...)...)
	require.Equal(t, 0, code, errOut)
	var f bimface.File
	require.NoError(t, json.Unmarshal([]byte(out), &f))
	require.Equal(t, "tower.rvt", f.Name)
	require.Equal(t, int64(5000), f.Length)
	id := jsonID(f.FileID)

	code, out, errOut = bfquery(t, "", append([]string{"translate", id, "--wait", "--poll-min", "5ms"}, ep...)...)
	require.Equal(t, 0, code, errOut)
	require.Equal(t, "file "+id+" (tower.rvt): translation success\n", out)

	dir := filepath.Join(t.TempDir(), "cache")
	code, out, errOut = bfquery(t, "", append([]string{"pull", "--file", id, "--out", dir, "-q"}, ep...)...)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "pulled file "+id+" into "+dir+": 300 elements")

	q := "SELECT elementId FROM file " + id + " WHERE floor = 'F01'"
	code, local, errOut := bfquery(t, "", "query", "--cache", dir, "-f", "count", q)
	require.Equal(t, 0, code, errOut)
	code, remote, errOut := bfquery(t, "", append([]string{"query", "--remote", "-f", "count", q}, ep...)...)
	require.Equal(t, 0, code, errOut)
	require.Equal(t, local, remote)
	require.NotEqual(t, "0\n", local)

	code, out, errOut = bfquery(t, "", append([]string{"files"}, ep...)...)
	require.Equal(t, 0, code, errOut)
	require.Regexp(t, `^FILE ID +STATUS +BYTES +UPLOADED +NAME\n`+id+` +success +5000 +\S+ \S+ \S+ +tower.rvt\n$`, out)

	code, out, errOut = bfquery(t, "", append([]string{"translations", "--project", "10000000006016", "--rows", "1"}, ep...)...)
	require.Equal(t, 0, code, errOut)
	require.Regexp(t, `^FILE ID +STATUS +CREATED +NAME\n`+id+` +success +\S+ +tower.rvt\n$`, out)

	code, out, errOut = bfquery(t, "", append([]string{"databag", "create", "--file", id}, ep...)...)
	require.Equal(t, 0, code, errOut)
	require.Equal(t, "file "+id+": offline databag processing\n", out)
	time.Sleep(40 * time.Millisecond)
	code, out, errOut = bfquery(t, "", append([]string{"databag", "url", "--file", id}, ep...)...)
	require.Equal(t, 0, code, errOut)
	require.Equal(t, srv.URL+"/databags/file-"+id+".zip\n", out)
}

func jsonID(id int64) string { b, _ := json.Marshal(id); return string(b) }

func TestTranslateWait(t *testing.T) {
	srv := jobServer(t, bimfacetest.WithTranslateFailure(bimfacetest.FailFile("broken.rvt"), "model is corrupt"))
	ep := []string{"--endpoint", srv.URL}
	upload := func(name string) string {
		code, out, errOut := bfquery(t, "", append([]string{"upload", writeModel(t, name, 100), "-q", "-f", "json"}, ep...)...)
		require.Equal(t, 0, code, errOut)
		var f bimface.File
		require.NoError(t, json.Unmarshal([]byte(out), &f))
		return jsonID(f.FileID)
	}
	good, bad := upload("good.rvt"), upload("broken.rvt")
	for _, tc := range []struct {
		name     string
		args     []string
		code     int
		out, err string
	}{
		{"success", []string{"translate", good, "--wait", "--poll-min", "5ms"}, 0, "file " + good + " (good.rvt): translation success\n", ""},
		{"failure", []string{"translate", bad, "--wait", "--poll-min", "5ms"}, 1,
			"file " + bad + " (broken.rvt): translation failed\n", "bfquery: the translation of file " + bad + " failed: model is corrupt\n"},
		// A failed translation may be started again.
		{"again, no wait", []string{"translate", bad}, 0, "file " + bad + " (broken.rvt): translation processing\n", ""},
		{"unknown file", []string{"translate", "42"}, 1, "",
			"bfquery: bimface: PUT " + srv.URL + "/translate: 404 file.not.found: file 42 not found\n"},
		{"bad id", []string{"translate", "x"}, 2, "", "bfquery: file id \"x\": must be a positive number\n"},
		{"status", []string{"translate", "status", good}, 0, "file " + good + " (good.rvt): translation success\n", ""},
		{"status, wait", []string{"translate", "status", bad, "--wait", "--poll-min", "5ms"}, 1,
			"file " + bad + " (broken.rvt): translation failed\n", "bfquery: the translation of file " + bad + " failed: model is corrupt\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := bfquery(t, "", append(tc.args, ep...)...)
			require.Equal(t, tc.err, errOut)
			require.Equal(t, tc.out, out)
			require.Equal(t, tc.code, code)
		})
	}
}

// TestUploadResume cuts every append upload short: the upload goes on
// from the server's position each time, and the file arrives whole with
// no byte sent twice.
func TestUploadResume(t *testing.T) {
	srv := jobServer(t)
	srv.SetFaults(bimfacetest.Faults{CutUploadAfter: 3000})
	model := writeModel(t, "big.ifc", 10000)
	code, out, errOut := bfquery(t, "", "upload", model, "--resume", "-q", "-f", "json", "--endpoint", srv.URL)
	require.Equal(t, 0, code, errOut)
	var f bimface.File
	require.NoError(t, json.Unmarshal([]byte(out), &f))
	got, ok := srv.FileContent(f.FileID)
	require.True(t, ok)
	want, err := os.ReadFile(model)
	require.NoError(t, err)
	require.Equal(t, want, got)
	require.Equal(t, int64(10000), srv.UploadedBytes())
}

func TestUploadRefused(t *testing.T) {
	srv := jobServer(t)
	code, out, errOut := bfquery(t, "", "upload", writeModel(t, "notes.txt", 10), "--endpoint", srv.URL)
	require.Equal(t, 1, code)
	require.Equal(t, "", out)
	require.Equal(t, `bfquery: bimface: notes.txt: file not supported: suffix "txt" is not one of rvt, rfa, dwg, dxf, skp, ifc, dgn, obj, stl, 3ds, dae, ply, igms, zip, gtj, bfcatzip`+"\n", errOut)
	require.Equal(t, int64(0), srv.UploadedBytes())
}

func TestIntegrateCommand(t *testing.T) {
	srv := jobServer(t)
	ep := []string{"--endpoint", srv.URL}
	var ids []string
	for _, name := range []string{"a.rvt", "b.rvt"} {
		code, out, errOut := bfquery(t, "", append([]string{"upload", writeModel(t, name, 100), "-q", "-f", "json"}, ep...)...)
		require.Equal(t, 0, code, errOut)
		var f bimface.File
		require.NoError(t, json.Unmarshal([]byte(out), &f))
		ids = append(ids, jsonID(f.FileID))
		code, _, errOut = bfquery(t, "", append([]string{"translate", ids[len(ids)-1], "--wait", "--poll-min", "5ms"}, ep...)...)
		require.Equal(t, 0, code, errOut)
	}
	code, out, errOut := bfquery(t, "", append([]string{"integrate", "--name", "site", "--source", ids[0] + ",specialty=AR,floor=F01", "--source", ids[1] + ",specialty=ST,floor=F02,floorSort=2", "--wait", "--poll-min", "5ms", "-f", "json"}, ep...)...)
	require.Equal(t, 0, code, errOut)
	var in bimface.Integration
	require.NoError(t, json.Unmarshal([]byte(out), &in))
	require.Equal(t, "success", in.Status)
	iid := jsonID(in.IntegrateID)
	code, out, errOut = bfquery(t, "", append([]string{"query", "--remote", "-f", "count", "SELECT elementId FROM integration " + iid + " WHERE floor = 'F02'"}, ep...)...)
	require.Equal(t, 0, code, errOut)
	require.Equal(t, "300\n", out)

	runCases(t, ep, []cliCase{
		{"status", []string{"integrate", "status", iid}, 0, "integration " + iid + " (site): success\n", ""},
		{"delete", []string{"integrate", "delete", iid}, 0, "integration " + iid + " deleted\n", ""},
		{"status after delete", []string{"integrate", "status", iid}, 1, "", "bfquery: bimface: GET " + srv.URL + "/integrate?integrateId=" + iid + ": 404 integration.not.found: integration " + iid + " not found\n"},
	})

	code, _, errOut = bfquery(t, "", append([]string{"integrate", "--source", "x"}, ep...)...)
	require.Equal(t, 2, code)
	require.Equal(t, "bfquery: --source file id \"x\": must be a positive number\n", errOut)

	// Without --name, no empty parentheses.
	code, out, errOut = bfquery(t, "", append([]string{"integrate", "--source", ids[0] + ",specialty=AR,floor=F01", "--source", ids[1] + ",specialty=ST,floor=F02", "--wait", "--poll-min", "5ms"}, ep...)...)
	require.Equal(t, 0, code, errOut)
	require.Regexp(t, `^integration \d+: success\n$`, out)
	code, out, errOut = bfquery(t, "", append([]string{"compare", "--previous", ids[0], "--following", ids[1], "--wait", "--poll-min", "5ms"}, ep...)...)
	require.Equal(t, 0, code, errOut)
	require.Regexp(t, `^comparison \d+: success\n$`, out)
}

// uploadAndTranslate uploads a small model through the CLI and translates
// it, returning its file id.
func uploadAndTranslate(t *testing.T, ep []string, name string) string {
	t.Helper()
	code, out, errOut := bfquery(t, "", append([]string{"upload", writeModel(t, name, 100), "-q", "-f", "json"}, ep...)...)
	require.Equal(t, 0, code, errOut)
	var f bimface.File
	require.NoError(t, json.Unmarshal([]byte(out), &f))
	id := jsonID(f.FileID)
	code, _, errOut = bfquery(t, "", append([]string{"translate", id, "--wait", "--poll-min", "5ms"}, ep...)...)
	require.Equal(t, 0, code, errOut)
	return id
}

// cliCase is one run of bfquery and all it prints.
type cliCase struct {
	name     string
	args     []string
	code     int
	out, err string
}

func runCases(t *testing.T, ep []string, cases []cliCase) {
	t.Helper()
	for _, tc := range cases {
		code, out, errOut := bfquery(t, "", append(tc.args, ep...)...)
		require.Equal(t, tc.err, errOut, tc.name)
		require.Equal(t, tc.out, out, tc.name)
		require.Equal(t, tc.code, code, tc.name)
	}
}

func TestFilesCommands(t *testing.T) {
	srv := jobServer(t)
	ep := []string{"--endpoint", srv.URL}
	id := uploadAndTranslate(t, ep, "tower.rvt")
	code, out, errOut := bfquery(t, "", append([]string{"files", "info", id}, ep...)...)
	require.Equal(t, 0, code, errOut)
	require.Regexp(t, `^file id: +`+id+`\nname: +tower.rvt\nstatus: +success\nbytes: +100\nsuffix: +rvt\netag: +\S+\nuploaded: +\S+ \S+ \S+\n$`, out)
	// The download URL is signed; it serves the file.
	code, out, errOut = bfquery(t, "", append([]string{"files", "url", id}, ep...)...)
	require.Equal(t, 0, code, errOut)
	require.Regexp(t, `^`+regexp.QuoteMeta(srv.URL+"/download/"+id+"?name=tower.rvt&expires=")+`\d+&signature=[\w-]+\n$`, out)
	resp, err := http.Get(strings.TrimSpace(out))
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	want, _ := srv.FileContent(f64(t, id))
	require.Equal(t, want, body)
	runCases(t, ep, []cliCase{
		{"upload status", []string{"files", "status", id}, 0, "file " + id + " (tower.rvt): upload success\n", ""},
		{"types", []string{"files", "types", "-f", "json"}, 0, `{"length":1073741824,"types":["rvt","rfa","dwg","dxf","skp","ifc","dgn","obj","stl","3ds","dae","ply","igms","zip","gtj","bfcatzip"]}` + "\n", ""},
		{"delete", []string{"files", "delete", id}, 0, "file " + id + " deleted\n", ""},
		{"info after delete", []string{"files", "info", id}, 1, "", "bfquery: bimface: GET " + srv.URL + "/files/" + id + ": 404 file.not.found: file " + id + " not found\n"},
		{"list", []string{"files", "list"}, 0, "FILE ID  STATUS  BYTES  UPLOADED  NAME\n", ""},
		{"bad id", []string{"files", "info", "0"}, 2, "", "bfquery: file id \"0\": must be a positive number\n"},
		{"bad rows", []string{"files", "--rows", "0"}, 2, "", "bfquery: --rows 0: must be from 1 to 500\n"},
		{"bad date", []string{"files", "--since", "yesterday"}, 2, "", "bfquery: --since \"yesterday\": must be a date such as 2026-01-31\n"},
		{"translations without project", []string{"translations"}, 2, "", "bfquery: give --project ID: the project whose translations to list, which BIMFACE's console shows (bfquery serve's is 10000000006016)\n"},
		{"bad translations rows", []string{"translations", "--project", "1", "--rows", "5000"}, 2, "", "bfquery: --rows 5000: must be from 1 to 1000\n"},
		{"bad share date", []string{"share", "create", "--file", id, "--until", "garbage"}, 2, "", "bfquery: --until \"garbage\": must be a date such as 2026-01-31\n"},
	})
}

func TestShareAndViewToken(t *testing.T) {
	srv := jobServer(t)
	ep := []string{"--endpoint", srv.URL}
	id := uploadAndTranslate(t, ep, "tower.rvt")
	code, out, errOut := bfquery(t, "", append([]string{"share", "create", "--file", id, "--hours", "2", "--password", "-f", "json"}, ep...)...)
	require.Equal(t, 0, code, errOut)
	var l bimface.ShareLink
	require.NoError(t, json.Unmarshal([]byte(out), &l))
	require.NotEmpty(t, l.URL)
	require.NotEmpty(t, l.Password)
	require.NotEmpty(t, l.ExpireTime)
	// Times are shown in the local zone, which is said.
	expires, err := bimface.ParseTime(l.ExpireTime)
	require.NoError(t, err)
	text := l.URL + " password " + l.Password + " (expires " + expires.Local().Format("2006-01-02 15:04:05 MST") + ")\n"
	runCases(t, ep, []cliCase{
		{"show", []string{"share", "show", "--file", id}, 0, text, ""},
		{"both targets", []string{"share", "show", "--file", id, "--integration", "1"}, 2, "", "bfquery: --file and --integration can't be used together\nRun \"bfquery share show --help\" for usage.\n"},
	})
	code, out, errOut = bfquery(t, "", append([]string{"share", "list"}, ep...)...)
	require.Equal(t, 0, code, errOut)
	require.Regexp(t, `^SHARE ID +OF +EXPIRES +URL\n\d+ +file `+id+` +\S+ \S+ \S+ +http://\S+\n$`, out)
	runCases(t, ep, []cliCase{
		{"delete", []string{"share", "delete", "--file", id}, 0, "share link of file " + id + " revoked\n", ""},
		{"list after delete", []string{"share", "list", "-f", "json"}, 0, "[]\n", ""},
		{"delete of no link", []string{"share", "delete", "--file", id}, 1, "", "bfquery: file " + id + " has no share link to revoke\n"},
	})

	code, out, errOut = bfquery(t, "", append([]string{"viewtoken", "--file", id}, ep...)...)
	require.Equal(t, 0, code, errOut)
	tok := out[:len(out)-1]
	require.NotEmpty(t, tok)
	// The token works for the file's data, and only for it.
	c, err := bimface.NewClient(bimface.WithEndpoint(srv.URL), bimface.WithViewToken(tok))
	require.NoError(t, err)
	_, err = c.Files.Floors(t.Context(), id, nil)
	require.NoError(t, err)
	runCases(t, ep, []cliCase{
		{"no target", []string{"viewtoken"}, 2, "", "bfquery: missing flags: --file=ID or --integration=ID or --comparison=ID\nRun \"bfquery viewtoken --help\" for usage.\n"},
		{"unknown file", []string{"viewtoken", "--file", "42"}, 1, "", "bfquery: bimface: GET " + srv.URL + "/view/token?fileId=42: 404 file.not.found: file 42 not found\n"},
	})
}

func TestCompareCommand(t *testing.T) {
	srv := jobServer(t)
	ep := []string{"--endpoint", srv.URL}
	a, b := uploadAndTranslate(t, ep, "v1.rvt"), uploadAndTranslate(t, ep, "v2.rvt")
	code, out, errOut := bfquery(t, "", append([]string{"compare", "--previous", a, "--following", b, "--name", "v1-v2", "--wait", "--poll-min", "5ms", "-f", "json"}, ep...)...)
	require.Equal(t, 0, code, errOut)
	var cmp bimface.Comparison
	require.NoError(t, json.Unmarshal([]byte(out), &cmp))
	require.Equal(t, "success", cmp.Status)
	id := jsonID(cmp.CompareID)
	code, out, errOut = bfquery(t, "", append([]string{"viewtoken", "--comparison", id}, ep...)...)
	require.Equal(t, 0, code, errOut)
	require.NotEmpty(t, strings.TrimSpace(out))
	runCases(t, ep, []cliCase{
		{"status", []string{"compare", "status", id}, 0, "comparison " + id + " (v1-v2): success\n", ""},
		{"databag", []string{"databag", "create", "--comparison", id}, 0, "comparison " + id + ": offline databag processing\n", ""},
		{"delete", []string{"compare", "delete", id}, 0, "comparison " + id + " deleted\n", ""},
		{"status after delete", []string{"compare", "status", id}, 1, "", "bfquery: bimface: GET " + srv.URL + "/v2/compare?compareId=" + id + ": 404 compare.not.found: comparison " + id + " not found\n"},
		{"unknown file", []string{"compare", "--previous", "42", "--following", b}, 1, "", "bfquery: bimface: POST " + srv.URL + "/v2/compare: 404 file.not.found: file 42 not found, or not translated\n"},
		{"bad id", []string{"compare", "--previous", "x", "--following", b}, 2, "", "bfquery: --previous id \"x\": must be a positive number\n"},
	})
}

// f64 is a file ID the CLI printed, as a number.
func f64(t *testing.T, id string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(id, 10, 64)
	require.NoError(t, err)
	return n
}
