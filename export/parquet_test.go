package export

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/parquet-go/parquet-go"
	"github.com/stretchr/testify/require"
)

// writeParquet writes rows with export's Parquet writer, in batches of
// batch rows, a row group ended after each index of ends, and reads them
// back with parquet-go's reader.
func writeParquet[T any](t testing.TB, rows []T, groupRows, batch int, ends []int, sortedBy string) (name string, got []T) {
	t.Helper()
	name = filepath.Join(t.TempDir(), "part.parquet")
	w, err := createRows[T](name, Parquet, sortedBy, groupRows, newShared(2), nil, nil)
	require.NoError(t, err)
	for start := 0; start < len(rows); {
		end := min(start+batch, len(rows))
		for _, e := range ends {
			if e > start && e < end {
				end = e
			}
		}
		n, err := w.Write(rows[start:end])
		require.NoError(t, err)
		require.Equal(t, end-start, n)
		for _, e := range ends {
			if e == end {
				require.NoError(t, w.EndGroup())
			}
		}
		start = end
	}
	require.NoError(t, w.Close())
	got, err = parquet.ReadFile[T](name)
	require.NoError(t, err)
	return name, got
}

func ptr[T any](v T) *T { return &v }

// TestParquetRoundTrip writes rows of both tables with export's writer
// and reads them back with parquet-go's reader: the same rows.
func TestParquetRoundTrip(t *testing.T) {
	long := strings.Repeat("长", 1<<20) // 3 MB: more than a page and a dictionary
	distinct := func(n, size int) []Property {
		rows := make([]Property, n)
		for i := range rows {
			s := strings.Repeat(string(rune('a'+i%26)), size) + strings.Repeat("x", i)
			rows[i] = Property{TargetType: "file", Kind: "element", ID: s, Key: s, Group: &s, ValueText: &s, Unit: &s}
		}
		return rows
	}
	tests := []struct {
		name      string
		elements  []Element
		props     []Property
		groupRows int
		ends      []int
	}{
		{name: "no rows"},
		{name: "one row", elements: []Element{{TargetType: "file", Kind: "element", Seq: 7, ID: "1.2", FileID: "1", RecordID: "2", Name: ptr("墙"), MinX: ptr(1.5)}},
			props: []Property{{TargetType: "file", Kind: "element", ID: "1.2", Pos: 3, Key: "k", ValueKind: ptr("number"), ValueText: ptr("3.0"), ValueNum: ptr(3.0)}}},
		{name: "NULLs and empty strings",
			elements: []Element{{}, {Name: ptr(""), GUID: ptr("")}, {}},
			props:    []Property{{}, {Group: ptr(""), ValueKind: ptr(""), ValueText: ptr(""), Unit: ptr(""), ValueType: ptr("")}, {}}},
		{name: "NaN and infinities",
			elements: []Element{{MinX: ptr(math.NaN()), MaxX: ptr(math.Inf(1)), MinY: ptr(math.Inf(-1)), MaxY: ptr(math.Copysign(0, -1)), MinZ: ptr(math.MaxFloat64), MaxZ: ptr(math.SmallestNonzeroFloat64)}},
			props: []Property{{ValueNum: ptr(math.Inf(1))}, {ValueNum: ptr(math.NaN())}, {ValueNum: ptr(math.Inf(-1))}, {ValueNum: ptr(0.0)},
				{ValueBool: ptr(true)}, {ValueBool: ptr(false)}}},
		{name: "long strings and non-ASCII text",
			elements: []Element{{ID: long, Name: &long, GUID: &long, FileID: "😀\u0000é"}, {ID: "x", Name: ptr("Ω"), Seq: math.MinInt64}, {Seq: math.MaxInt64}},
			props:    []Property{{ID: long, Key: "键", ValueText: &long, Group: &long, Pos: math.MaxInt32}, {Key: "a", Pos: math.MinInt32}}},
		{name: "row groups of one row", groupRows: 1,
			elements: []Element{{Seq: 1, Name: ptr("a")}, {Seq: 2}, {Seq: 3, Name: ptr("b")}},
			props:    []Property{{Key: "a"}, {Key: "b", ValueBool: ptr(true)}, {Key: "c"}}},
		{name: "row groups ended by the caller", ends: []int{1, 2, 5},
			elements: []Element{{Seq: 1}, {Seq: 2}, {Seq: 3}, {Seq: 4}, {Seq: 5}, {Seq: 6}},
			props:    []Property{{Key: "a"}, {Key: "a"}, {Key: "b"}, {Key: "b"}, {Key: "b"}, {Key: "c"}}},
		{name: "dictionary over 1 MB", props: distinct(3000, 600)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			groupRows := tc.groupRows
			if groupRows == 0 {
				groupRows = DefaultRowGroupRows
			}
			_, els := writeParquet(t, tc.elements, groupRows, 2, tc.ends, "")
			if diff := cmp.Diff(tc.elements, els, cmpopts.EquateNaNs(), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("elements (-want +got):\n%s", diff)
			}
			_, props := writeParquet(t, tc.props, groupRows, 1000, tc.ends, "key")
			if diff := cmp.Diff(tc.props, props, cmpopts.EquateNaNs(), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("properties (-want +got):\n%s", diff)
			}
		})
	}
}

// TestParquetDictionaryFallback checks that a column chunk whose
// dictionary outgrows 1 MB goes on PLAIN: the chunk has both encodings,
// and its dictionary page holds at most 1 MB.
func TestParquetDictionaryFallback(t *testing.T) {
	rows := make([]Property, 4000)
	for i := range rows {
		rows[i].Key = strings.Repeat("k", 500) + string(rune(0x4e00+i))
	}
	name, got := writeParquet(t, rows, DefaultRowGroupRows, 4000, nil, "key")
	require.Equal(t, rows, got)
	f, err := os.Open(name)
	require.NoError(t, err)
	defer f.Close()
	fi, err := f.Stat()
	require.NoError(t, err)
	pf, err := parquet.OpenFile(f, fi.Size())
	require.NoError(t, err)
	cc := pf.Metadata().RowGroups[0].Columns[5].MetaData
	require.Equal(t, []string{"key"}, []string(cc.PathInSchema))
	var encs []string
	for _, e := range cc.Encoding {
		encs = append(encs, e.String())
	}
	require.Equal(t, []string{"PLAIN", "RLE_DICTIONARY"}, encs)
	require.Less(t, cc.DataPageOffset-cc.DictionaryPageOffset, int64(1<<20))
}

// FuzzParquetRows writes random rows of both tables, in random row
// groups, and reads them back with parquet-go: the same rows.
func FuzzParquetRows(f *testing.F) {
	f.Add(uint64(1), uint16(10), uint8(3))
	f.Add(uint64(2), uint16(300), uint8(1))
	f.Add(uint64(3), uint16(0), uint8(7))
	f.Add(uint64(4), uint16(1000), uint8(200))
	f.Fuzz(func(t *testing.T, seed uint64, n uint16, groupRows uint8) {
		rng := rand.New(rand.NewPCG(seed, seed>>32))
		n %= 2000
		str := func() string {
			b := make([]byte, rng.IntN(4)*rng.IntN(20))
			for i := range b {
				b[i] = "ab\x00\xff键"[rng.IntN(7)]
			}
			return string(b)
		}
		optStr := func() *string {
			if rng.IntN(3) == 0 {
				return nil
			}
			s := str()
			return &s
		}
		num := func() *float64 {
			switch rng.IntN(6) {
			case 0:
				return nil
			case 1:
				return ptr([]float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1)}[rng.IntN(5)])
			}
			return ptr(rng.NormFloat64() * 1e6)
		}
		els := make([]Element, n)
		for i := range els {
			els[i] = Element{TargetType: str(), Kind: str(), Seq: int64(rng.Uint64()), ID: str(), FileID: str(), RecordID: str(),
				Name: optStr(), CategoryName: optStr(), CategoryID: optStr(), Floor: optStr(), Family: optStr(), FamilyType: optStr(),
				Specialty: optStr(), SystemType: optStr(), GUID: optStr(),
				MinX: num(), MinY: num(), MinZ: num(), MaxX: num(), MaxY: num(), MaxZ: num()}
		}
		props := make([]Property, n)
		for i := range props {
			props[i] = Property{TargetType: str(), Kind: str(), ID: str(), Pos: int32(rng.Uint32()), Group: optStr(), Key: str(),
				ValueKind: optStr(), ValueText: optStr(), ValueNum: num(), Unit: optStr(), ValueType: optStr()}
			if rng.IntN(2) == 0 {
				props[i].ValueBool = ptr(rng.IntN(2) == 0)
			}
		}
		var ends []int
		for range rng.IntN(4) {
			ends = append(ends, rng.IntN(int(n)+1))
		}
		rows := int(groupRows)%50 + 1
		_, gotEls := writeParquet(t, els, rows, rng.IntN(100)+1, ends, "")
		if diff := cmp.Diff(els, gotEls, cmpopts.EquateNaNs(), cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("elements (-want +got):\n%s", diff)
		}
		_, gotProps := writeParquet(t, props, rows, rng.IntN(100)+1, ends, "key")
		if diff := cmp.Diff(props, gotProps, cmpopts.EquateNaNs(), cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("properties (-want +got):\n%s", diff)
		}
	})
}
