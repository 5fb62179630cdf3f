package parser

import "github.com/alecthomas/participle/v2/lexer"

// SelectStatement is the syntax tree of one query text:
//
//	SELECT elementId FROM file 1124890692330272 WHERE floor = 'F01'
//
// Every node carries the position of its first token, so that the compiler
// can point at what it cannot express.
type SelectStatement struct {
	Pos     lexer.Position
	Explain bool         `parser:"@'EXPLAIN'?"`
	Select  *SelectList  `parser:"'SELECT' @@"`
	From    *Target      `parser:"'FROM' @@"`
	Where   *OrExpr      `parser:"('WHERE' @@)?"`
	GroupBy []*Operand   `parser:"('GROUP' 'BY' @@ (',' @@)*)?"`
	Having  *OrExpr      `parser:"('HAVING' @@)?"`
	OrderBy []*OrderItem `parser:"('ORDER' 'BY' @@ (',' @@)*)?"`
	Limit   *Limit       `parser:"@@?"`
	Semi    bool         `parser:"@';'?"`
}

// SelectList is what follows SELECT: [DISTINCT] and the columns.
type SelectList struct {
	Pos      lexer.Position
	Distinct bool          `parser:"@'DISTINCT'?"`
	Items    []*SelectItem `parser:"@@ (',' @@)*"`
}

// SelectItem is one column of the SELECT list, with its alias. Star is
// there to say that SELECT * is not supported, at the star.
type SelectItem struct {
	Pos   lexer.Position
	Star  bool     `parser:"(  @'*'"`
	Expr  *Operand `parser:" | @@ )"`
	Alias *Name    `parser:"('AS' @@)?"`
}

// Operand is a column: a name (elementId, a key, targetId, an alias), a
// key in backticks, or a function call: COUNT(*), SUM(体积).
type Operand struct {
	Pos      lexer.Position
	Ident    *string `parser:"(  @Ident"`
	Call     *Call   `parser:"   @@?"`
	Backtick *string `parser:" | @Backtick )"`
}

// Call is the parenthesized part of an aggregate: (*), (key) or
// (DISTINCT key).
type Call struct {
	Pos      lexer.Position
	Star     bool    `parser:"'(' (  @'*'"`
	Distinct bool    `parser:"     | @'DISTINCT'?"`
	Ident    *string `parser:"       (  @Ident"`
	Backtick *string `parser:"        | @Backtick ) ) ')'"`
}

// OrderItem is one item of ORDER BY.
type OrderItem struct {
	Pos  lexer.Position
	Expr *Operand `parser:"@@"`
	Dir  string   `parser:"@('ASC' | 'DESC')?"`
}

// Limit is LIMIT n [OFFSET m].
type Limit struct {
	Pos    lexer.Position
	Count  *Value `parser:"'LIMIT' @@"`
	Offset *Value `parser:"('OFFSET' @@)?"`
}

// Name is a bare word or a name in backticks, such as an alias after AS.
type Name struct {
	Pos      lexer.Position
	Ident    *string `parser:"  @Ident"`
	Backtick *string `parser:"| @Backtick"`
}

// Target is "file <id>, …" or "integration <id>, …", after "rooms OF"
// (or elements, areas) when it says which records the statement reads.
type Target struct {
	Pos     lexer.Position
	Records *Records    `parser:"@@?"`
	Kind    string      `parser:"@('FILE' | 'INTEGRATION')"`
	IDs     []*TargetID `parser:"@@ (',' @@)*"`
}

// Records is the "rooms OF" of FROM rooms OF file 1: which records a
// statement reads, elements, rooms or areas, when its SELECT list has no
// ID column to say so (aggregates over rooms).
type Records struct {
	Pos  lexer.Position
	Name string `parser:"@Ident 'OF'"`
}

// TargetID is a file or integration ID, as a number or a quoted string.
type TargetID struct {
	Pos    lexer.Position
	Number *string `parser:"  @Number"`
	String *string `parser:"| @String"`
}

// OrExpr is a list of AndExprs joined by OR.
type OrExpr struct {
	Pos   lexer.Position
	Terms []*AndExpr `parser:"@@ ('OR' @@)*"`
}

// AndExpr is a list of Unary expressions joined by AND; AND binds
// tighter than OR.
type AndExpr struct {
	Pos   lexer.Position
	Terms []*Unary `parser:"@@ ('AND' @@)*"`
}

// Unary is a parenthesized expression or a predicate, under any number
// of NOTs.
type Unary struct {
	Pos       lexer.Position
	Nots      []string   `parser:"@'NOT'*"`
	Group     *OrExpr    `parser:"(  '(' @@ ')'"`
	Predicate *Predicate `parser:" | @@ )"`
}

// Predicate is a condition on one property: floor = 'F01'. The property
// key is a plain or dotted identifier (楼层, boundingBox.min.x) or any text
// in backticks (`type name`).
//
// In HAVING the left side may be an aggregate of the SELECT list:
// COUNT(*) > 10.
type Predicate struct {
	Pos      lexer.Position
	Ident    *string    `parser:"(  @Ident"`
	Call     *Call      `parser:"   @@?"`
	Backtick *string    `parser:" | @Backtick )"`
	Cond     *Condition `parser:"@@"`
}

// Condition is what follows the field: a comparison (~ is REGEXP), [NOT]
// IN, [NOT] LIKE, [NOT] ILIKE, [NOT] REGEXP, [NOT] CONTAINS, [NOT]
// BETWEEN, or IS [NOT] NULL.
type Condition struct {
	Pos      lexer.Position
	Op       string   `parser:"(  @('=' | '==' | '!=' | '<>' | '<=' | '>=' | '<' | '>' | '~')"`
	Value    *Value   `parser:"   @@"`
	Is       *IsNull  `parser:"| @@"`
	Negated  bool     `parser:"| @'NOT'? ("`
	In       []*Value `parser:"      'IN' '(' @@ (',' @@)* ')'"`
	Like     *Value   `parser:"    | 'LIKE' @@"`
	ILike    *Value   `parser:"    | 'ILIKE' @@"`
	Regexp   *Value   `parser:"    | 'REGEXP' @@"`
	Contains *Value   `parser:"    | 'CONTAINS' @@"`
	Between  *Range   `parser:"    | 'BETWEEN' @@ ) )"`
}

// IsNull is IS NULL or IS NOT NULL.
type IsNull struct {
	Pos lexer.Position
	Not bool `parser:"'IS' @'NOT'? 'NULL'"`
}

// Range is the "a AND b" of BETWEEN.
type Range struct {
	Pos  lexer.Position
	Low  *Value `parser:"@@ 'AND'"`
	High *Value `parser:"@@"`
}

// Value is a literal: a string in single or double quotes, a number,
// true, false, or NULL (which only IS may use). Raw is the token as
// written; its first character tells which it is.
type Value struct {
	Pos lexer.Position
	Raw string `parser:"@(String | Number | 'TRUE' | 'FALSE' | 'NULL')"`
}
