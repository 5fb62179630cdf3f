package bimface

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// idList must decode exactly as encoding/json decodes a []string.
var idListSeeds = []string{
	`[]`,
	`null`,
	`["313047","313048"]`,
	` [ "a" , "b" ,"c"] `,
	"[\n\t\"1648888854324461.259504\",\r\n\"-8098347145579605232\"\n]",
	`["墙","F1 \u5899","tab\there","quote\"d","back\\slash"]`,
	`["", ""]`,
	`[1, 2]`,
	`["a", null]`,
	`{"a":1}`,
	"[\"\xff\xfe\"]",
}

func decodeBoth(t *testing.T, data []byte) {
	t.Helper()
	var want struct{ IDs []string }
	var got struct{ IDs idList }
	wrap := append(append([]byte(`{"IDs":`), data...), '}')
	errWant := json.Unmarshal(wrap, &want)
	errGot := json.Unmarshal(wrap, &got)
	if (errWant == nil) != (errGot == nil) {
		t.Fatalf("%q: encoding/json error %v, idList error %v", data, errWant, errGot)
	}
	if errWant != nil {
		return
	}
	if diff := cmp.Diff(want.IDs, []string(got.IDs)); diff != "" {
		t.Errorf("%q (-encoding/json +idList):\n%s", data, diff)
	}
	if (want.IDs == nil) != (got.IDs == nil) {
		t.Errorf("%q: nil-ness differs: %v vs %v", data, want.IDs == nil, got.IDs == nil)
	}
}

func TestIDListMatchesEncodingJSON(t *testing.T) {
	for _, s := range idListSeeds {
		t.Run(s, func(t *testing.T) { decodeBoth(t, []byte(s)) })
	}
}

func FuzzIDList(f *testing.F) {
	for _, s := range idListSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { decodeBoth(t, data) })
}
