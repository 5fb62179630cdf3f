// Package parser reads the query language analysts type and compiles it to
// the typed DSL of package dsl; Format is the way back.
//
// The grammar, in brief (keywords in any case):
//
//	statement  = "SELECT" selection "FROM" target "WHERE" or [";"] .
//	selection  = "elementId" | "roomId" | "areaId"      (or their plurals)
//	target     = ("FILE" | "INTEGRATION") id { "," id } .   id: integer or string
//	or         = and { "OR" and } .
//	and        = not { "AND" not } .                     AND binds tighter than OR
//	not        = "NOT" not | "(" or ")" | predicate .
//	predicate  = field ( op value | "IS" ["NOT"] "NULL"
//	           | ["NOT"] ( "IN" "(" value { "," value } ")" | "LIKE" string
//	                     | "CONTAINS" value | "BETWEEN" value "AND" value ) ) .
//	op         = "=" | "==" | "!=" | "<>" | "<" | "<=" | ">" | ">=" .
//	field      = identifier | `any text` .    identifiers may be Unicode and dotted: 楼层, boundingBox.min.x
//	value      = string | number | "TRUE" | "FALSE" .
//
// Strings take single or double quotes and backslash escapes (\n \t \\ \'
// \" \uXXXX); \% and \_ are kept for LIKE. Numbers follow JSON and keep
// their literal. Comments run from -- to the end of the line, or between
// /* and */.
//
// = compiles to match, CONTAINS and LIKE '%text%' to contain, IN to in,
// AND and OR to boolAnd and boolOr. The rest of the language (NOT, !=, <,
// >, BETWEEN, IS NULL, other LIKE patterns) parses, but BIMFACE's DSL has
// no clause for it, so Compile rejects it with an error that points at it.
//
// Every error is a *dsl.Error with the line and column of the offending
// character (columns count characters, not bytes) and renders the line
// with a caret under it:
//
//	1:44: expected a value after "=", found "AND"
//	  SELECT elementId FROM file 1 WHERE floor = AND family = 'x'
//	                                             ^
package parser
