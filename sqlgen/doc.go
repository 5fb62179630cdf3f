// Package sqlgen compiles a query of bfquery's language (a dsl.Statement,
// as parser.Compile returns it) to SQL over the two tables that package
// export writes, for DuckDB, Spark SQL or Trino, with exactly the local
// engine's semantics (package eval's documentation).
//
// # The tables
//
// elements has a row per record (kind element, room or area) with its
// target_id (the partition), target_type, seq (its position, the engine's
// order), id (the printed ID) and the standard keys as columns.
// properties has a row per candidate value: per property item, and per
// top-level scalar of the record (group_name NULL, key its dotted path:
// elementId, name, boundingBox.min.x…), with value_kind (string, number,
// boolean; NULL for an item without a value), value_text (a number's
// literal as written), value_num (numbers and numeric strings) and
// value_bool. So a key's candidates are the properties rows of that key
// whose value_kind is not NULL: the same set as the engine's.
//
// # The translation
//
// A statement on targets T1…Tn becomes, per target, a SELECT of the
// elements rows of that target and kind, in seq order, joined by UNION ALL
// and ordered by target then seq; the rows are (target_id, id). A clause
// on key F is "some candidate of F satisfies c", a semi-join:
//
//	id IN (SELECT id FROM properties
//	       WHERE target_id = T AND kind = K AND key = F AND c)
//
// where c is
//
//   - F = 'text': (value_kind = 'string' AND value_text = 'text'), or also
//     a number equal to it when the text is a JSON number
//     (value_kind = 'number' AND value_num = x), or also a boolean when it
//     is true or false: strings compare byte for byte, a numeric string
//     equals numbers only;
//   - F = number: value_num = x, which holds for numbers and numeric
//     strings alike; x is written in scientific notation, a DOUBLE literal
//     in every dialect, and ±Inf as CAST('Infinity' AS DOUBLE) (infinity()
//     in Trino);
//   - F = true: value_kind IN ('boolean', 'string') AND value_text = 'true';
//   - F IN (…): the OR of those, in one semi-join;
//   - F CONTAINS 't': strpos(value_text, 't') > 0 (instr in Spark): the
//     literal text, a number's as written; an empty t is IS NOT NULL;
//   - F < x (<=, >, >=): value_num < x; BETWEEN a AND b puts both bounds in
//     one semi-join, so that one candidate holds both;
//   - F LIKE p: value_text LIKE p' ESCAPE '\', where p' has the same % and
//     _ and every literal %, _ or backslash escaped (a trailing lone
//     backslash is a literal one, as in the language);
//   - F IS NOT NULL: value_kind IS NOT NULL; IS NULL is its NOT.
//
// AND, OR and NOT are SQL's. NOT stays two-valued, and so matches records
// without F as the engine does, because every clause is an IN over
// non-NULL IDs: never NULL. String literals double their quotes; Spark,
// which reads backslash escapes in literals, gets them escaped instead.
// Text with a NUL character, or that is not UTF-8, is refused.
//
// Differences that remain: a target the dataset does not hold gives no
// rows, where the engine reports an error; and SQL engines read text as
// UTF-8, where the engine compares bytes.
//
// Only the DuckDB dialect is checked here, by the differential test of the
// module in integration/duckdb (random queries and hand-picked hard values
// run by both). Spark and Trino differ from it only in literals and
// function names, as above, but have not been run.
//
// # The tables in each engine
//
// Views writes the statements that define the two tables over a dataset
// directory for DuckDB (read_parquet with hive_partitioning, target_id as
// VARCHAR) and Spark (temporary views, partition type inference off so
// that target_id stays a string). Trino reads tables through a catalog:
// with the Hive connector, create external tables over DIR/elements and
// DIR/properties partitioned by target_id (varchar), register their
// partitions (system.sync_partition_metadata), and pass their names with
// Options.Elements and Options.Properties; this has not been tried here.//
// ILIKE and REGEXP, which the engine also evaluates, are refused where
// SQL cannot say them exactly (ErrUntranslatable): ILIKE folds case as
// Unicode's simple case folding does, which no dialect promises, and
// REGEXP is RE2's syntax, which DuckDB reads (regexp_matches, a search
// anywhere in the text, as Go's) but Spark and Trino, with Java's
// expressions, do not.
package sqlgen
