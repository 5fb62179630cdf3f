package dsl

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"unicode"
	"unicode/utf8"
)

// ILikeQuery is LikeQuery without regard to case: ILIKE in the query
// language. Two characters match when Unicode's simple case folding makes
// them equal, as strings.EqualFold has it (k and K and the Kelvin sign).
type ILikeQuery struct {
	Key     Key
	Pattern string
}

// RegexpQuery matches records with a candidate value of Key whose text
// (as for contain) holds a match of Pattern, a regular expression in Go's
// RE2 syntax: REGEXP or ~ in the query language. The pattern is not
// anchored; ^ and $ anchor it.
type RegexpQuery struct {
	Key     Key
	Pattern string
}

func (ILikeQuery) isQuery()  {}
func (RegexpQuery) isQuery() {}

func (q ILikeQuery) MarshalJSON() ([]byte, error)  { return MarshalQuery(q) }
func (q RegexpQuery) MarshalJSON() ([]byte, error) { return MarshalQuery(q) }

// ILike is key ILIKE pattern.
func ILike(key Key, pattern string) ILikeQuery { return ILikeQuery{Key: key, Pattern: pattern} }

// Regexp is key REGEXP pattern.
func Regexp(key Key, pattern string) RegexpQuery { return RegexpQuery{Key: key, Pattern: pattern} }

// TextTest returns the test a pattern query (LIKE, ILIKE, REGEXP) makes of
// a candidate's text, so that every evaluator applies the same one; ok is
// false for other queries. The query must be valid (CheckQuery).
func TextTest(q Query) (key Key, test func(string) bool, ok bool) {
	switch q := q.(type) {
	case LikeQuery:
		p := CompileLike(q.Pattern)
		return q.Key, p.Match, true
	case ILikeQuery:
		p := CompileLike(q.Pattern)
		return q.Key, p.MatchFold, true
	case RegexpQuery:
		re, err := regexp.Compile(q.Pattern)
		if err != nil {
			return q.Key, func(string) bool { return false }, true
		}
		return q.Key, re.MatchString, true
	}
	return "", nil, false
}

// CheckRegexp reports why a pattern is not a valid RE2 expression, or "".
func CheckRegexp(pattern string) string {
	if _, err := regexp.Compile(pattern); err != nil {
		return "invalid regular expression: " + trimRegexpError(err)
	}
	return ""
}

// trimRegexpError drops the "error parsing regexp: " that the message
// would otherwise repeat.
func trimRegexpError(err error) string {
	var se *syntax.Error
	if errors.As(err, &se) {
		return fmt.Sprintf("%s: `%s`", se.Code, se.Expr)
	}
	return err.Error()
}

// MatchFold reports whether text matches the whole pattern with case
// folded, as ILIKE does.
func (p LikePattern) MatchFold(text string) bool { return p.match(text, foldEqual) }

// foldEqual reports whether two runes are equal under simple case folding.
func foldEqual(a, b rune) bool {
	if a == b {
		return true
	}
	if a < utf8.RuneSelf && b < utf8.RuneSelf {
		if 'A' <= a && a <= 'Z' {
			a += 'a' - 'A'
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		return a == b
	}
	for r := unicode.SimpleFold(a); r != a; r = unicode.SimpleFold(r) {
		if r == b {
			return true
		}
	}
	return false
}
