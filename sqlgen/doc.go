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
// # SELECT lists, groups and aggregates
//
// A statement with a SELECT list (package eval's "Columns, groups and
// aggregates") is a chain of common table expressions, each a step of the
// engine's evaluation:
//
//   - r: the records the WHERE matches (all of the targets' records of
//     the kind without one), with o, their order: seq, after the
//     target's place in the request for several targets;
//   - f: per record and key named anywhere in the statement, its first
//     candidate: the properties row of that key with a value_kind and the
//     least pos (row_number over pos), in one scan for all the keys;
//   - j: r LEFT JOIN f once per key, so that a record without the key has
//     NULL, which groups as one value;
//   - w: per MIN or MAX, each record's rank in its group: numeric values
//     (value_num not NULL) first, by number (largest first for MAX), then
//     text by code point (likewise), the
//     earlier record first among equal ones, so that the rank-1 row is the
//     value the engine keeps, kind and text as written;
//   - g: GROUP BY the grouped keys' kind, text and number (30, 30.0 and
//     "30" are three groups, as in the engine) and target_id for GROUP BY
//     targetId; COUNT(*) is count(*), COUNT(F) counts the records with a
//     kind, COUNT(DISTINCT F) counts distinct kind || ':' || text; SUM and
//     AVG add value_num in record order from 0, one value after the other
//     (list_reduce over list(… ORDER BY o) in DuckDB, reduce over
//     array_agg in Trino, aggregate over the sorted collect_list in
//     Spark), because a float sum depends on its order and SQL's sum does
//     not say its order; a sum that is ±Inf or NaN is NULL, as the engine
//     writes none; AVG is that sum over the count of numeric values;
//   - s: every column as a cell of kind, text and number; HAVING tests
//     these cells with the clauses above, each made two-valued with
//     COALESCE(…, FALSE) so that a NULL fails it and NOT is the engine's;
//     a clause on the text of SUM or AVG (CONTAINS, LIKE, REGEXP), which
//     the engine tests on Go's formatting of the number, is refused;
//   - d: for SELECT DISTINCT, GROUP BY the visible cells, each row's order
//     the least of its duplicates', the first one the engine keeps.
//
// The last SELECT orders by each ORDER BY item: class (numeric, text,
// NULL; text before numbers under DESC, NULL last either way), then the
// number, then the text, in the item's direction; then by o, which makes
// the engine's stable sort exact: rows in record order, groups in the
// order of their first record. IDs and target IDs order by number when
// they follow JSON's number grammar, as the engine's do. LIMIT and OFFSET
// follow (OFFSET first in Trino). Values come out as value_text (a
// number's literal as written), COUNT as an integer, SUM and AVG as
// doubles; each column is named by its label (COUNT(*), an alias).
//
// DuckDB 2.0.0 answered wrongly when each key's first candidates were a
// table expression of their own, windowed and joined to r; one scan for
// all the keys, as above, is also one read of properties.
//
// Differences that remain: a target the dataset does not hold gives no
// rows, where the engine reports an error; and SQL engines read text as
// UTF-8, where the engine compares bytes.
//
// Only the DuckDB dialect is checked here, by the differential tests of
// the module in integration/duckdb (random queries and statements with
// SELECT lists, and hand-picked hard values, run by both, rows compared
// in order). Spark and Trino differ from it only in literals and
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
// Options.Elements and Options.Properties; this has not been tried here.
//
// ILIKE and REGEXP, which the engine also evaluates, are refused where
// SQL cannot say them exactly (ErrUntranslatable): ILIKE folds case as
// Unicode's simple case folding does, which no dialect promises, and
// REGEXP is RE2's syntax, which DuckDB reads (regexp_matches, a search
// anywhere in the text, as Go's) but Spark and Trino, with Java's
// expressions, do not.
package sqlgen
