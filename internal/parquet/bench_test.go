package parquet_test

import (
	"io"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/internal/parquet"
)

// BenchmarkWriter writes rows of every type and encoding, uncompressed,
// to measure the writer's own CPU time per row.
func BenchmarkWriter(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	rows := make([]row, 10000)
	keys := []string{"面积", "体积", "标高", "材质", "name"}
	for i := range rows {
		r := &rows[i]
		r.S = strconv.FormatFloat(rng.Float64()*1e4, 'f', 3, 64)
		r.SD = keys[i*len(keys)/len(rows)]
		r.SDelta = strconv.Itoa(300000 + i/3)
		if i%3 != 0 {
			r.OS, r.OSD, r.OSDel, r.OSDL = &r.S, &r.SD, &r.SDelta, &r.S
			f := rng.Float64()
			r.F = &f
			r.OI32 = &r.I32
			r.B = &r.BR
		}
		r.I64, r.I64D, r.I64Dic, r.I32, r.I32P = int64(i), int64(i), int64(i%7), int32(i%30), int32(i)
		r.FP, r.BR = rng.Float64(), i%2 == 0
	}
	b.ReportAllocs()
	w, err := parquet.NewWriter(io.Discard, testSchema(nil), parquet.Options{})
	require.NoError(b, err)
	for b.Loop() {
		require.NoError(b, w.Reset(io.Discard))
		for range 30 {
			for i := range rows {
				putRow(w.Columns(), &rows[i])
				if err := w.EndRow(); err != nil {
					b.Fatal(err)
				}
			}
		}
		require.NoError(b, w.Close())
	}
	b.ReportMetric(float64(30*len(rows)*b.N)/b.Elapsed().Seconds(), "rows/s")
}
