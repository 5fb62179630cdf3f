package eval_test

import (
	"encoding/json"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
)

func TestOpenDir(t *testing.T) {
	c, err := eval.Open("../testdata/cache/dir")
	require.NoError(t, err)
	tests := []struct {
		name string
		req  dsl.Request
		sel  dsl.Select
		want string
	}{
		{"file elements", dsl.File("1124890692330272").Where(dsl.Match("floor", "F01")), dsl.SelectElements,
			`[{"elementIds":["313052"],"targetId":"1124890692330272"}]`},
		{"file elements by bounding box", dsl.File("1124890692330272").Where(dsl.Match("boundingBox.max.x", -4938.068482562385)), dsl.SelectElements,
			`[{"elementIds":["313052"],"targetId":"1124890692330272"}]`},
		{"rooms", dsl.File("1124890692330272").Where(dsl.Contain("name", "room")), dsl.SelectRooms,
			`[{"roomIds":["857279"],"targetId":"1124890692330272"}]`},
		{"rooms by a number written 7.256476003661832E7", dsl.File("1124890692330272").Where(dsl.Match("area", 72564760.03661832)), dsl.SelectRooms,
			`[{"roomIds":["857279"],"targetId":"1124890692330272"}]`},
		{"areas", dsl.File("1124890692330272").Where(dsl.Match("面积", 115.535306)), dsl.SelectAreas,
			`[{"areaIds":["313467"],"targetId":"1124890692330272"}]`},
		{"no match is an empty list", dsl.File("1124890692330272").Where(dsl.Match("floor", "F99")), dsl.SelectElements,
			`[{"elementIds":[],"targetId":"1124890692330272"}]`},
		{"integration ids print as fileId.elementId", dsl.Integration("1648888854324400").Where(dsl.Contain("name", "")), dsl.SelectElements,
			`[{"elementIds":["1648888854324461.259504","1648888854324461.259505","1648888854324462.259504","1648888854324999.7"],"targetId":"1648888854324400"}]`},
		{"integration floor", dsl.Integration("1648888854324400").Where(dsl.Match("floor", "F01")), dsl.SelectElements,
			`[{"elementIds":["1648888854324461.259504","1648888854324462.259504"],"targetId":"1648888854324400"}]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := c.Query(tc.req, tc.sel)
			require.NoError(t, err)
			b, err := json.Marshal(res)
			require.NoError(t, err)
			require.Equal(t, tc.want, string(b))
		})
	}

	targets := c.Targets()
	require.Len(t, targets, 2)
	require.Equal(t, time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC), targets[0].Pulled)
	require.False(t, targets[1].Has(dsl.SelectRooms))
	rooms, err := targets[1].Index(dsl.SelectRooms)
	require.NoError(t, err)
	require.Nil(t, rooms)

	_, err = c.Query(dsl.File("42").Where(dsl.Match("floor", "F01")), dsl.SelectElements)
	require.EqualError(t, err, "file 42 is not in the cache, which holds file 1124890692330272, integration 1648888854324400")
	_, err = c.Query(dsl.Integration("1648888854324400").Where(dsl.Match("floor", "F01")), dsl.SelectRooms)
	require.EqualError(t, err, "the cache holds no rooms of integration 1648888854324400")
	_, err = c.Query(dsl.File("1124890692330272"), dsl.SelectElements)
	require.EqualError(t, err, "query: missing")
}

func TestOpenSingleFileAnswersAnyTarget(t *testing.T) {
	c, err := eval.Open("../testdata/cache/semantics.json")
	require.NoError(t, err)
	res, err := c.Query(dsl.File("1", "2").Where(dsl.Match("floor", "F02")), dsl.SelectElements)
	require.NoError(t, err)
	want := []eval.Result{{TargetID: "1", IDs: []string{"102"}}, {TargetID: "2", IDs: []string{"102"}}}
	require.Empty(t, cmp.Diff(want, res))
}

func TestManifestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	m := &eval.Manifest{Version: eval.ManifestVersion, Targets: []eval.TargetManifest{{
		Type: dsl.TargetIntegration, ID: "9", Source: "https://api.bimface.com/data/v2/integrations/9/elements",
		Pulled: time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC), Counts: eval.Counts{Elements: 3},
		Elements: []eval.Part{{Path: "i/a.ndjson"}, {Path: "i/b.ndjson", FileID: "77"}},
	}}}
	require.NoError(t, eval.WriteManifest(dir, m))
	got, err := eval.ReadManifest(os.DirFS(dir), "manifest.json")
	require.NoError(t, err)
	require.Empty(t, cmp.Diff(m, got))
	b, err := os.ReadFile(dir + "/manifest.json")
	require.NoError(t, err)
	want := `{
  "version": 1,
  "targets": [
    {
      "type": "integration",
      "id": "9",
      "source": "https://api.bimface.com/data/v2/integrations/9/elements",
      "pulled": "2024-05-01T08:00:00Z",
      "counts": {
        "elements": 3,
        "rooms": 0,
        "areas": 0
      },
      "elements": [
        {
          "path": "i/a.ndjson"
        },
        {
          "path": "i/b.ndjson",
          "fileId": "77"
        }
      ]
    }
  ]
}
`
	require.Equal(t, want, string(b))

	require.NoError(t, os.WriteFile(dir+"/manifest.json", []byte("{\"version\": 1,\n \"targets\": [{\"type\": \"file\", \"id\": \"1\", \"elements\": [{\"path\": \"../x\"}]}]}"), 0o644))
	_, err = eval.ReadManifest(os.DirFS(dir), "m.json")
	require.EqualError(t, err, `m.json:2:64: path "../x" must be relative to the cache directory, without '..'`)
	require.NoError(t, os.WriteFile(dir+"/manifest.json", []byte("{\"version\": \"1\"}"), 0o644))
	_, err = eval.ReadManifest(os.DirFS(dir), "m.json")
	require.EqualError(t, err, `m.json:1:13: version: cannot be string`)
}

// TestConcurrentQueries runs queries from several goroutines on one
// index; run with -race it checks that queries share nothing mutable.
func TestConcurrentQueries(t *testing.T) {
	ix := loadFile(t, "../testdata/cache/semantics.json", dsl.SelectElements)
	q := dsl.Or(dsl.Match("floor", "F01"), dsl.Contain("长度", "3000"), dsl.Contain("注释", ""), dsl.In("面积", 30))
	want, err := ix.Find(q)
	require.NoError(t, err)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 200 {
				got, err := ix.Find(q)
				if err != nil || !cmp.Equal(want, got) {
					t.Errorf("concurrent Find = %v, %v", got, err)
					return
				}
			}
		})
	}
	wg.Wait()
}
