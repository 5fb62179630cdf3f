package parquet

import (
	"encoding/binary"
	"math"
	"math/bits"
)

// The encodings of Encodings.md (apache/parquet-format) that the writer
// uses: the RLE/bit-packing hybrid (definition levels, dictionary
// indexes), DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY,
// DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT and PLAIN.

// bitWidth is the number of bits of v (0 for 0).
func bitWidth(v uint64) int { return bits.Len64(v) }

// appendPacked appends vals bit-packed at width w (≤ 64), least
// significant bit first, the last byte padded with zeros.
func appendPacked(dst []byte, vals []uint64, w int) []byte {
	if w == 0 {
		return dst
	}
	var acc uint64 // bits not yet written, n of them (< 8 between values)
	n := 0
	for _, v := range vals {
		if w < 64 {
			v &= 1<<w - 1
		}
		if n+w <= 64 {
			acc |= v << n
			n += w
		} else {
			acc |= v << n
			dst = binary.LittleEndian.AppendUint64(dst, acc)
			acc = v >> (64 - n)
			n = n + w - 64
		}
		for n >= 8 {
			dst = append(dst, byte(acc))
			acc >>= 8
			n -= 8
		}
	}
	if n > 0 {
		dst = append(dst, byte(acc))
	}
	return dst
}

// hybrid is the RLE/bit-packing hybrid encoder at one width (≤ 32). A run
// of 8 or more equal values is an RLE run; other values are bit-packed in
// groups of 8, the last group padded.
type hybrid struct {
	pack []uint64
}

// appendHybrid appends vals RLE/bit-packing hybrid encoded at width w,
// without a length prefix.
func appendHybrid[T uint8 | uint32](h *hybrid, dst []byte, vals []T, w int) []byte {
	valueBytes := (w + 7) / 8
	runAt := func(i int) int {
		j := i + 1
		for j < len(vals) && vals[j] == vals[i] {
			j++
		}
		return j - i
	}
	for i := 0; i < len(vals); {
		if r := runAt(i); r >= 8 {
			dst = binary.AppendUvarint(dst, uint64(r)<<1)
			for b := range valueBytes {
				dst = append(dst, byte(vals[i]>>(8*b)))
			}
			i += r
			continue
		}
		// Bit-packed groups of 8 up to the next run of 8 at a group's
		// start, or the end.
		j := i
		for j < len(vals) {
			if j > i && j+8 <= len(vals) && runAt(j) >= 8 {
				break
			}
			j += 8
		}
		j = min(j, len(vals))
		h.pack = h.pack[:0]
		for _, v := range vals[i:j] {
			h.pack = append(h.pack, uint64(v))
		}
		groups := (j - i + 7) / 8
		for len(h.pack) < groups*8 {
			h.pack = append(h.pack, 0)
		}
		dst = binary.AppendUvarint(dst, uint64(groups)<<1|1)
		dst = appendPacked(dst, h.pack, w)
		i = j
	}
	return dst
}

// Delta blocks: 128 values in 4 miniblocks of 32, the sizes Encodings.md
// shows and other writers use.
const (
	deltaBlock     = 128
	deltaMiniblock = 32
	deltaMinis     = deltaBlock / deltaMiniblock
)

// delta is the DELTA_BINARY_PACKED encoder, with its scratch.
type delta struct {
	deltas [deltaBlock]uint64
	hybrid
}

// appendDelta appends vals DELTA_BINARY_PACKED; width is the physical
// type's, 32 or 64: deltas wrap around at it, as readers expect, and are
// packed in no more bits.
func (d *delta) appendDelta(dst []byte, vals []int64, width int) []byte {
	dst = binary.AppendUvarint(dst, deltaBlock)
	dst = binary.AppendUvarint(dst, deltaMinis)
	dst = binary.AppendUvarint(dst, uint64(len(vals)))
	if len(vals) == 0 {
		return appendZigzag(dst, 0)
	}
	dst = appendZigzag(dst, vals[0])
	for i := 1; i < len(vals); i += deltaBlock {
		block := vals[i:min(i+deltaBlock, len(vals))]
		prev := vals[i-1]
		minDelta := int64(math.MaxInt64)
		ds := d.deltas[:len(block)]
		for k, v := range block {
			dv := v - prev
			if width == 32 {
				dv = int64(int32(v) - int32(prev))
			}
			ds[k] = uint64(dv)
			minDelta = min(minDelta, dv)
			prev = v
		}
		dst = appendZigzag(dst, minDelta)
		var widths [deltaMinis]int
		for k := range ds {
			ds[k] -= uint64(minDelta)
			if width == 32 {
				ds[k] = uint64(uint32(ds[k]))
			}
		}
		minis := (len(ds) + deltaMiniblock - 1) / deltaMiniblock
		for m := range minis {
			var or uint64
			for _, v := range ds[m*deltaMiniblock : min((m+1)*deltaMiniblock, len(ds))] {
				or |= v
			}
			widths[m] = bitWidth(or)
		}
		for m := range deltaMinis {
			dst = append(dst, byte(widths[m]))
		}
		// The last miniblock is padded to full size.
		for k := len(ds); k < minis*deltaMiniblock; k++ {
			d.deltas[k] = 0
		}
		for m := range minis {
			dst = appendPacked(dst, d.deltas[m*deltaMiniblock:(m+1)*deltaMiniblock], widths[m])
		}
	}
	return dst
}

func appendZigzag(dst []byte, v int64) []byte { return binary.AppendUvarint(dst, zigzag(v)) }

// appendByteStreamSplit appends vals BYTE_STREAM_SPLIT: the first bytes
// of all values, then the second bytes…
func appendByteStreamSplit(dst []byte, vals []float64) []byte {
	n := len(vals)
	start := len(dst)
	dst = append(dst, make([]byte, 8*n)...)
	out := dst[start:]
	for i, v := range vals {
		b := math.Float64bits(v)
		for k := range 8 {
			out[k*n+i] = byte(b >> (8 * k))
		}
	}
	return dst
}

// appendPlainBools appends vals PLAIN: one bit each, least significant
// first.
func appendPlainBools(dst []byte, vals []bool) []byte {
	var b byte
	for i, v := range vals {
		if v {
			b |= 1 << (i % 8)
		}
		if i%8 == 7 {
			dst = append(dst, b)
			b = 0
		}
	}
	if len(vals)%8 != 0 {
		dst = append(dst, b)
	}
	return dst
}
