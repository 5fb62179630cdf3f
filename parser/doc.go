// Package parser reads the query language analysts type and compiles it to
// the typed DSL of package dsl; Format is the way back.
//
// The grammar, in brief (keywords in any case):
//
//	statement  = ["EXPLAIN"] "SELECT" ["DISTINCT"] item { "," item } "FROM" target
//	             ["WHERE" or] ["GROUP" "BY" column { "," column }] ["HAVING" or]
//	             ["ORDER" "BY" column ["ASC" | "DESC"] { "," … }]
//	             ["LIMIT" integer ["OFFSET" integer]] [";"] .
//	item       = column ["AS" name] .
//	column     = field | func "(" ( "*" | ["DISTINCT"] field ) ")" .   func: COUNT SUM AVG MIN MAX
//	target     = [records "OF"] ("FILE" | "INTEGRATION") id { "," id } .   id: integer or string
//	records    = "elements" | "rooms" | "areas" .   in any case, singular too
//	or         = and { "OR" and } .
//	and        = not { "AND" not } .                     AND binds tighter than OR
//	not        = "NOT" not | "(" or ")" | predicate .
//	predicate  = field ( op value | "IS" ["NOT"] "NULL"
//	           | ["NOT"] ( "IN" "(" value { "," value } ")" | "LIKE" string | "ILIKE" string
//	                     | "REGEXP" string | "CONTAINS" value | "BETWEEN" value "AND" value ) ) .
//	op         = "=" | "==" | "!=" | "<>" | "<" | "<=" | ">" | ">=" | "~" .   ~ is REGEXP
//	field      = identifier | `any text` .    identifiers may be Unicode and dotted: 楼层, boundingBox.min.x
//	value      = string | number | "TRUE" | "FALSE" .
//
// Strings take single or double quotes and backslash escapes (\n \t \\ \'
// \" \uXXXX); \% and \_ are kept for LIKE. Numbers follow JSON and keep
// their literal. Comments run from -- to the end of the line, or between
// /* and */.
//
// In the SELECT list a bare elementId, roomId or areaId (singular or
// plural) is the records' ID column and says what the statement selects
// (elements when there is none), targetId is the target's; in backticks
// they are keys. A statement without an ID column says which records it
// reads in FROM: SELECT floor, COUNT(*) FROM rooms OF file 1 GROUP BY
// floor counts rooms (an ID column, if there is one, must agree). A SELECT of one ID column with a WHERE and nothing else
// compiles to the plain statement of IDs; everything else makes a
// dsl.Statement with a SELECT list, checked by Statement.Check. In HAVING
// the left side of a condition names a column of the SELECT list (by its
// expression, COUNT(*) > 2, or its alias) or a grouped key; in ORDER BY a
// name may be an alias.
//
// = compiles to match, CONTAINS and LIKE '%text%' to contain, IN to in,
// AND and OR to boolAnd and boolOr. The rest of the language (NOT, !=, <,
// >, BETWEEN, IS NULL, other LIKE patterns, ILIKE, REGEXP) has no clause
// in BIMFACE's DSL: CompileDSL rejects it with an error that points at it,
// as it does a statement without WHERE.
//
// Every error is a *dsl.Error with the line and column of the offending
// character (columns count characters, not bytes) and renders the line
// with a caret under it:
//
//	1:44: expected a value after "=", found "AND"
//	  SELECT elementId FROM file 1 WHERE floor = AND family = 'x'
//	                                             ^
//
// The parser is written by hand, recursive descent over the tokens, from
// the grammar that the syntax tree's struct tags spell (ast.go); its tests
// build participle's parser from the same tags and check that the two read
// every text alike. Written by hand, it costs a one-shot process nothing
// at start, where building the grammar by reflection took milliseconds.
package parser
