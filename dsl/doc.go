// Package dsl is the typed model of BIMFACE's element-query DSL, the JSON
// body of /data/v2/query/elementIds, roomIds and areaIds:
//
//	{"targetType":"file","targetIds":["1124890692330272"],"query":{"match":{"floor":"F11"}}}
//
// A query is built from five clauses, nested to any depth: match (exact
// value), contain (substring), in (any of several values), boolAnd and
// boolOr. A JSON query object may also mix several clauses and several keys
// per clause; such an object means the AND of all of them and is modelled
// by ObjectQuery so that it marshals back to the same shape.
//
// Requests and queries are immutable values. Every builder call returns a
// new value, so a base request can be branched freely:
//
//	base := dsl.File("1124890692330272").Where(dsl.Match(dsl.Floor, "F11"))
//	walls := base.Where(dsl.Contain(dsl.CategoryName, "墙"))
//	doors := base.Where(dsl.Contain(dsl.CategoryName, "门"))
//
// Validation is deferred to Validate and MarshalJSON, which report the
// first problem with the JSON path where it sits. Unmarshal reads every
// documented form back, keeping number literals exactly as written.
// Normalize and Equivalent compare two queries by meaning rather than by
// shape, for tests that check generated DSL.
//
// The package imports nothing else of bfquery's; parser, eval and bimface
// all build on it. Error is the one positioned error type they share.
package dsl
