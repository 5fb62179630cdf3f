package parser

import (
	"strings"

	"github.com/bfquery/bfquery/dsl"
)

// FormatKey writes a property key as query text names it: bare when the
// lexer reads it back as one identifier that is not a keyword (楼层,
// boundingBox.min.x), in backticks otherwise (`类型 名称`, `from`).
func FormatKey(k dsl.Key) string {
	var b strings.Builder
	writeKey(&b, k)
	return b.String()
}
