package shell

import (
	"slices"
	"strings"
	"unicode"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/internal/output"
	"github.com/bfquery/bfquery/internal/runner"
	"github.com/bfquery/bfquery/parser"
)

// Target names one file or integration.
type Target = runner.Target

// A Catalog tells completion what exists: the targets, the keys of a
// target's elements, rooms or areas, and the values of a key. Its answers
// should be quick; a catalog over a remote service caches them.
type Catalog interface {
	Targets() []Target
	Keys(t Target, sel dsl.Select) []dsl.Key
	Values(t Target, sel dsl.Select, key dsl.Key) []dsl.Value
}

// Completion is what Complete offers: candidates to replace the text
// from rune offset Start to the cursor with.
type Completion struct {
	Start      int
	Candidates []string
}

// Completer completes query text and meta commands.
type Completer struct {
	Catalog Catalog
	// Default is the target a query without FROM runs on (\use), and the
	// one whose keys are offered before FROM is typed.
	Default Target
}

// Complete returns the candidates for the word that ends at cursor (a
// rune offset) in text, which may hold several lines and statements.
// It depends on nothing but its arguments and the catalog.
func (c Completer) Complete(text []rune, cursor int) Completion {
	cursor = max(0, min(cursor, len(text)))
	src := text[:cursor]
	// Only the statement being typed counts: what follows the last ";".
	toks := lex(src)
	for i := len(toks) - 1; i >= 0; i-- {
		if toks[i].is(";") {
			toks = toks[i+1:]
			break
		}
	}
	if start, ok := metaStart(src, toks); ok {
		return c.completeMeta(src, start)
	}
	return c.completeQuery(toks, cursor)
}

// metaStart reports whether the statement being typed is a backslash
// command, and where its backslash is.
func metaStart(src []rune, toks []token) (int, bool) {
	from := 0
	if len(toks) > 0 {
		from = toks[0].Start
	}
	for i := from; i < len(src); i++ {
		if src[i] == '\\' {
			return i, strings.TrimSpace(string(src[from:i])) == ""
		}
		if !unicode.IsSpace(src[i]) {
			return 0, false
		}
	}
	return 0, false
}

// completeQuery completes query text whose tokens before the cursor are
// toks.
func (c Completer) completeQuery(toks []token, cursor int) Completion {
	prefix, start := "", cursor
	if n := len(toks); n > 0 && toks[n-1].End == cursor {
		last := toks[n-1]
		switch {
		case last.Kind == tokWord || last.Kind == tokNumber || (last.Kind == tokBacktick || last.Kind == tokString) && !last.Closed:
			prefix, start = last.Text, last.Start
			toks = toks[:n-1]
		case last.Kind != tokOp || last.is(")"):
			// Right after a closed string or name: a candidate would run
			// into it.
			return Completion{Start: cursor}
		}
	}
	cands := c.queryCandidates(toks, prefix)
	return Completion{Start: start, Candidates: cands}
}

// statementShape is what the tokens before the cursor say of the statement:
// what it selects, its target and where its condition starts.
type statementShape struct {
	sel    dsl.Select
	target Target
	where  int // index of the first token after WHERE, -1 before WHERE
}

func (c Completer) shape(toks []token) statementShape {
	s := statementShape{target: c.Default, where: -1}
	if s.target.IsZero() {
		if ts := c.Catalog.Targets(); len(ts) > 0 {
			s.target = ts[0]
		}
	}
	for i, t := range toks {
		switch {
		case t.is("SELECT") && i+1 < len(toks):
			if sel, err := dsl.ParseSelect(toks[i+1].Text); err == nil {
				s.sel = sel
			}
		case t.is("FROM") && i+2 < len(toks) && toks[i+2].is("OF"):
			if sel, ok := recordsWord(toks[i+1]); ok {
				s.sel = sel
			}
		case (t.is("FILE") || t.is("INTEGRATION")) && i > 0 && (toks[i-1].is("FROM") || toks[i-1].is("OF")) && i+1 < len(toks):
			s.target = Target{Type: dsl.TargetType(strings.ToLower(t.Text)), ID: unquote(toks[i+1])}
		case t.is("WHERE") && s.where < 0:
			s.where = i + 1
		}
	}
	return s
}

// inList reports whether the last token is in the SELECT list: after
// SELECT, before FROM and WHERE.
func (s statementShape) inList(toks []token) bool {
	in := false
	for _, t := range toks {
		switch {
		case t.is("SELECT"):
			in = true
		case t.is("FROM") || t.is("WHERE"):
			in = false
		}
	}
	return in
}

// tail returns the index of the first token of the clauses after the
// condition (GROUP BY, HAVING, ORDER BY, LIMIT, OFFSET), or -1.
func (s statementShape) tail(toks []token) int {
	for i, t := range toks {
		if t.is("GROUP") || t.is("ORDER") || t.is("LIMIT") || t.is("HAVING") {
			return i
		}
	}
	return -1
}

// tailCandidates completes GROUP BY, ORDER BY and LIMIT.
func (c Completer) tailCandidates(s statementShape, toks []token, prefix string) []string {
	last := toks[len(toks)-1]
	clause := ""
	for _, t := range toks {
		for _, k := range []string{"GROUP", "ORDER", "LIMIT", "OFFSET", "HAVING"} {
			if t.is(k) {
				clause = k
			}
		}
	}
	switch {
	case last.is("GROUP") || last.is("ORDER"):
		return keywords(prefix, "BY")
	case last.is("BY") || last.is(","):
		keys := c.keys(s, prefix)
		if clause == "ORDER" {
			keys = slices.Concat(functions(prefix), keys)
		} else {
			keys = slices.Concat(words(prefix, "targetId"), keys)
		}
		return keys
	case last.is("HAVING"):
		return functions(prefix)
	case last.is("LIMIT") || last.is("OFFSET"):
		return nil
	case clause == "LIMIT" && last.Kind == tokNumber:
		return keywords(prefix, "OFFSET")
	case clause == "GROUP":
		return keywords(prefix, "HAVING", "ORDER BY", "LIMIT")
	case clause == "ORDER" && !last.is("ASC") && !last.is("DESC"):
		return keywords(prefix, "ASC", "DESC", "LIMIT")
	case clause == "ORDER":
		return keywords(prefix, "LIMIT")
	}
	return nil
}

// functions returns the aggregates that prefix starts, with their
// opening parenthesis.
func functions(prefix string) []string {
	var out []string
	for _, f := range []string{"COUNT(*)", "COUNT(", "SUM(", "AVG(", "MIN(", "MAX("} {
		if strings.HasPrefix(strings.ToLower(f), strings.ToLower(prefix)) {
			out = append(out, f)
		}
	}
	return out
}

// recordsWord reads the records of FROM … OF: elements, rooms or areas,
// singular too.
func recordsWord(t token) (dsl.Select, bool) {
	if t.Kind != tokWord {
		return 0, false
	}
	return parser.RecordsOf(t.Text)
}

func isRecordsWord(t token) bool {
	_, ok := recordsWord(t)
	return ok
}

// isIDColumn reports whether t is elementId, roomId or areaId.
func isIDColumn(t token) bool {
	_, err := dsl.ParseSelect(t.Text)
	return t.Kind == tokWord && err == nil
}

func (c Completer) queryCandidates(toks []token, prefix string) []string {
	n := len(toks)
	if n == 0 {
		return keywords(prefix, "EXPLAIN", "SELECT")
	}
	s := c.shape(toks)
	last := toks[n-1]
	if s.where < 0 && s.inList(toks) {
		// The SELECT list: ID columns, keys, aggregates.
		switch {
		case last.is("SELECT"):
			return slices.Concat(words(prefix, "elementId", "roomId", "areaId"), keywords(prefix, "DISTINCT"), functions(prefix), c.keys(s, prefix))
		case last.is("DISTINCT") || last.is(","):
			return slices.Concat(words(prefix, "elementId", "roomId", "areaId"), functions(prefix), c.keys(s, prefix))
		case last.is("AS") || last.is("("):
			return nil
		case n >= 2 && toks[n-2].is("SELECT") && isIDColumn(last):
			// A plain query: its target, then its condition.
			if c.Default.IsZero() {
				return keywords(prefix, "FROM")
			}
			return keywords(prefix, "FROM", "WHERE")
		}
		if c.Default.IsZero() {
			return keywords(prefix, "FROM", "AS")
		}
		return keywords(prefix, "FROM", "AS", "WHERE", "GROUP BY", "ORDER BY", "LIMIT")
	}
	if tail := s.tail(toks); tail >= 0 {
		return c.tailCandidates(s, toks[tail:], prefix)
	}
	if s.where < 0 {
		switch {
		case last.is("EXPLAIN"):
			return keywords(prefix, "SELECT")
		case last.is("SELECT"):
			return words(prefix, "elementId", "roomId", "areaId")
		case n >= 2 && toks[n-2].is("SELECT"):
			if c.Default.IsZero() {
				return keywords(prefix, "FROM")
			}
			return keywords(prefix, "FROM", "WHERE")
		case last.is("FROM") && slices.ContainsFunc(toks, isIDColumn):
			return keywords(prefix, "file", "integration")
		case last.is("FROM"):
			// No ID column says what the statement reads.
			return keywords(prefix, "file", "integration", "rooms OF", "areas OF")
		case n >= 2 && toks[n-2].is("FROM") && isRecordsWord(last):
			return keywords(prefix, "OF")
		case last.is("OF"):
			return keywords(prefix, "file", "integration")
		case last.is("FILE") || last.is("INTEGRATION") || last.is(","):
			t := dsl.TargetType(strings.ToLower(last.Text))
			for i := n - 1; t != dsl.TargetFile && t != dsl.TargetIntegration && i >= 0; i-- {
				t = dsl.TargetType(strings.ToLower(toks[i].Text))
			}
			var ids []string
			for _, tg := range c.Catalog.Targets() {
				if tg.Type == t && strings.HasPrefix(tg.ID, prefix) {
					ids = append(ids, tg.ID+" ")
				}
			}
			return ids
		case last.Kind == tokNumber || last.Kind == tokString:
			return keywords(prefix, "WHERE")
		}
		return nil
	}
	cond := toks[s.where:]
	n = len(cond)
	if n == 0 {
		return append(c.keys(s, prefix), keywords(prefix, "NOT")...)
	}
	last = cond[n-1]
	before := func(k int) token { // the token k places before the last
		if n-1-k >= 0 {
			return cond[n-1-k]
		}
		return token{}
	}
	switch {
	case last.is("AND") && n >= 3 && before(2).is("BETWEEN"):
		return c.values(s, keyBefore(cond, n-3), prefix)
	case last.is("AND") || last.is("OR") || last.is("(") && !before(1).is("IN") || last.is("NOT") && !isKey(before(1)):
		return append(c.keys(s, prefix), keywords(prefix, "NOT")...)
	case last.is("IS"):
		return keywords(prefix, "NULL", "NOT NULL")
	case last.is("NOT") && before(1).is("IS"):
		return keywords(prefix, "NULL")
	case last.is("NOT"):
		return keywords(prefix, "IN (", "LIKE", "ILIKE", "REGEXP", "CONTAINS", "BETWEEN")
	case isKey(last) && (n == 1 || isJoin(before(1))):
		return keywords(prefix, "IN (", "LIKE", "ILIKE", "REGEXP", "CONTAINS", "BETWEEN", "IS NULL", "IS NOT NULL", "NOT")
	case isComparison(last) || last.is("CONTAINS") || last.is("BETWEEN") || last.is("LIKE") || last.is("ILIKE") || last.is("REGEXP"):
		return c.values(s, keyBefore(cond, n-1), prefix)
	case last.is("(") || last.is(","):
		// Inside IN ( ... ): find the IN and the key before it.
		for i := n - 1; i >= 1; i-- {
			if cond[i].is("(") {
				if cond[i-1].is("IN") {
					return c.values(s, keyBefore(cond, i-1), prefix)
				}
				break
			}
		}
		return nil
	case isValue(last) || last.is(")") || last.is("NULL"):
		if inList(cond) {
			return nil
		}
		if n >= 2 && before(1).is("BETWEEN") {
			return keywords(prefix, "AND")
		}
		return keywords(prefix, "AND", "OR", "GROUP BY", "ORDER BY", "LIMIT")
	}
	return nil
}

// keyBefore returns the key of the operator at index op: the token before
// it, or before the NOT before it.
func keyBefore(cond []token, op int) dsl.Key {
	i := op - 1
	if i >= 0 && cond[i].is("NOT") {
		i--
	}
	if i >= 0 && isKey(cond[i]) {
		return dsl.Key(cond[i].key())
	}
	return ""
}

// inList reports whether the condition ends inside an unclosed IN list.
func inList(cond []token) bool {
	for i := len(cond) - 1; i >= 0; i-- {
		switch {
		case cond[i].is(")"):
			return false
		case cond[i].is("("):
			return i > 0 && cond[i-1].is("IN")
		}
	}
	return false
}

func isKey(t token) bool {
	return t.Kind == tokBacktick || t.Kind == tokWord && !parser.IsKeyword(t.Text)
}

func isJoin(t token) bool {
	return t.is("AND") || t.is("OR") || t.is("NOT") || t.is("(")
}

func isComparison(t token) bool {
	if t.Kind != tokOp {
		return false
	}
	switch t.Text {
	case "=", "==", "!=", "<>", "<", "<=", ">", ">=":
		return true
	}
	return false
}

func isValue(t token) bool {
	return t.Kind == tokString || t.Kind == tokNumber || t.is("TRUE") || t.is("FALSE")
}

func unquote(t token) string {
	if t.Kind == tokString && len(t.Text) >= 2 {
		return t.Text[1 : len(t.Text)-1]
	}
	return t.Text
}

// keys returns the keys of the statement's target that prefix starts,
// written as the query text needs them (parser.FormatKey). A prefix typed
// without the backticks a key needs still finds it.
func (c Completer) keys(s statementShape, prefix string) []string {
	if s.target.IsZero() {
		return nil
	}
	var out []string
	bare := strings.TrimPrefix(prefix, "`")
	for _, k := range c.Catalog.Keys(s.target, s.sel) {
		if strings.HasPrefix(string(k), bare) {
			out = append(out, parser.FormatKey(k)+" ")
		}
	}
	return out
}

// values returns the values of key that prefix starts, as query literals
// (dsl.QuoteString for strings). A prefix typed without its quote still
// finds a string.
func (c Completer) values(s statementShape, key dsl.Key, prefix string) []string {
	if s.target.IsZero() || key == "" {
		return nil
	}
	var out []string
	for _, v := range c.Catalog.Values(s.target, s.sel, key) {
		lit := v.String()
		if strings.HasPrefix(lit, prefix) || v.Kind() == dsl.KindString && strings.HasPrefix(v.Text(), prefix) ||
			strings.HasPrefix(prefix, `"`) && v.Kind() == dsl.KindString && strings.HasPrefix(v.Text(), prefix[1:]) {
			out = append(out, lit)
		}
	}
	return out
}

// keywords returns the words that prefix starts, ignoring case, in the
// case of the prefix (all lower case if it is, upper case otherwise), each
// followed by a space.
func keywords(prefix string, words ...string) []string {
	var out []string
	lower := prefix != "" && prefix == strings.ToLower(prefix)
	upper := prefix != "" && !lower
	for _, w := range words {
		if !strings.HasPrefix(strings.ToUpper(w), strings.ToUpper(prefix)) {
			continue
		}
		switch {
		case lower:
			w = strings.ToLower(w)
		case upper:
			w = strings.ToUpper(w)
		}
		if !strings.HasSuffix(w, "(") {
			w += " "
		}
		out = append(out, w)
	}
	return out
}

// words returns the words that prefix starts, ignoring case, as they are
// spelled, each followed by a space.
func words(prefix string, ws ...string) []string {
	var out []string
	for _, w := range ws {
		if strings.HasPrefix(strings.ToLower(w), strings.ToLower(prefix)) {
			out = append(out, w+" ")
		}
	}
	return out
}

// metaWords splits a backslash command into words with their rune
// offsets.
func metaWords(src []rune, start int) (ws []string, starts []int) {
	i := start
	for i < len(src) {
		for i < len(src) && unicode.IsSpace(src[i]) {
			i++
		}
		if i == len(src) {
			break
		}
		j := i
		for j < len(src) && !unicode.IsSpace(src[j]) {
			j++
		}
		ws, starts = append(ws, string(src[i:j])), append(starts, i)
		i = j
	}
	return ws, starts
}

// completeMeta completes a backslash command that starts at rune offset
// start.
func (c Completer) completeMeta(src []rune, start int) Completion {
	ws, starts := metaWords(src, start)
	cursor := len(src)
	// The word being typed, or an empty one after a space.
	if len(ws) == 0 || starts[len(ws)-1]+len([]rune(ws[len(ws)-1])) < cursor {
		ws, starts = append(ws, ""), append(starts, cursor)
	}
	arg := len(ws) - 1
	prefix, at := ws[arg], starts[arg]
	if arg == 0 {
		var out []string
		for _, m := range metaCommands {
			for _, name := range m.names {
				if strings.HasPrefix(`\`+name, prefix) {
					out = append(out, `\`+name+" ")
				}
			}
		}
		return Completion{Start: at, Candidates: out}
	}
	cmd := strings.TrimPrefix(ws[0], `\`)
	def := c.Default
	if def.IsZero() {
		if ts := c.Catalog.Targets(); len(ts) > 0 {
			def = ts[0]
		}
	}
	s := statementShape{target: def}
	var out []string
	switch {
	case (cmd == "keys" || cmd == "values") && arg == 1:
		out = c.keys(s, prefix)
	case cmd == "use" && arg == 1:
		out = keywords(prefix, "file", "integration")
	case cmd == "use" && arg == 2:
		for _, tg := range c.Catalog.Targets() {
			if string(tg.Type) == strings.ToLower(ws[1]) && strings.HasPrefix(tg.ID, prefix) {
				out = append(out, tg.ID)
			}
		}
	case cmd == "format" && arg == 1, cmd == "export" && arg == 2:
		var fs []string
		for _, f := range output.Formats {
			fs = append(fs, string(f))
		}
		out = words(prefix, fs...)
	case cmd == "timing" && arg == 1:
		out = words(prefix, "on", "off")
	case cmd == "dsl" || cmd == "explain":
		cp := c.completeQuery(lex(src[starts[1]:]), cursor-starts[1])
		cp.Start += starts[1]
		return cp
	}
	return Completion{Start: at, Candidates: out}
}
