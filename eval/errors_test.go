package eval_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
)

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		file string
		want string
	}{
		{"truncated.ndjson", "../testdata/cache/bad/truncated.ndjson:2:85: string not terminated before the end of the input"},
		{"noid.json", "../testdata/cache/bad/noid.json:3:3: element without elementId"},
		{"duplicate.ndjson", `../testdata/cache/bad/duplicate.ndjson:3:1: duplicate elementId "7": element 1 has it too`},
		{"shape.json", "../testdata/cache/bad/shape.json:2:36: properties must be an array of property groups"},
		{"failed.json", `../testdata/cache/bad/failed.json:1:10: BIMFACE answered code "authentication.failed": token expired`},
		{"csv.txt", "../testdata/cache/bad/csv.txt:1:1: unexpected 'e', expected a JSON array, a BIMFACE envelope or elements one per line"},
		{"number.ndjson", `../testdata/cache/bad/number.ndjson:1:55: invalid number "1."`},
		{"idtype.ndjson", "../testdata/cache/bad/idtype.ndjson:1:14: elementId must be a string or a number"},
		{"trailing.json", "../testdata/cache/bad/trailing.json:1:21: unexpected data after the array"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			name := "../testdata/cache/bad/" + tc.file
			_, err := eval.Open(name)
			require.Error(t, err)
			var de *dsl.Error
			require.True(t, errors.As(err, &de), "%T is not a *dsl.Error", err)
			require.Equal(t, tc.want, err.Error())
		})
	}
}

func TestOpenDirErrors(t *testing.T) {
	tests := []struct {
		dir  string
		want string
	}{
		{"badversion", "../testdata/cache/badversion/manifest.json:2:14: unsupported cache format version 2: this bfquery reads version 1"},
		{"badcount", "../testdata/cache/badcount/manifest.json:5:29: file 1124890692330272 counts 3 elements but its files hold 2"},
	}
	for _, tc := range tests {
		t.Run(tc.dir, func(t *testing.T) {
			_, err := eval.Open("../testdata/cache/" + tc.dir)
			require.EqualError(t, err, tc.want)
		})
	}
}

func TestLoadGzipError(t *testing.T) {
	_, err := eval.LoadIndex(stringsReader("\x1f\x8bnot gzip"), "x.gz", dsl.SelectElements)
	require.EqualError(t, err, "x.gz:1:1: gzip: invalid header")
}

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }
