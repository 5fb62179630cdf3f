// Package export writes the records of bfquery caches as two tables, in
// Parquet, CSV or NDJSON, for the engines that data platforms run (DuckDB,
// Spark, Trino, ClickHouse) and for pandas, Excel or Power BI. Package
// sqlgen compiles queries to SQL over them.
//
// # Layout
//
// A dataset directory holds one hive-style partition per target in each
// table, so that a portfolio of caches is one path:
//
//	DIR/elements/target_id=1124890692330272/part-00000.parquet
//	DIR/properties/target_id=1124890692330272/part-00000.parquet
//	DIR/properties/target_id=1124890692330272/part-00001.parquet …
//
// target_id is in the path only, not in the files (Spark refuses a column
// that is both). Exporting a target again replaces its partitions; a
// file and an integration of the same ID cannot share a dataset. A
// partition appears once the whole cache has been read and checked, as
// eval.Open checks it, so a damaged cache writes nothing.
//
// # elements: one row per record
//
//	target_type   string   file or integration
//	kind          string   element, room or area
//	seq           int64    position in the target's records of that kind (the engine's order)
//	id            string   the printed ID (fileId.elementId in an integration)
//	file_id       string   the file the record belongs to
//	record_id     string   elementId (id for rooms and areas) as written
//	name, category_name, category_id, floor, family, family_type,
//	specialty, system_type, guid
//	              string   the first candidate of name, categoryName, categoryId, floor,
//	                       family, familyType, specialty, systemType, guid: a top-level
//	                       field before a property item; NULL when none
//	min_x … max_z double   boundingBox.min.x … (bboxMin.x … for rooms and areas), NULL when absent
//
// # properties: one row per candidate value
//
//	target_type, kind, id  as in elements: id joins the two
//	pos           int32    the row's position among the record's rows: its top-level
//	                       scalars, then its property items, each in document order
//	group_name    string   the item's group; NULL for a top-level field
//	key           string   the item's key, or the field's dotted path (boundingBox.min.x)
//	value_kind    string   string, number or boolean; NULL for an item whose value is
//	                       missing, null, an object or an array (no candidate)
//	value_text    string   a string itself, a number's literal as written (3000.0), true or false
//	value_num     double   numbers, and strings that follow JSON's number grammar exactly
//	                       ("30.0", "1e3"; not " 30" or "030"), as the engine reads them
//	value_bool    boolean  booleans
//	unit          string   the item's unit, NULL when absent
//	value_type    string   the item's valueType as written, NULL when absent
//
// The top-level scalars of a record (elementId, name, guid, the bounding
// box, each scalar of a top-level array…) are rows too, so that a key's
// candidates are exactly the engine's: the rows of that key with a
// value_kind. Items without a key are left out; items whose key is empty
// are kept (no query can name them). A record's value of a key, which
// columns, groups and aggregates show, is its first candidate: the row of
// that key with a value_kind and the least pos.
//
// Rows of properties are sorted by key, in runs of Options.RunRows rows
// (a run is one file), so that a reader skips the row groups of other keys
// by their statistics; the rows of a key keep record order. A key's rows
// start a new row group when they would not fit in what is left of the
// current one, so that a key spans as few row groups as its rows need.
//
// # Parquet
//
// Written by internal/parquet, a writer of flat schemas written from
// the format's specification, so that bfquery does not link a general
// Parquet library (and the initialisation of its dependencies at every
// start of the process): data pages v2; zstd (at its better level for
// texts; at its default level for IDs and doubles, which the better level
// made no smaller); dictionary encoding of the columns with few distinct
// values (kinds, keys, groups, units, pos, the standard keys; not
// value_text or guid, whose values are mostly distinct and are
// DELTA_LENGTH_BYTE_ARRAY), falling back to PLAIN for the rest of a row
// group once a dictionary passes 1 MB; DELTA_BYTE_ARRAY for IDs,
// DELTA_BINARY_PACKED for seq, BYTE_STREAM_SPLIT for value_num; pages of
// 1 MB before compression; row groups of at most DefaultRowGroupRows
// rows. Each column chunk has statistics (min, max, NULL count, and NaN
// count for doubles), which readers use to skip row groups, and the
// properties files declare that they are sorted by key. There are no page
// indexes: with pages of 1 MB a column chunk has one to a few pages (the
// key column, dictionary-encoded, one per row group), so a page index
// would skip little that the row groups' statistics do not; nor
// statistics in data page headers.
//
// Records are read on one goroutine, which puts each properties row in
// its key's bucket of the current run (its ID and text copied into the
// bucket's chunks of bytes); the elements file is written on another
// goroutine, and each run of properties on one of its own, as many at
// once as there are processors (a run is written key after key, encoded
// and compressed by the goroutine that writes it), while the next records
// are read. Runs hold their rows without pointers and are reused once
// written; zstd's encoders are kept for the whole export.
//
// CSV has a header and cannot tell NULL from an empty string; NDJSON
// writes NULL as null.
package export
