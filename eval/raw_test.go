package eval_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/eval"
)

// TestRawRecords reads the forms of a file of records the loader reads,
// gzipped or not, with a byte order mark or not, and gets the same records
// as written, each on one line.
func TestRawRecords(t *testing.T) {
	a, b := `{"elementId":"1","name":"a"}`, "{\n  \"elementId\": \"2\",\n  \"name\": \"b\"\n}"
	want := []string{`{"elementId":"1","name":"a"}`, `{"elementId":"2","name":"b"}`}
	gz := func(s string) string {
		var buf bytes.Buffer
		w := gzip.NewWriter(&buf)
		w.Write([]byte(s))
		w.Close()
		return buf.String()
	}
	for _, tc := range []struct{ name, src string }{
		{"NDJSON", a + "\n" + b + "\n"},
		{"array", "[" + a + "," + b + "]"},
		{"envelope", `{"code":"success","data":[` + a + "," + b + `],"message":""}`},
		{"byte order mark", "\xef\xbb\xbf" + a + "\n" + b},
		{"gzipped", gz(a + "\n" + b)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			recs, err := eval.RawRecords(strings.NewReader(tc.src), "x.json")
			require.NoError(t, err)
			var got []string
			for _, r := range recs {
				require.True(t, json.Valid(r))
				got = append(got, string(r))
			}
			require.Equal(t, want, got)
		})
	}
	_, err := eval.RawRecords(strings.NewReader("\x1f\x8bnot gzip"), "x.gz")
	require.EqualError(t, err, "x.gz:1:1: gzip: invalid header")
}
