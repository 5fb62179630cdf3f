package bimface_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/dsl"
)

func TestElementIDs(t *testing.T) {
	tests := []struct {
		name      string
		call      func(c *bimface.Client) ([]string, error)
		path      string
		wantQuery string
		answer    string
		want      []string
	}{
		{
			name: "file, six dimensions",
			call: func(c *bimface.Client) ([]string, error) {
				return c.Files.ElementIDs(context.Background(), "1211223382064960", &bimface.ElementFilter{
					Specialty: "建筑", CategoryID: "-2000011", Family: "基本墙", FamilyType: "常规 - 200mm", Floor: "F1", SystemType: "s",
				})
			},
			path:      "/data/v2/files/1211223382064960/elementIds",
			wantQuery: "categoryId=-2000011&family=%E5%9F%BA%E6%9C%AC%E5%A2%99&familyType=%E5%B8%B8%E8%A7%84+-+200mm&floor=F1&specialty=%E5%BB%BA%E7%AD%91&systemType=s",
			answer:    `["313154","313047"]`,
			want:      []string{"313154", "313047"},
		},
		{
			name: "file, by room",
			call: func(c *bimface.Client) ([]string, error) {
				return c.Files.ElementIDs(context.Background(), "1", &bimface.ElementFilter{RoomID: "857279", RoomToleranceXY: bimface.ToleranceLenient, RoomToleranceZ: bimface.ToleranceStrict})
			},
			path:      "/data/v2/files/1/elementIds",
			wantQuery: "roomId=857279&roomToleranceXY=LENIENT&roomToleranceZ=STRICT",
			answer:    `["1"]`,
			want:      []string{"1"},
		},
		{
			name: "integration, list answer",
			call: func(c *bimface.Client) ([]string, error) {
				return c.Integrations.ElementIDs(context.Background(), "1424944692329120", nil)
			},
			path:   "/data/v2/integrations/1424944692329120/elementIds",
			answer: `["1648888854324461.259504"]`,
			want:   []string{"1648888854324461.259504"},
		},
		{
			name: "integration, elements answer",
			call: func(c *bimface.Client) ([]string, error) {
				return c.Integrations.ElementIDs(context.Background(), "1424944692329120", &bimface.ElementFilter{Floor: "F1"})
			},
			path:      "/data/v2/integrations/1424944692329120/elementIds",
			wantQuery: "floor=F1",
			answer:    `{"boundingBox":{"max":{"x":1,"y":2,"z":3},"min":{"x":0,"y":0,"z":0}},"elements":[{"fileId":"cce34cec","elementId":"313052"}]}`,
			want:      []string{"cce34cec.313052"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			var gotQuery string
			f.mux.HandleFunc("GET "+tc.path, func(w http.ResponseWriter, r *http.Request) {
				if !bearer(w, r, "tok-1") {
					return
				}
				gotQuery = r.URL.RawQuery
				writeRaw(w, tc.answer)
			})
			got, err := tc.call(f.client())
			require.NoError(t, err)
			require.Equal(t, tc.wantQuery, withoutPaging(t, gotQuery))
			require.Equal(t, tc.want, got)
		})
	}
}

// batchServer answers element batches, echoing the requested IDs as
// elements, and records chunk sizes and the most requests in flight.
type batchServer struct {
	inFlight, maxInFlight atomic.Int32
	mu                    sync.Mutex
	sizes                 []int
	methods               map[string]int
	delay                 time.Duration
}

func (b *batchServer) handle(t *testing.T) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		n := b.inFlight.Add(1)
		defer b.inFlight.Add(-1)
		for {
			m := b.maxInFlight.Load()
			if n <= m || b.maxInFlight.CompareAndSwap(m, n) {
				break
			}
		}
		var body struct {
			ElementIDs []string `json:"elementIds"`
		}
		if err := json.Unmarshal([]byte(readBody(t, r)), &body); err != nil {
			writeError(w, http.StatusBadRequest, "parameter.invalid", err.Error())
			return
		}
		b.mu.Lock()
		b.sizes = append(b.sizes, len(body.ElementIDs))
		b.methods[r.Method]++
		b.mu.Unlock()
		time.Sleep(b.delay)
		var sb strings.Builder
		sb.WriteString("[")
		for i, id := range body.ElementIDs {
			if i > 0 {
				sb.WriteString(",")
			}
			fmt.Fprintf(&sb, `{"elementId":%q,"properties":[{"group":"基本属性","items":[{"key":"体积","value":%s,"valueType":2}]}]}`, id, id)
		}
		sb.WriteString("]")
		writeRaw(w, sb.String())
	}
}

func TestElementsBatches(t *testing.T) {
	tests := []struct {
		name        string
		n           int
		concurrency int
		opts        []bimface.Option
		wantSizes   []int
		wantMethod  string
	}{
		{"one request", 3, 4, nil, []int{3}, "POST"},
		{"exactly the limit", 1000, 4, nil, []int{1000}, "POST"},
		{"split at 1000, two at a time", 4500, 2, nil, []int{1000, 1000, 1000, 1000, 500}, "POST"},
		{"GET with body", 2001, 3, []bimface.Option{bimface.WithQueryGET()}, []int{1000, 1000, 1}, "GET"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			b := &batchServer{methods: map[string]int{}, delay: 30 * time.Millisecond}
			f.mux.HandleFunc("/data/v2/files/7/elements", b.handle(t))
			c := f.client(append(tc.opts, bimface.WithBatchConcurrency(tc.concurrency))...)
			in := ids("", tc.n)
			got, err := c.Files.Elements(context.Background(), "7", in, nil)
			require.NoError(t, err)
			gotIDs := make([]string, len(got))
			for i, e := range got {
				gotIDs[i] = e.ElementID
			}
			require.Equal(t, in, gotIDs, "elements come back in input order")
			item, ok := got[len(got)-1].Property("基本属性", "体积")
			require.True(t, ok)
			require.Equal(t, in[len(in)-1], item.Text())

			require.ElementsMatch(t, tc.wantSizes, b.sizes)
			require.Equal(t, map[string]int{tc.wantMethod: len(tc.wantSizes)}, b.methods)
			wantMax := int32(min(tc.concurrency, len(tc.wantSizes)))
			require.Equal(t, wantMax, b.maxInFlight.Load(), "requests in flight")
		})
	}
}

func TestElementsRawAndFilter(t *testing.T) {
	f := newFixture(t)
	var gotBody string
	// Values as BIMFACE writes them: a number with trailing zero, a
	// numeric string, spacing the client must not touch.
	const answer = `[{"elementId":"1","properties":[{"group":"g","items":[{"key":"k","value":1.50,"valueType":2}]}]},{"elementId":"2", "name":"x"}]`
	f.mux.HandleFunc("POST /data/v2/files/7/elements", func(w http.ResponseWriter, r *http.Request) {
		gotBody = readBody(t, r)
		writeRaw(w, answer)
	})
	c := f.client()
	opts := &bimface.ElementsOptions{Filter: []bimface.PropertyFilter{{Group: "default"}, {Group: "size", Keys: []string{"length"}}}}
	raw, err := c.Files.ElementsRaw(context.Background(), "7", []string{"1", "2"}, opts)
	require.NoError(t, err)
	require.Equal(t, `{"elementIds":["1","2"],"filter":[{"group":"default"},{"group":"size","keys":["length"]}]}`, gotBody)
	require.Equal(t, []string{
		`{"elementId":"1","properties":[{"group":"g","items":[{"key":"k","value":1.50,"valueType":2}]}]}`,
		`{"elementId":"2", "name":"x"}`,
	}, []string{string(raw[0]), string(raw[1])})

	els, err := c.Files.Elements(context.Background(), "7", []string{"1", "2"}, nil)
	require.NoError(t, err)
	require.Equal(t, `{"elementIds":["1","2"]}`, gotBody)
	require.Equal(t, "1.50", els[0].Properties[0].Items[0].Text())

	none, err := c.Files.Elements(context.Background(), "7", nil, nil)
	require.NoError(t, err)
	require.Empty(t, none)
}

func TestIntegrationElementsGroupByFile(t *testing.T) {
	// The current reference's {"ids": [...]} first; a server that refuses
	// it with 400 gets the seed page's bare array, from then on.
	tests := []struct {
		name       string
		legacy     bool
		wantBodies []string
	}{
		{"current", false, []string{
			`{"ids":[{"fileIdHash":"f1","elementIds":["1","3"]},{"fileIdHash":"f2","elementIds":["-8098347145579605232"]}]}`,
			`{"ids":[{"fileIdHash":"f1","elementIds":["4"]}]}`,
		}},
		{"legacy", true, []string{
			`{"ids":[{"fileIdHash":"f1","elementIds":["1","3"]},{"fileIdHash":"f2","elementIds":["-8098347145579605232"]}]}`,
			`[{"fileIdHash":"f1","elementIds":["1","3"]},{"fileIdHash":"f2","elementIds":["-8098347145579605232"]}]`,
			`[{"fileIdHash":"f1","elementIds":["4"]}]`,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			var bodies []string
			var mu sync.Mutex
			f.mux.HandleFunc("POST /data/v2/integrations/9/elements", func(w http.ResponseWriter, r *http.Request) {
				body := readBody(t, r)
				mu.Lock()
				bodies = append(bodies, body)
				mu.Unlock()
				if tc.legacy == strings.HasPrefix(body, "{") {
					writeError(w, http.StatusBadRequest, "input.parameter.error", "bad body")
					return
				}
				writeRaw(w, `[{"elementId":"313052"}]`)
			})
			c := f.client()
			got, err := c.Integrations.Elements(context.Background(), "9", []string{"f1.1", "f2.-8098347145579605232", "f1.3"})
			require.NoError(t, err)
			require.Equal(t, []bimface.Element{{ElementID: "313052"}}, got)
			_, err = c.Integrations.Elements(context.Background(), "9", []string{"f1.4"})
			require.NoError(t, err)
			require.Equal(t, tc.wantBodies, bodies)
		})
	}
}

func TestIntegrationElementsBothBodiesRefused(t *testing.T) {
	f := newFixture(t)
	f.mux.HandleFunc("POST /data/v2/integrations/9/elements", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusBadRequest, "input.parameter.error", "no")
	})
	_, err := f.client().Integrations.Elements(context.Background(), "9", []string{"f1.1"})
	require.EqualError(t, err, strings.ReplaceAll("bimface: POST {URL}/data/v2/integrations/9/elements: 400 input.parameter.error: no (the legacy array body was refused too: bimface: POST {URL}/data/v2/integrations/9/elements: 400 input.parameter.error: no)", "{URL}", f.server.URL))
}

func TestRoomsAreasFloorsTree(t *testing.T) {
	pt := func(x, y, z float64) *bimface.Point { return &bimface.Point{X: x, Y: y, Z: z} }
	tests := []struct {
		name      string
		path      string
		wantQuery string
		answer    string
		call      func(c *bimface.Client) (any, error)
		want      any
	}{
		{
			name: "file rooms by floor", path: "GET /data/v2/files/1/rooms", wantQuery: "floorId=311&roomToleranceZ=LENIENT",
			answer: `[{"area":7.256476003661832E7,"bboxMin":{"x":-1,"y":-2,"z":0.0},"boundary":"","id":"313137","levelId":"11","name":"dining room 4","perimeter":40087.8,"properties":[{"group":"basic property","items":[{"code":"SectionHeight","extension":"object","key":"specialty","unit":"mm","value":"not specified","valueType":1}]}]}]`,
			call: func(c *bimface.Client) (any, error) {
				return c.Files.Rooms(context.Background(), "1", &bimface.RoomsOptions{FloorID: "311", RoomToleranceZ: bimface.ToleranceLenient})
			},
			want: []bimface.Room{{
				ID: "313137", Name: "dining room 4", LevelID: "11", Area: 7.256476003661832e7, Perimeter: 40087.8,
				BBoxMin: pt(-1, -2, 0), Boundary: json.RawMessage(`""`),
				Properties: []bimface.PropertyGroup{{Group: "basic property", Items: []bimface.PropertyItem{{
					Key: "specialty", Value: json.RawMessage(`"not specified"`), Unit: "mm", ValueType: 1, Code: "SectionHeight", Extension: "object",
				}}}},
			}},
		},
		{
			name: "integration room", path: "GET /data/v2/integrations/2/rooms/1373167156769760_857279",
			answer: `{"id":"1373167156769760_857279","name":"r","maxPt":{"x":1,"y":2,"z":3}}`,
			call: func(c *bimface.Client) (any, error) {
				return c.Integrations.Room(context.Background(), "2", "1373167156769760_857279")
			},
			want: &bimface.Room{ID: "1373167156769760_857279", Name: "r", MaxPt: pt(1, 2, 3)},
		},
		{
			name: "file room", path: "GET /data/v2/files/1/rooms/857279",
			answer: `{"id":"857279","name":"r"}`,
			call:   func(c *bimface.Client) (any, error) { return c.Files.Room(context.Background(), "1", "857279") },
			want:   &bimface.Room{ID: "857279", Name: "r"},
		},
		{
			name: "integration rooms by element", path: "GET /data/v2/integrations/2/rooms", wantQuery: "elementId=f.1",
			answer: `[]`,
			call: func(c *bimface.Client) (any, error) {
				return c.Integrations.Rooms(context.Background(), "2", &bimface.RoomsOptions{ElementID: "f.1"})
			},
			want: []bimface.Room{},
		},
		{
			name: "file area", path: "GET /data/v2/files/1/areas/313467",
			answer: `{"area":1.1553530579753904E8,"id":"313467","levelId":"311","name":"2 2","viewName":"标高 1","properties":[{"group":"尺寸标注","items":[{"key":"面积","unit":"m²","value":"115.54","valueType":2}]}]}`,
			call:   func(c *bimface.Client) (any, error) { return c.Files.Area(context.Background(), "1", "313467") },
			want: &bimface.Area{ID: "313467", Name: "2 2", LevelID: "311", ViewName: "标高 1", Area: 1.1553530579753904e8,
				Properties: []bimface.PropertyGroup{{Group: "尺寸标注", Items: []bimface.PropertyItem{{Key: "面积", Unit: "m²", Value: json.RawMessage(`"115.54"`), ValueType: 2}}}}},
		},
		{
			name: "integration areas", path: "GET /data/v2/integrations/2/areas", wantQuery: "floorId=0",
			answer: `[{"id":"a","name":"n"}]`,
			call:   func(c *bimface.Client) (any, error) { return c.Integrations.Areas(context.Background(), "2", "0") },
			want:   []bimface.Area{{ID: "a", Name: "n"}},
		},
		{
			name: "integration area", path: "GET /data/v2/integrations/2/areas/1315296732840480_313464",
			answer: `{"id":"1315296732840480_313464","name":"n"}`,
			call: func(c *bimface.Client) (any, error) {
				return c.Integrations.Area(context.Background(), "2", "1315296732840480_313464")
			},
			want: &bimface.Area{ID: "1315296732840480_313464", Name: "n"},
		},
		{
			name: "integration floors with rooms and areas", path: "GET /data/v2/integrations/2/floors", wantQuery: "includeArea=true&includeRoom=true",
			answer: `[{"archElev":0.0,"areas":[{"id":"313137","name":"a"}],"elevation":0.0,"height":4000.0,"id":"311","miniMap":"m.png","name":"elevation 1","rooms":[{"id":"313137","levelId":"11","name":"dining room 4"}],"structElev":0.0}]`,
			call: func(c *bimface.Client) (any, error) {
				return c.Integrations.Floors(context.Background(), "2", &bimface.FloorsOptions{IncludeRooms: true, IncludeAreas: true})
			},
			want: []bimface.Floor{{ID: "311", Name: "elevation 1", Height: 4000, MiniMap: "m.png",
				Rooms: []bimface.Room{{ID: "313137", LevelID: "11", Name: "dining room 4"}},
				Areas: []bimface.Area{{ID: "313137", Name: "a"}}}},
		},
		{
			name: "file floors", path: "GET /data/v2/files/1/floors",
			answer: `[{"id":"311","name":"F1","elevation":3000}]`,
			call:   func(c *bimface.Client) (any, error) { return c.Files.Floors(context.Background(), "1", nil) },
			want:   []bimface.Floor{{ID: "311", Name: "F1", Elevation: 3000}},
		},
		{
			name: "file default tree is a list", path: "GET /data/v2/files/1/tree", wantQuery: "v=2.0",
			answer: `[{"actualName":"1F","data":null,"elementCount":18,"id":"694","items":[{"actualName":"栏杆","data":null,"elementCount":1,"id":null,"items":[],"name":"栏杆","type":"familyType"}],"name":"1F","type":"floor"}]`,
			call:   func(c *bimface.Client) (any, error) { return c.Files.Tree(context.Background(), "1", nil) },
			want: &bimface.Tree{Items: []bimface.TreeNode{{
				ActualName: "1F", Data: json.RawMessage("null"), ElementCount: 18, ID: "694", Name: "1F", Type: "floor",
				Items: []bimface.TreeNode{{ActualName: "栏杆", Data: json.RawMessage("null"), ElementCount: 1, Items: []bimface.TreeNode{}, Name: "栏杆", Type: "familyType"}},
			}}},
		},
		{
			name: "integration tree by specialty", path: "GET /data/v2/integrations/2/tree", wantQuery: "treeType=specialty",
			answer: `{"items":[{"actualName":"通风空调","elementCount":41724,"id":"0","items":[],"name":"通风空调","type":"specialty"}],"root":"专业"}`,
			call: func(c *bimface.Client) (any, error) {
				return c.Integrations.Tree(context.Background(), "2", &bimface.TreeOptions{TreeType: "specialty"})
			},
			want: &bimface.Tree{Root: "专业", Items: []bimface.TreeNode{{ActualName: "通风空调", ElementCount: 41724, ID: "0", Items: []bimface.TreeNode{}, Name: "通风空调", Type: "specialty"}}},
		},
		{
			name: "integration element", path: "GET /data/v2/integrations/2/elements/313052",
			answer: `{"boundingBox":{"max":{"x":-4938.068482562385,"y":-3201.59397858169,"z":0.0},"min":{"x":-4938.068482562385,"y":-3201.59397858169,"z":0.0}},"elementId":"313052","familyGuid":"000222","guid":"79d547c1","name":"norm - 150mm"}`,
			call: func(c *bimface.Client) (any, error) {
				return c.Integrations.Element(context.Background(), "2", "313052")
			},
			want: &bimface.Element{ElementID: "313052", GUID: "79d547c1", Name: "norm - 150mm", FamilyGUID: "000222",
				BoundingBox: &bimface.BoundingBox{Min: *pt(-4938.068482562385, -3201.59397858169, 0), Max: *pt(-4938.068482562385, -3201.59397858169, 0)}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			var gotQuery string
			f.mux.HandleFunc(tc.path, func(w http.ResponseWriter, r *http.Request) {
				if !bearer(w, r, "tok-1") {
					return
				}
				gotQuery = r.URL.RawQuery
				writeRaw(w, tc.answer)
			})
			got, err := tc.call(f.client())
			require.NoError(t, err)
			require.Equal(t, tc.wantQuery, gotQuery)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestCustomizedTreeSendsBody(t *testing.T) {
	f := newFixture(t)
	var gotMethod, gotQuery, gotBody string
	f.mux.HandleFunc("/data/v2/files/1/tree", func(w http.ResponseWriter, r *http.Request) {
		gotMethod, gotQuery, gotBody = r.Method, r.URL.RawQuery, readBody(t, r)
		writeRaw(w, `{"items":[],"root":"category"}`)
	})
	tree, err := f.client().Files.Tree(context.Background(), "1", &bimface.TreeOptions{
		DesiredHierarchy: []string{"category", "family"}, CustomizedNodeKeys: map[string]string{"category": "name"},
	})
	require.NoError(t, err)
	require.Equal(t, "POST", gotMethod)
	require.Equal(t, "desiredHierarchy=category%2Cfamily&treeType=customized&v=2.0", gotQuery)
	require.Equal(t, `{"desiredHierarchy":["category","family"],"customizedNodeKeys":{"category":"name"}}`, gotBody)
	require.Equal(t, &bimface.Tree{Root: "category", Items: []bimface.TreeNode{}}, tree)
}

// TestSpacesByFloor lists areas floor by floor with the floorId the
// endpoint requires, once each, and asks nothing of a model without
// floors.
func TestSpacesByFloor(t *testing.T) {
	f := newFixture(t)
	floors := map[string]string{"1": `[{"id":"311"},{"id":"312"}]`, "2": `[]`}
	f.mux.HandleFunc("GET /data/v2/files/{id}/floors", func(w http.ResponseWriter, r *http.Request) {
		writeRaw(w, floors[r.PathValue("id")])
	})
	var asked []string
	f.mux.HandleFunc("GET /data/v2/files/{id}/areas", func(w http.ResponseWriter, r *http.Request) {
		fid := r.URL.Query().Get("floorId")
		asked = append(asked, r.PathValue("id")+"/"+fid)
		if fid == "" {
			writeError(w, http.StatusBadRequest, "input.parameter.error", "floorId is required")
			return
		}
		// Area 9 spans both floors.
		writeRaw(w, `[{"id":"a`+fid+`"},{"id":"9"}]`)
	})
	c := f.client()
	got, err := c.SpacesRaw(context.Background(), dsl.TargetFile, "1", dsl.SelectAreas)
	require.NoError(t, err)
	require.Equal(t, []string{`{"id":"a311"}`, `{"id":"9"}`, `{"id":"a312"}`}, rawStrings(got))
	got, err = c.SpacesRaw(context.Background(), dsl.TargetFile, "2", dsl.SelectAreas)
	require.NoError(t, err)
	require.Empty(t, got)
	require.Equal(t, []string{"1/311", "1/312"}, asked)
}

func rawStrings(raw []json.RawMessage) []string {
	out := make([]string, len(raw))
	for i, r := range raw {
		out[i] = string(r)
	}
	return out
}
