// Package parquet writes Parquet files of flat schemas: the two tables of
// package export, and no more. It is written from the format's
// specification (apache/parquet-format: parquet.thrift for the metadata,
// Encodings.md for the encodings), so that bfquery does not link a
// general Parquet library, whose dependencies (protobuf, compressors,
// geometry…) every start of the process would initialise.
//
// A schema's columns are strings (BYTE_ARRAY, logical type STRING),
// INT64, INT32 (logical INTEGER), DOUBLE or BOOLEAN, required or optional
// (definition levels of one bit, RLE/bit-packing hybrid). Values are
// PLAIN, dictionary-encoded (PLAIN dictionary page, RLE_DICTIONARY data
// pages, PLAIN for the rest of a row group once the dictionary outgrows
// its limit), DELTA_BINARY_PACKED (integers), DELTA_BYTE_ARRAY or
// DELTA_LENGTH_BYTE_ARRAY (strings), or BYTE_STREAM_SPLIT (doubles).
// Pages are data pages v2, their values compressed by the column's
// Compressor (kept as they are when that makes them no smaller), with a
// CRC. Each column chunk has statistics: min and max, NULL count, NaN
// count for doubles. There are no page indexes, bloom filters or
// key-value metadata; the thrift compact protocol encoder writes only the
// structures and fields above.
//
// Errors (a NULL in a required column, a value of the wrong type, a
// failing io.Writer or compressor) are returned by the Writer's EndRow,
// EndGroup and Close, and every call after; nothing panics on bad values.
package parquet
