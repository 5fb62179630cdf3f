package export

import (
	"github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go/format"
)

// zstdCodec is Parquet's zstd codec with encoders kept for the whole
// export. parquet-go's own codec keeps its encoders in a sync.Pool, which
// every garbage collection empties: an encoder at the better-compression
// level holds several MB of tables and history, and allocating and
// faulting them in again for page after page cost more CPU than the
// compression itself.
//
// It compresses harder than zstd's default level: IDs, GUIDs and
// coordinates do not compress much, and the files are written once and
// read many times.
type zstdCodec struct {
	encoders chan *zstd.Encoder
}

// zstdWindow is the encoders' window: a page (pageBytes before
// compression, a little more at times) fits in it, and a smaller window
// than zstd's default 8 MB keeps an encoder's history small.
const zstdWindow = 2 * pageBytes

func newZstdCodec(encoders int) *zstdCodec {
	return &zstdCodec{encoders: make(chan *zstd.Encoder, encoders)}
}

func (c *zstdCodec) String() string { return "ZSTD" }

func (c *zstdCodec) CompressionCodec() format.CompressionCodec { return format.Zstd }

func (c *zstdCodec) Encode(dst, src []byte) ([]byte, error) {
	var e *zstd.Encoder
	select {
	case e = <-c.encoders:
	default:
		var err error
		e, err = zstd.NewWriter(nil,
			zstd.WithEncoderLevel(zstd.SpeedBetterCompression),
			zstd.WithEncoderConcurrency(1),
			zstd.WithWindowSize(zstdWindow),
			zstd.WithZeroFrames(true),
			zstd.WithEncoderCRC(false))
		if err != nil {
			return nil, err
		}
	}
	dst = e.EncodeAll(src, dst[:0])
	select {
	case c.encoders <- e:
	default:
	}
	return dst, nil
}

// Decode is not used to write files.
func (c *zstdCodec) Decode(dst, src []byte) ([]byte, error) {
	d, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1))
	if err != nil {
		return nil, err
	}
	defer d.Close()
	return d.DecodeAll(src, dst[:0])
}
