package bimface_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/dsl"
)

// Example queries the walls of floor F11 and reads their properties, from
// a loopback server standing in for BIMFACE.
func Example() {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth2/token", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"code":"success","data":{"expireTime":"2999-01-01 00:00:00","token":"ab00e0b4"},"message":""}`)
	})
	mux.HandleFunc("GET /data/v2/query/paginationContextId", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"code":"success","data":"c1","message":""}`)
	})
	mux.HandleFunc("POST /data/v2/query/elementIds", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"code":"success","data":[{"elementIds":["313047","313048"],"targetId":"1124890692330272"}],"message":""}`)
	})
	mux.HandleFunc("POST /data/v2/files/1124890692330272/elements", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"code":"success","data":[`+
			`{"elementId":"313047","name":"常规 - 200mm","properties":[{"group":"尺寸标注","items":[{"key":"体积","value":"2.703969","unit":"m³","valueType":2}]}]},`+
			`{"elementId":"313048","name":"常规 - 200mm","properties":[{"group":"尺寸标注","items":[{"key":"体积","value":1.25,"unit":"m³","valueType":2}]}]}],"message":""}`)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	c, err := bimface.NewClient(
		bimface.WithEndpoint(srv.URL),
		bimface.WithCredentials("appKey", "appSecret"),
	)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	req := dsl.File("1124890692330272").
		Where(dsl.Match(dsl.Floor, "F11")).
		Where(dsl.Contain(dsl.CategoryName, "墙"))
	found, err := c.Query.IDs(ctx, dsl.SelectElements, req, nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, t := range found {
		elems, err := c.Files.Elements(ctx, t.TargetID, t.IDs, nil)
		if err != nil {
			log.Fatal(err)
		}
		for _, e := range elems {
			v, _ := e.Property("尺寸标注", "体积")
			fmt.Println(e.ElementID, e.Name, v.Text(), v.Unit)
		}
	}
	// Output:
	// 313047 常规 - 200mm 2.703969 m³
	// 313048 常规 - 200mm 1.25 m³
}
