package export

import (
	"slices"

	"github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/format"
)

// zstdCodec is Parquet's zstd codec at one level, with encoders kept for
// the whole export. parquet-go's own codec keeps its encoders in a sync.Pool, which
// every garbage collection empties: an encoder at the better-compression
// level holds several MB of tables and history, and allocating and
// faulting them in again for page after page cost more CPU than the
// compression itself.
type zstdCodec struct {
	level    zstd.EncoderLevel
	encoders chan *zstd.Encoder
}

// zstdWindow is the encoders' window: a page (pageBytes before
// compression, a little more at times) fits in it, and a smaller window
// than zstd's default 8 MB keeps an encoder's history small.
const zstdWindow = 2 * pageBytes

func newZstdCodec(level zstd.EncoderLevel, encoders int) *zstdCodec {
	return &zstdCodec{level: level, encoders: make(chan *zstd.Encoder, encoders)}
}

// codecs are the zstd codecs of an export: better for most columns, fast
// for those whose values zstd's better level compresses no smaller (IDs,
// which delta encoding has made short, and doubles).
type codecs struct {
	better, fast *zstdCodec
}

func newCodecs(encoders int) codecs {
	return codecs{better: newZstdCodec(zstd.SpeedBetterCompression, encoders), fast: newZstdCodec(zstd.SpeedDefault, encoders)}
}

// fastColumns are the columns compressed at zstd's default level: at the
// better level, their pages of a generated model of 100k elements came
// out the same size (within 1%), at several times the CPU time.
var fastColumns = map[string]bool{
	"seq": true, "id": true, "record_id": true, "value_num": true,
	"min_x": true, "min_y": true, "min_z": true, "max_x": true, "max_y": true, "max_z": true,
}

// schemaOf is the schema of T with the fast codec on fastColumns.
func schemaOf[T any](c codecs) *parquet.Schema {
	s := parquet.SchemaOf(new(T))
	fields := slices.Clone(s.Fields())
	for i, f := range fields {
		if fastColumns[f.Name()] {
			fields[i] = codecField{f, c.fast}
		}
	}
	return parquet.NewSchema(s.Name(), groupNode{s, fields})
}

// groupNode is a group node with other fields.
type groupNode struct {
	parquet.Node
	fields []parquet.Field
}

func (g groupNode) Fields() []parquet.Field { return g.fields }

// codecField is a field compressed with its own codec.
type codecField struct {
	parquet.Field
	codec compress.Codec
}

func (f codecField) Compression() compress.Codec { return f.codec }

func (c *zstdCodec) String() string { return "ZSTD" }

func (c *zstdCodec) CompressionCodec() format.CompressionCodec { return format.Zstd }

func (c *zstdCodec) Encode(dst, src []byte) ([]byte, error) {
	var e *zstd.Encoder
	select {
	case e = <-c.encoders:
	default:
		var err error
		e, err = zstd.NewWriter(nil,
			zstd.WithEncoderLevel(c.level),
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
