package dsl

import (
	"fmt"
	"strings"
)

// Func is the aggregate function of a column: none for a plain value,
// or COUNT, SUM, AVG, MIN, MAX.
type Func uint8

// The aggregate functions.
const (
	NoFunc Func = iota
	FuncCount
	FuncSum
	FuncAvg
	FuncMin
	FuncMax
)

var funcNames = [...]string{"", "COUNT", "SUM", "AVG", "MIN", "MAX"}

// String returns the function's name in capitals: COUNT, SUM…
func (f Func) String() string {
	if int(f) < len(funcNames) {
		return funcNames[f]
	}
	return fmt.Sprintf("Func(%d)", uint8(f))
}

// ParseFunc reads an aggregate function's name, in any case.
func ParseFunc(name string) (Func, bool) {
	for i, n := range funcNames[1:] {
		if strings.EqualFold(name, n) {
			return Func(i + 1), true
		}
	}
	return NoFunc, false
}

// Column is one item of a SELECT list, of GROUP BY or of ORDER BY: the
// record's ID, its target, the value of a key, or an aggregate over the
// records of a group. The zero Column is not valid. Columns are compared
// with ==.
type Column struct {
	// Func is the aggregate, NoFunc for a plain value.
	Func Func
	// Key is the key whose value the column shows or aggregates; "" with
	// FuncCount is COUNT(*).
	Key Key
	// Distinct makes COUNT count distinct values: COUNT(DISTINCT key).
	Distinct bool
	// ID is the record's ID (elementId, roomId or areaId, as the
	// statement's Select says); Target the ID of the target it belongs to
	// (targetId).
	ID, Target bool
	// Alias is the name given with AS, "" for none.
	Alias string
}

// Selectable is what a SELECT list, GROUP BY and ORDER BY take: a Key
// (the column of its value) or a Column.
type Selectable interface{ column() Column }

func (c Column) column() Column { return c }
func (k Key) column() Column    { return Column{Key: k} }

// Col is the column of a key's value.
func Col(key Key) Column { return Column{Key: key} }

// ID is the column of the records' IDs: elementId, roomId or areaId.
func ID() Column { return Column{ID: true} }

// TargetID is the column of the target each record belongs to, for
// statements over several targets.
func TargetID() Column { return Column{Target: true} }

// Count is COUNT(*): the records of the group.
func Count() Column { return Column{Func: FuncCount} }

// CountOf is COUNT(key): the records of the group that have the key.
func CountOf(key Key) Column { return Column{Func: FuncCount, Key: key} }

// CountDistinct is COUNT(DISTINCT key): the distinct values of key.
func CountDistinct(key Key) Column { return Column{Func: FuncCount, Key: key, Distinct: true} }

// Sum is SUM(key) over the group's numeric values.
func Sum(key Key) Column { return Column{Func: FuncSum, Key: key} }

// Avg is AVG(key) over the group's numeric values.
func Avg(key Key) Column { return Column{Func: FuncAvg, Key: key} }

// Min is MIN(key).
func Min(key Key) Column { return Column{Func: FuncMin, Key: key} }

// Max is MAX(key).
func Max(key Key) Column { return Column{Func: FuncMax, Key: key} }

// As returns the column named alias.
func (c Column) As(alias string) Column {
	c.Alias = alias
	return c
}

// Unaliased returns the column without its alias.
func (c Column) Unaliased() Column {
	c.Alias = ""
	return c
}

// Label is the column's name in a result: its alias, or what it is
// (elementId, targetId, the key, COUNT(*), SUM(体积), COUNT(DISTINCT
// floor)), keys written as they are. sel names the ID column.
func (c Column) Label(sel Select) string {
	switch {
	case c.Alias != "":
		return c.Alias
	case c.ID:
		return sel.String()
	case c.Target:
		return "targetId"
	case c.Func == NoFunc:
		return string(c.Key)
	case c.Key == "":
		return c.Func.String() + "(*)"
	case c.Distinct:
		return c.Func.String() + "(DISTINCT " + string(c.Key) + ")"
	}
	return c.Func.String() + "(" + string(c.Key) + ")"
}

// check describes what is wrong with a column, or returns "".
func (c Column) check() string {
	switch {
	case c.Func > FuncMax:
		return fmt.Sprintf("unknown aggregate %v", c.Func)
	case c.ID && c.Target, (c.ID || c.Target) && (c.Key != "" || c.Func != NoFunc || c.Distinct):
		return "a column is one of the ID, the target, a key or an aggregate"
	case c.ID || c.Target:
		return ""
	case c.Distinct && c.Func != FuncCount:
		return "DISTINCT goes inside COUNT only"
	case c.Key == "" && c.Func == FuncCount && c.Distinct:
		return "COUNT(DISTINCT) needs a key"
	case c.Key == "" && c.Func != FuncCount:
		if c.Func == NoFunc {
			return "key must not be empty"
		}
		return c.Func.String() + " needs a key: only COUNT takes *"
	}
	return ""
}

// Order is one item of ORDER BY: a column, ascending or descending.
type Order struct {
	Column Column
	Desc   bool
}

// Asc orders by c ascending: numeric values (numbers and numeric strings)
// by number first, then text by code point, then records without a value.
func Asc(c Selectable) Order { return Order{Column: c.column()} }

// Desc orders by c descending, records without a value still last.
func Desc(c Selectable) Order { return Order{Column: c.column(), Desc: true} }
