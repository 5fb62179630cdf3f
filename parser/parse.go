package parser

import (
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

// The parser is recursive descent over the scanned tokens, one function a
// node of the syntax tree, reading the grammar that the tree's struct tags
// spell (ast.go). It decides every branch on the next token alone and
// commits to it: once a node has read a token, a token it cannot use is
// an error there, not a reason to try another branch, so that an error
// points at the real problem. A test builds participle's parser from the
// struct tags and checks that both read every text alike, trees and
// errors; the hand-written one starts in microseconds, where building the
// grammar by reflection took milliseconds of every one-shot process.

// want is what the parser wanted where it failed; expected words it.
type want uint8

const (
	wantSelect     want = iota + 1 // SELECT
	wantColumn                     // a SELECT list item
	wantName                       // an alias after AS
	wantOperand                    // a GROUP BY or ORDER BY item
	wantKey                        // the key of an aggregate, COUNT(…)
	wantBy                         // BY after GROUP or ORDER
	wantFrom                       // FROM
	wantTarget                     // file or integration
	wantOf                         // OF after rooms
	wantTargetID                   // a target ID
	wantCondition                  // a predicate or a parenthesized condition
	wantOperator                   // what follows a predicate's key
	wantValue                      // a literal
	wantOpenParen                  // "(" after IN
	wantCloseParen                 // ")"
	wantNull                       // NULL after IS [NOT]
	wantAnd                        // AND of BETWEEN
	wantEnd                        // nothing more: the statement is complete
)

// syntaxFail is where parsing failed and what it wanted there.
type syntaxFail struct {
	at   int // index of the token that could not be used
	want want
}

type parser struct {
	toks []lexer.Token // ending with EOF
	i    int
}

// parseTokens reads a statement from tokens that end with EOF.
func parseTokens(toks []lexer.Token) (*SelectStatement, *syntaxFail) {
	p := parser{toks: toks}
	st, f := p.statement()
	if f != nil {
		return nil, f
	}
	if !p.peek().EOF() {
		return nil, p.fail(wantEnd)
	}
	return st, nil
}

func (p *parser) peek() lexer.Token   { return p.toks[p.i] }
func (p *parser) pos() lexer.Position { return p.toks[p.i].Pos }

func (p *parser) fail(w want) *syntaxFail { return &syntaxFail{at: p.i, want: w} }

// next returns the next token and moves past it.
func (p *parser) next() lexer.Token {
	t := p.toks[p.i]
	if !t.EOF() {
		p.i++
	}
	return t
}

// is reports whether the next token is the keyword word (in any case) or
// the operator word.
func (p *parser) is(word string) bool {
	t := p.peek()
	switch t.Type {
	case keywordType:
		return strings.EqualFold(t.Value, word)
	case operatorType:
		return t.Value == word
	}
	return false
}

// accept moves past the next token if it is word.
func (p *parser) accept(word string) bool {
	if p.is(word) {
		p.i++
		return true
	}
	return false
}

// acceptType moves past the next token, returning its text, if it is of
// type typ.
func (p *parser) acceptType(typ lexer.TokenType) *string {
	if t := p.peek(); t.Type == typ {
		p.i++
		return &t.Value
	}
	return nil
}

func (p *parser) statement() (*SelectStatement, *syntaxFail) {
	st := &SelectStatement{Pos: p.pos()}
	st.Explain = p.accept("EXPLAIN")
	if !p.accept("SELECT") {
		return nil, p.fail(wantSelect)
	}
	var f *syntaxFail
	if st.Select, f = p.selectList(); f != nil {
		return nil, f
	}
	if !p.accept("FROM") {
		return nil, p.fail(wantFrom)
	}
	if st.From, f = p.target(); f != nil {
		return nil, f
	}
	if p.accept("WHERE") {
		if st.Where, f = p.orExpr(); f != nil {
			return nil, f
		}
	}
	if p.accept("GROUP") {
		if !p.accept("BY") {
			return nil, p.fail(wantBy)
		}
		for {
			o, f := p.checkedOperand(wantOperand)
			if f != nil {
				return nil, f
			}
			st.GroupBy = append(st.GroupBy, o)
			if !p.accept(",") {
				break
			}
		}
	}
	if p.accept("HAVING") {
		if st.Having, f = p.orExpr(); f != nil {
			return nil, f
		}
	}
	if p.accept("ORDER") {
		if !p.accept("BY") {
			return nil, p.fail(wantBy)
		}
		for {
			it, f := p.orderItem()
			if f != nil {
				return nil, f
			}
			st.OrderBy = append(st.OrderBy, it)
			if !p.accept(",") {
				break
			}
		}
	}
	if p.is("LIMIT") {
		if st.Limit, f = p.limit(); f != nil {
			return nil, f
		}
	}
	st.Semi = p.accept(";")
	return st, nil
}

func (p *parser) selectList() (*SelectList, *syntaxFail) {
	l := &SelectList{Pos: p.pos()}
	l.Distinct = p.accept("DISTINCT")
	for {
		it, f := p.selectItem()
		if f != nil {
			return nil, f
		}
		l.Items = append(l.Items, it)
		if !p.accept(",") {
			return l, nil
		}
	}
}

func (p *parser) selectItem() (*SelectItem, *syntaxFail) {
	it := &SelectItem{Pos: p.pos()}
	if p.accept("*") {
		it.Star = true
	} else {
		var f *syntaxFail
		if it.Expr, f = p.checkedOperand(wantColumn); f != nil {
			return nil, f
		}
	}
	if p.accept("AS") {
		n := &Name{Pos: p.pos()}
		if n.Ident = p.acceptType(identType); n.Ident == nil {
			if n.Backtick = p.acceptType(backtickType); n.Backtick == nil {
				return nil, p.fail(wantName)
			}
		}
		it.Alias = n
	}
	return it, nil
}

func (p *parser) orderItem() (*OrderItem, *syntaxFail) {
	it := &OrderItem{Pos: p.pos()}
	var f *syntaxFail
	if it.Expr, f = p.checkedOperand(wantOperand); f != nil {
		return nil, f
	}
	if p.is("ASC") || p.is("DESC") {
		it.Dir = p.next().Value
	}
	return it, nil
}

// checkedOperand reads an operand that must be there: w says what was
// wanted if it is not.
func (p *parser) checkedOperand(w want) (*Operand, *syntaxFail) {
	o, f := p.operand()
	if o == nil && f == nil {
		f = p.fail(w)
	}
	return o, f
}

// operand reads a key, a key in backticks or an aggregate; nil and no
// failure if the next token starts none.
func (p *parser) operand() (*Operand, *syntaxFail) {
	o := &Operand{Pos: p.pos()}
	if o.Backtick = p.acceptType(backtickType); o.Backtick != nil {
		return o, nil
	}
	if o.Ident = p.acceptType(identType); o.Ident == nil {
		return nil, nil
	}
	if p.is("(") {
		var f *syntaxFail
		if o.Call, f = p.call(); f != nil {
			return nil, f
		}
	}
	return o, nil
}

// call reads the parenthesized part of an aggregate.
func (p *parser) call() (*Call, *syntaxFail) {
	c := &Call{Pos: p.pos()}
	p.next() // (
	if p.accept("*") {
		c.Star = true
	} else {
		c.Distinct = p.accept("DISTINCT")
		if c.Ident = p.acceptType(identType); c.Ident == nil {
			if c.Backtick = p.acceptType(backtickType); c.Backtick == nil {
				return nil, p.fail(wantKey)
			}
		}
	}
	if !p.accept(")") {
		return nil, p.fail(wantCloseParen)
	}
	return c, nil
}

func (p *parser) target() (*Target, *syntaxFail) {
	t := &Target{Pos: p.pos()}
	if p.peek().Type == identType {
		r := &Records{Pos: p.pos(), Name: p.next().Value}
		if !p.accept("OF") {
			return nil, p.fail(wantOf)
		}
		t.Records = r
	}
	if !p.is("FILE") && !p.is("INTEGRATION") {
		return nil, p.fail(wantTarget)
	}
	t.Kind = p.next().Value
	for {
		id := &TargetID{Pos: p.pos()}
		if id.Number = p.acceptType(numberType); id.Number == nil {
			if id.String = p.acceptType(stringType); id.String == nil {
				return nil, p.fail(wantTargetID)
			}
		}
		t.IDs = append(t.IDs, id)
		if !p.accept(",") {
			return t, nil
		}
	}
}

func (p *parser) orExpr() (*OrExpr, *syntaxFail) {
	e := &OrExpr{Pos: p.pos()}
	for {
		a, f := p.andExpr()
		if f != nil {
			return nil, f
		}
		e.Terms = append(e.Terms, a)
		if !p.accept("OR") {
			return e, nil
		}
	}
}

func (p *parser) andExpr() (*AndExpr, *syntaxFail) {
	e := &AndExpr{Pos: p.pos()}
	for {
		u, f := p.unary()
		if f != nil {
			return nil, f
		}
		e.Terms = append(e.Terms, u)
		if !p.accept("AND") {
			return e, nil
		}
	}
}

func (p *parser) unary() (*Unary, *syntaxFail) {
	u := &Unary{Pos: p.pos()}
	for p.is("NOT") {
		u.Nots = append(u.Nots, p.next().Value)
	}
	if p.accept("(") {
		var f *syntaxFail
		if u.Group, f = p.orExpr(); f != nil {
			return nil, f
		}
		if !p.accept(")") {
			return nil, p.fail(wantCloseParen)
		}
		return u, nil
	}
	pr := &Predicate{Pos: p.pos()}
	o, f := p.checkedOperand(wantCondition)
	if f != nil {
		return nil, f
	}
	pr.Ident, pr.Call, pr.Backtick = o.Ident, o.Call, o.Backtick
	if pr.Cond, f = p.condition(); f != nil {
		return nil, f
	}
	u.Predicate = pr
	return u, nil
}

// comparisons are the operators of a comparison, ~ included.
var comparisons = []string{"=", "==", "!=", "<>", "<=", ">=", "<", ">", "~"}

func (p *parser) condition() (*Condition, *syntaxFail) {
	c := &Condition{Pos: p.pos()}
	var f *syntaxFail
	if t := p.peek(); t.Type == operatorType {
		for _, op := range comparisons {
			if t.Value == op {
				c.Op = p.next().Value
				c.Value, f = p.value()
				return c, f
			}
		}
	}
	if p.is("IS") {
		c.Is = &IsNull{Pos: p.pos()}
		p.next()
		c.Is.Not = p.accept("NOT")
		if !p.accept("NULL") {
			return nil, p.fail(wantNull)
		}
		return c, nil
	}
	c.Negated = p.accept("NOT")
	switch {
	case p.accept("IN"):
		if !p.accept("(") {
			return nil, p.fail(wantOpenParen)
		}
		for {
			v, f := p.value()
			if f != nil {
				return nil, f
			}
			c.In = append(c.In, v)
			if !p.accept(",") {
				break
			}
		}
		if !p.accept(")") {
			return nil, p.fail(wantCloseParen)
		}
	case p.accept("LIKE"):
		c.Like, f = p.value()
	case p.accept("ILIKE"):
		c.ILike, f = p.value()
	case p.accept("REGEXP"):
		c.Regexp, f = p.value()
	case p.accept("CONTAINS"):
		c.Contains, f = p.value()
	case p.accept("BETWEEN"):
		r := &Range{Pos: p.pos()}
		if r.Low, f = p.value(); f != nil {
			return nil, f
		}
		if !p.accept("AND") {
			return nil, p.fail(wantAnd)
		}
		r.High, f = p.value()
		c.Between = r
	default:
		return nil, p.fail(wantOperator)
	}
	if f != nil {
		return nil, f
	}
	return c, nil
}

func (p *parser) limit() (*Limit, *syntaxFail) {
	l := &Limit{Pos: p.pos()}
	p.next() // LIMIT
	var f *syntaxFail
	if l.Count, f = p.value(); f != nil {
		return nil, f
	}
	if p.accept("OFFSET") {
		if l.Offset, f = p.value(); f != nil {
			return nil, f
		}
	}
	return l, nil
}

// value reads a literal: a string, a number, TRUE, FALSE or NULL.
func (p *parser) value() (*Value, *syntaxFail) {
	t := p.peek()
	if t.Type == stringType || t.Type == numberType || p.is("TRUE") || p.is("FALSE") || p.is("NULL") {
		p.next()
		return &Value{Pos: t.Pos, Raw: t.Value}, nil
	}
	return nil, p.fail(wantValue)
}
