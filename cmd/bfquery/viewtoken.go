package main

import (
	"fmt"
	"io"

	"github.com/bfquery/bfquery/bimface"
)

// ViewTokenCmd is "bfquery viewtoken": a token for BIMFACE's viewer,
// valid for twelve hours, to hand to a web page. It is the one command
// that prints a token, because that is what it is for.
type ViewTokenCmd struct {
	ModelTarget
	Output `embed:""`
}

func (c *ViewTokenCmd) Run(e *env) error {
	of, _, client, err := c.open(e)
	if err != nil {
		return err
	}
	var f bimface.ViewTokenFor
	switch {
	case of.FileID != 0:
		f.FileID = c.File
	case of.IntegrateID != 0:
		f.IntegrateID = c.Integration
	default:
		f.CompareID = c.Comparison
	}
	tok, err := client.ViewToken(e.ctx, f)
	if err != nil {
		return err
	}
	return c.print(e.stdout, tok, func(w io.Writer) { fmt.Fprintln(w, tok) })
}
