package export

import (
	"fmt"
	"reflect"

	"github.com/klauspost/compress/zstd"

	"github.com/bfquery/bfquery/internal/parquet"
)

// zstdCodec is Parquet's zstd codec at one level, with encoders kept for
// the whole export. A codec that keeps its encoders in a sync.Pool loses
// them at every garbage collection: an encoder at the better-compression
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

// shared is what the files of an export share: the zstd codecs, better
// for most columns, fast for those whose values zstd's better level
// compresses no smaller (IDs, which delta encoding has made short, and
// doubles); and the Parquet writers of each table once their files are
// written, for the next files to reuse the memory their columns have
// grown.
type shared struct {
	better, fast         *zstdCodec
	elements, properties chan *parquet.Writer
}

func newShared(encoders int) shared {
	return shared{
		better:     newZstdCodec(zstd.SpeedBetterCompression, encoders),
		fast:       newZstdCodec(zstd.SpeedDefault, encoders),
		elements:   make(chan *parquet.Writer, encoders),
		properties: make(chan *parquet.Writer, encoders),
	}
}

// writersOf is where the writers of rows like row, an *Element or a
// *Property, are kept.
func (c shared) writersOf(row any) chan *parquet.Writer {
	if _, ok := row.(*Element); ok {
		return c.elements
	}
	return c.properties
}

// fastColumns are the columns compressed at zstd's default level: at the
// better level, their pages of a generated model of 100k elements came
// out the same size (within 1%), at several times the CPU time.
var fastColumns = map[string]bool{
	"seq": true, "id": true, "record_id": true, "value_num": true,
	"min_x": true, "min_y": true, "min_z": true, "max_x": true, "max_y": true, "max_z": true,
}

// schemaOf is the Parquet schema of rows of type T, from its parquet
// tags, with the fast codec on fastColumns and the better one elsewhere.
// Strings without an encoding in their tag (value_text, guid: mostly
// distinct values) are DELTA_LENGTH_BYTE_ARRAY.
func schemaOf[T any](c shared) (*parquet.Schema, error) {
	s, err := parquet.SchemaOf(reflect.TypeFor[T]())
	if err != nil {
		return nil, err
	}
	for i := range s.Columns {
		f := &s.Columns[i]
		f.Compressor = c.better
		if fastColumns[f.Name] {
			f.Compressor = c.fast
		}
		if f.Type == parquet.String && f.Encoding == parquet.Plain {
			f.Encoding = parquet.DeltaLength
		}
	}
	return s, nil
}

// zstdCode is ZSTD's code in parquet.thrift's CompressionCodec.
const zstdCode = 6

// Codec is Parquet's code of zstd.
func (c *zstdCodec) Codec() int32 { return zstdCode }

// Compress appends src compressed to dst[:0].
func (c *zstdCodec) Compress(dst, src []byte) ([]byte, error) {
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
			return nil, fmt.Errorf("zstd: %w", err)
		}
	}
	dst = e.EncodeAll(src, dst[:0])
	select {
	case c.encoders <- e:
	default:
	}
	return dst, nil
}
