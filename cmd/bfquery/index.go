package main

import (
	"fmt"

	"github.com/bfquery/bfquery/eval"
)

// IndexCmd is "bfquery index": write the index files of a cache
// directory, for caches made by hand or by older versions (pull writes
// them itself).
type IndexCmd struct {
	Dir string `arg:"" type:"existingdir" placeholder:"DIR" help:"The cache directory."`
}

func (c *IndexCmd) Run(e *env) error {
	if err := eval.WriteIndexes(c.Dir, "", ""); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "indexed %s\n", c.Dir)
	return nil
}
