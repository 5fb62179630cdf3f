package parser

import (
	"errors"
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/bfquery/bfquery/dsl"
)

// statement compiles the whole statement. A SELECT of one ID column with a
// WHERE and nothing else is the plain statement, exactly as it was before
// SELECT lists; anything more has columns, checked by dsl.Statement.Check
// and positioned here.
func (c compiler) statement(st *SelectStatement) (dsl.Statement, error) {
	ids := make([]string, 0, len(st.From.IDs))
	for _, id := range st.From.IDs {
		s, err := c.targetID(id)
		if err != nil {
			return dsl.Statement{}, err
		}
		ids = append(ids, s)
	}
	tt := dsl.TargetFile
	if strings.EqualFold(st.From.Kind, "integration") {
		tt = dsl.TargetIntegration
	}
	req := dsl.NewRequest(tt, ids...)
	if st.Where != nil {
		q, err := c.or(st.Where)
		if err != nil {
			return dsl.Statement{}, err
		}
		req = req.Where(q)
	} else if c.strict {
		return dsl.Statement{}, c.errorf(st.From.Pos, "a statement without WHERE has no DSL request: BIMFACE lists every ID of a target without one; \"bfquery query\" answers it")
	}

	cols, pos, sel, idAt, err := c.selectList(st.Select)
	if err != nil {
		return dsl.Statement{}, err
	}
	if r := st.From.Records; r != nil {
		from, ok := RecordsOf(r.Name)
		switch {
		case !ok:
			return dsl.Statement{}, c.errorf(r.Pos, "FROM reads elements, rooms or areas OF a target, not %s", r.Name)
		case idAt != nil && from != sel:
			return dsl.Statement{}, c.errorf(*idAt, "%s selects %s, and FROM reads %s OF %s: select %s", sel, recordsName(sel), recordsName(from), st.From.Kind, from)
		}
		sel = from
	}
	plain := len(cols) == 1 && cols[0].ID && !st.Select.Distinct && st.Where != nil &&
		st.GroupBy == nil && st.Having == nil && st.OrderBy == nil && st.Limit == nil
	out := dsl.Statement{Select: sel, Request: req, Explain: st.Explain}
	if plain {
		return out, nil
	}
	out = req.Select().Of(sel).WithColumns(cols...)
	out.Explain = st.Explain
	if st.Select.Distinct {
		out = out.Distinct()
	}
	where := map[string]lexer.Position{}
	for i, p := range pos {
		where["select["+strconv.Itoa(i)+"]"] = p
	}
	for i, g := range st.GroupBy {
		col, err := c.operand(g, false)
		if err != nil {
			return dsl.Statement{}, err
		}
		out = out.GroupBy(col)
		where["groupBy["+strconv.Itoa(i)+"]"] = g.Pos
	}
	if st.Having != nil {
		hc := c
		hc.strict = false
		hc.having = &out
		q, err := hc.or(st.Having)
		if err != nil {
			return dsl.Statement{}, err
		}
		out = out.Having(q)
		where["having"] = st.Having.Pos
	}
	for i, o := range st.OrderBy {
		col, err := c.operand(o.Expr, true)
		if err != nil {
			return dsl.Statement{}, err
		}
		if col.Func == dsl.NoFunc && !col.ID && !col.Target {
			// A name may be an alias of the SELECT list.
			for _, s := range cols {
				if s.Alias != "" && s.Alias == string(col.Key) {
					col = s
					break
				}
			}
		}
		out = out.OrderBy(dsl.Order{Column: col, Desc: strings.EqualFold(o.Dir, "DESC")})
		where["orderBy["+strconv.Itoa(i)+"]"] = o.Pos
	}
	if st.Limit != nil {
		n, err := c.count("LIMIT", st.Limit.Count, 1)
		if err != nil {
			return dsl.Statement{}, err
		}
		out = out.Limit(n)
		if st.Limit.Offset != nil {
			m, err := c.count("OFFSET", st.Limit.Offset, 0)
			if err != nil {
				return dsl.Statement{}, err
			}
			out = out.Offset(m)
		}
	}
	if err := out.Check(); err != nil {
		var de *dsl.Error
		if errors.As(err, &de) {
			if p, ok := where[de.Path]; ok {
				return dsl.Statement{}, c.errorf(p, "%s", de.Msg)
			}
		}
		return dsl.Statement{}, c.errorf(st.Pos, "%s", err)
	}
	return out, nil
}

// selectList compiles the SELECT list; sel is what its ID column selects
// (elements when it has none), idAt where the first ID column is (nil for
// none).
func (c compiler) selectList(l *SelectList) (cols []dsl.Column, pos []lexer.Position, sel dsl.Select, idAt *lexer.Position, err error) {
	for _, it := range l.Items {
		if it.Star {
			return nil, nil, 0, nil, c.errorf(it.Pos, "SELECT * is not supported: name the columns, e.g. SELECT elementId, name, floor")
		}
		col, err := c.operand(it.Expr, true)
		if err != nil {
			return nil, nil, 0, nil, err
		}
		if col.ID {
			s, _ := dsl.ParseSelect(*it.Expr.Ident)
			if idAt != nil && s != sel {
				return nil, nil, 0, nil, c.errorf(it.Pos, "a statement selects one of elementId, roomId and areaId, and %s came first at %d:%d", sel, idAt.Line, idAt.Column)
			}
			sel, idAt = s, &it.Pos
		}
		if it.Alias != nil {
			name, err := c.name(it.Alias)
			if err != nil {
				return nil, nil, 0, nil, err
			}
			col = col.As(name)
		}
		cols = append(cols, col)
		pos = append(pos, it.Pos)
	}
	return cols, pos, sel, idAt, nil
}

// RecordsOf reads the records word of FROM … OF: elements, rooms or areas,
// in any case, singular too.
func RecordsOf(name string) (dsl.Select, bool) {
	for _, s := range []dsl.Select{dsl.SelectElements, dsl.SelectRooms, dsl.SelectAreas} {
		if n := recordsName(s); strings.EqualFold(name, n) || strings.EqualFold(name, strings.TrimSuffix(n, "s")) {
			return s, true
		}
	}
	return 0, false
}

// recordsName is the plural noun of FROM … OF: elements, rooms or areas.
func recordsName(s dsl.Select) string {
	return strings.TrimSuffix(s.String(), "Id") + "s"
}

// operand compiles a column: an aggregate call, elementId/roomId/areaId
// and targetId when bare (ids says they may stand here), or a key.
func (c compiler) operand(o *Operand, ids bool) (dsl.Column, error) {
	if o.Call != nil {
		return c.call(*o.Ident, o.Call, o.Pos)
	}
	if o.Backtick != nil {
		k, err := c.backtick(o.Pos, *o.Backtick)
		return dsl.Col(k), err
	}
	name := *o.Ident
	if _, err := dsl.ParseSelect(name); err == nil && ids {
		return dsl.ID(), nil
	}
	if strings.EqualFold(name, "targetId") {
		return dsl.TargetID(), nil
	}
	return dsl.Col(dsl.Key(name)), nil
}

// call compiles COUNT(*), COUNT([DISTINCT] key), SUM(key), AVG, MIN, MAX.
func (c compiler) call(name string, call *Call, pos lexer.Position) (dsl.Column, error) {
	f, ok := dsl.ParseFunc(name)
	if !ok {
		return dsl.Column{}, c.errorf(pos, "unknown function %s: the aggregates are COUNT, SUM, AVG, MIN and MAX", name)
	}
	fn := strings.ToUpper(name)
	if call.Star {
		if f != dsl.FuncCount {
			return dsl.Column{}, c.errorf(call.Pos, "%s(*): only COUNT takes *; %s takes a key", fn, fn)
		}
		return dsl.Count(), nil
	}
	if call.Distinct && f != dsl.FuncCount {
		return dsl.Column{}, c.errorf(call.Pos, "%s(DISTINCT …): DISTINCT goes inside COUNT only", fn)
	}
	var key dsl.Key
	if call.Backtick != nil {
		k, err := c.backtick(call.Pos, *call.Backtick)
		if err != nil {
			return dsl.Column{}, err
		}
		key = k
	} else {
		key = dsl.Key(*call.Ident)
	}
	return dsl.Column{Func: f, Key: key, Distinct: call.Distinct}, nil
}

// havingName resolves the left side of a HAVING condition to the label of
// a result column: an aggregate or a column of the SELECT list (by
// expression or alias), or a grouped key.
func (c compiler) havingName(p *Predicate) (dsl.Key, error) {
	st := c.having
	var col dsl.Column
	var err error
	switch {
	case p.Call != nil:
		col, err = c.call(*p.Ident, p.Call, p.Pos)
	case p.Backtick != nil:
		var k dsl.Key
		k, err = c.backtick(p.Pos, *p.Backtick)
		col = dsl.Col(k)
	default:
		col, err = c.operand(&Operand{Pos: p.Pos, Ident: p.Ident}, true)
	}
	if err != nil {
		return "", err
	}
	if i := st.Resolve(col); i >= 0 {
		return dsl.Key(st.Columns()[i].Label(st.Select)), nil
	}
	for _, g := range st.Groups() {
		if g == col {
			return dsl.Key(g.Label(st.Select)), nil
		}
	}
	if col.Func != dsl.NoFunc {
		return "", c.errorf(p.Pos, "HAVING tests %s, which is not in the SELECT list: add it there", col.Label(st.Select))
	}
	return "", c.errorf(p.Pos, "HAVING tests %s, which is neither a column of the SELECT list nor grouped", col.Label(st.Select))
}

// name reads an alias.
func (c compiler) name(n *Name) (string, error) {
	if n.Backtick != nil {
		k, err := c.backtick(n.Pos, *n.Backtick)
		return string(k), err
	}
	return *n.Ident, nil
}

// count reads the integer of LIMIT or OFFSET, at least least.
func (c compiler) count(what string, v *Value, least int) (int, error) {
	n, err := strconv.Atoi(v.Raw)
	if err != nil || n < least {
		return 0, c.errorf(v.Pos, "%s takes an integer of at least %d, not %s", what, least, v.Raw)
	}
	return n, nil
}
