package eval_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

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
	require.ErrorIs(t, err, gzip.ErrHeader, "the cause is kept")
}

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }

// TestLoadDamaged reads inputs damaged in ways that leave what comes
// before the damage readable: each is an error where the damage is, never
// the records before it.
func TestLoadDamaged(t *testing.T) {
	var nd strings.Builder
	for i := range 2000 {
		fmt.Fprintf(&nd, `{"elementId":"e%d","properties":[{"group":"g","items":[{"key":"k","value":%d}]}]}`+"\n", i, i)
	}
	gz := func(s string) []byte {
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		w.Write([]byte(s))
		w.Close()
		return b.Bytes()
	}
	whole := gz(nd.String())
	// A stream flushed after 1,000 records and cut there: its text parses.
	var cut bytes.Buffer
	w := gzip.NewWriter(&cut)
	lines := strings.SplitAfter(nd.String(), "\n")
	w.Write([]byte(strings.Join(lines[:1000], "")))
	w.Flush()
	flushed := cut.Len()
	w.Write([]byte(strings.Join(lines[1000:], "")))
	w.Close()
	badCRC := bytes.Clone(whole)
	badCRC[len(badCRC)-8] ^= 0xff
	tests := []struct {
		name  string
		input []byte
		want  string
	}{
		{"NUL between records", []byte("{\"elementId\":\"a\"}\n\x00\n{\"elementId\":\"b\"}\n"), `x:2:1: unexpected '\x00', expected an element object`},
		{"NUL after an array", []byte("[{\"elementId\":\"a\"}]\x00[]"), `x:1:20: unexpected data after the array`},
		{"NUL first", []byte("\x00{\"elementId\":\"a\"}"), `x:1:1: unexpected '\x00', expected a JSON array, a BIMFACE envelope or elements one per line`},
		{"gzip cut after a flush", cut.Bytes()[:flushed], "x:1001:1: unexpected EOF"},
		{"gzip without its trailer", whole[:len(whole)-8], "x:2001:1: unexpected EOF"},
		{"gzip with a bad checksum", badCRC, "x:2001:1: gzip: invalid checksum"},
		{"garbage after gzip", append(bytes.Clone(whole), "garbage after the stream\n"...), "x:2001:1: gzip: invalid header"},
		{"two elementIds", []byte(`{"elementId":"a","name":"n","elementId":"b"}`), `x:1:41: a second elementId in one element`},
		{"empty elementId", []byte(`{"elementId":""}`), `x:1:14: empty elementId`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ix, err := eval.LoadIndex(bytes.NewReader(tc.input), "x", dsl.SelectElements)
			require.EqualError(t, err, tc.want)
			require.Nil(t, ix)
		})
	}

	// A byte order mark is not damage.
	ix, err := eval.LoadIndex(strings.NewReader("\ufeff"+strings.Join(lines[:3], "")), "x", dsl.SelectElements)
	require.NoError(t, err)
	require.Equal(t, 3, ix.Len())
	ix, err = eval.LoadIndex(bytes.NewReader(gz("\ufeff[{\"elementId\":\"a\"}]")), "x", dsl.SelectElements)
	require.NoError(t, err)
	require.Equal(t, 1, ix.Len())
}

func TestManifestErrorPositions(t *testing.T) {
	tests := []struct {
		name, manifest, want string
	}{
		{"truncated", "{\n  \"version\": 1,\n  \"targets\": [", "manifest.json:3:15: unexpected EOF"},
		{"unknown member", "{\n  \"version\": 1,\n  \"extra\": true,\n  \"targets\": []\n}", `manifest.json:3:3: unknown field "extra"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := eval.OpenFS(fstest.MapFS{"manifest.json": {Data: []byte(tc.manifest)}})
			require.EqualError(t, err, tc.want)
		})
	}
}
