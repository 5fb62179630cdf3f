package parquet

import (
	"fmt"
	"reflect"
	"strings"
)

// Type is a column's type: its Parquet physical type and, for strings and
// integers, its logical type.
type Type int

// The types of columns.
const (
	Boolean Type = iota + 1
	Int32        // INT32, logical INTEGER(32, signed)
	Int64        // INT64, logical INTEGER(64, signed)
	Double
	String // BYTE_ARRAY, logical STRING (converted type UTF8)
)

func (t Type) String() string {
	switch t {
	case Boolean:
		return "BOOLEAN"
	case Int32:
		return "INT32"
	case Int64:
		return "INT64"
	case Double:
		return "DOUBLE"
	case String:
		return "STRING"
	}
	return fmt.Sprintf("Type(%d)", int(t))
}

func (t Type) physical() int32 {
	switch t {
	case Boolean:
		return physBoolean
	case Int32:
		return physInt32
	case Int64:
		return physInt64
	case Double:
		return physDouble
	}
	return physByteArray
}

// Encoding is how a column's values are encoded in its data pages.
type Encoding int

// The encodings of columns.
const (
	// Plain is PLAIN.
	Plain Encoding = iota
	// Dictionary is a dictionary page (PLAIN) and RLE_DICTIONARY data
	// pages, falling back to PLAIN for the rest of a column chunk once
	// the dictionary outgrows Options.DictionaryMaxBytes.
	Dictionary
	// Delta is DELTA_BINARY_PACKED for integers, DELTA_BYTE_ARRAY for
	// strings.
	Delta
	// DeltaLength is DELTA_LENGTH_BYTE_ARRAY, for strings.
	DeltaLength
	// ByteStreamSplit is BYTE_STREAM_SPLIT, for doubles.
	ByteStreamSplit
)

// Compressor compresses the values of pages. Codec is Parquet's code of
// its compression codec (6 for ZSTD).
type Compressor interface {
	Codec() int32
	Compress(dst, src []byte) ([]byte, error)
}

// Field is a column of a flat schema.
type Field struct {
	Name     string
	Type     Type
	Optional bool
	Encoding Encoding
	// Compressor compresses the column's pages; nil leaves them
	// uncompressed.
	Compressor Compressor
}

// Schema is a flat schema: a root named Name, and its columns.
type Schema struct {
	Name    string
	Columns []Field
}

// SchemaOf reads the schema of a struct type from its fields' parquet
// tags, as parquet-go reads them: `parquet:"name,optional,dict"` (or
// delta, split); string, int32, int64, float64 and bool fields, a pointer
// for an optional column. The root is named after the type.
func SchemaOf(t reflect.Type) (*Schema, error) {
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("parquet: schema of %s: not a struct", t)
	}
	s := &Schema{Name: t.Name()}
	for i := range t.NumField() {
		sf := t.Field(i)
		tag, ok := sf.Tag.Lookup("parquet")
		if !ok || tag == "-" {
			continue
		}
		parts := strings.Split(tag, ",")
		f := Field{Name: parts[0]}
		if f.Name == "" {
			f.Name = sf.Name
		}
		ft := sf.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch ft.Kind() {
		case reflect.String:
			f.Type = String
		case reflect.Int32:
			f.Type = Int32
		case reflect.Int64:
			f.Type = Int64
		case reflect.Float64:
			f.Type = Double
		case reflect.Bool:
			f.Type = Boolean
		default:
			return nil, fmt.Errorf("parquet: schema of %s: field %s: type %s not supported", t, sf.Name, sf.Type)
		}
		for _, p := range parts[1:] {
			switch p {
			case "optional":
				f.Optional = true
			case "dict":
				f.Encoding = Dictionary
			case "delta":
				f.Encoding = Delta
			case "split":
				f.Encoding = ByteStreamSplit
			default:
				return nil, fmt.Errorf("parquet: schema of %s: field %s: tag option %q not supported", t, sf.Name, p)
			}
		}
		if f.Optional != (sf.Type.Kind() == reflect.Pointer) {
			return nil, fmt.Errorf("parquet: schema of %s: field %s: optional columns are pointers, required ones are not", t, sf.Name)
		}
		s.Columns = append(s.Columns, f)
	}
	return s, s.check()
}

// check reports a schema the writer cannot write.
func (s *Schema) check() error {
	if len(s.Columns) == 0 {
		return fmt.Errorf("parquet: schema %s has no column", s.Name)
	}
	seen := map[string]bool{}
	for _, f := range s.Columns {
		if f.Name == "" {
			return fmt.Errorf("parquet: schema %s: a column has no name", s.Name)
		}
		if seen[f.Name] {
			return fmt.Errorf("parquet: schema %s: two columns named %q", s.Name, f.Name)
		}
		seen[f.Name] = true
		ok := false
		switch f.Encoding {
		case Plain:
			ok = f.Type >= Boolean && f.Type <= String
		case Dictionary:
			ok = f.Type == String || f.Type == Int32 || f.Type == Int64
		case Delta:
			ok = f.Type == String || f.Type == Int32 || f.Type == Int64
		case DeltaLength:
			ok = f.Type == String
		case ByteStreamSplit:
			ok = f.Type == Double
		}
		if !ok {
			return fmt.Errorf("parquet: schema %s: column %q: encoding %s not supported for %s", s.Name, f.Name, f.Encoding, f.Type)
		}
	}
	return nil
}

func (e Encoding) String() string {
	switch e {
	case Plain:
		return "PLAIN"
	case Dictionary:
		return "RLE_DICTIONARY"
	case Delta:
		return "DELTA"
	case DeltaLength:
		return "DELTA_LENGTH_BYTE_ARRAY"
	case ByteStreamSplit:
		return "BYTE_STREAM_SPLIT"
	}
	return fmt.Sprintf("Encoding(%d)", int(e))
}
