// Package plan answers queries in bfquery's whole language on BIMFACE,
// whose DSL has only match, contain, in, boolAnd and boolOr. Because the
// query endpoints return sets of IDs and /query/propertyValues lists the
// distinct values of a key, every query has an exact answer from a small
// plan of DSL requests and set operations:
//
//   - A range (<, <=, >, >=, BETWEEN), IS NOT NULL and a LIKE pattern
//     become an in over the key's values that pass the test, fetched with
//     one propertyValues request for all the keys that need it, and
//     filtered here. A value list that is long is split into several in
//     clauses of one request.
//   - NOT becomes a set difference: A AND NOT B is ids(A) − ids(A AND B),
//     and a NOT with nothing to narrow it is taken from all the IDs of the
//     target.
//   - The documented parts of an AND or an OR go into one request.
//   - A LIKE value that match cannot tell apart from another value of the
//     same number (3000 and 3000.0 are equal to match, but LIKE '%.0'
//     takes only one) is checked on the records themselves: their
//     properties are read and filtered by the local engine.
//
// A statement with a SELECT list (columns, aggregates, GROUP BY, HAVING,
// ORDER BY, LIMIT, DISTINCT) has no form in BIMFACE's API, whose queries
// answer with IDs: its filter is planned as above (a statement without
// WHERE lists every ID of its targets), then the records found are read
// with the element endpoints, 1,000 IDs a request and several requests at
// once (rooms and areas from their listing), indexed, and the table is
// computed here by package eval, with the local engine's code (Table).
// Without ORDER BY, rows come in the order BIMFACE sends records, and a
// key's unit is that of the records read.
//
// A query that only uses documented clauses is one request, sent as it is.
// Build makes a plan, String shows it (what EXPLAIN prints) and Run
// executes it, running independent requests concurrently. The results are
// those the local engine (package eval) gives on the same data.
package plan
