package parser

import (
	"errors"
	"strings"

	"github.com/bfquery/bfquery/dsl"
)

// PlanHint ends the message of CompileDSL's errors about what one DSL
// request cannot say: how to have it answered anyway. It names the CLI's
// command; a program with another way to run a query (the shell) puts
// its own with ReplacePlanHint.
const PlanHint = `"bfquery query" answers it with a plan`

// ReplacePlanHint returns err with PlanHint, if its message ends with it,
// replaced by hint; any other error as it is.
func ReplacePlanHint(err error, hint string) error {
	var de *dsl.Error
	if !errors.As(err, &de) || !strings.HasSuffix(de.Msg, PlanHint) {
		return err
	}
	e := *de
	e.Msg = strings.TrimSuffix(e.Msg, PlanHint) + hint
	return &e
}
