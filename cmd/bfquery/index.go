package main

import (
	"fmt"
	"io"

	"github.com/bfquery/bfquery/eval"
	"github.com/bfquery/bfquery/internal/demo"
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

// openCache opens a cache path, or the demo model for "". An index file
// that is stale or damaged is rebuilt or ignored, with a line on stderr
// saying which.
func openCache(path string, stderr io.Writer) (*eval.Cache, error) {
	if path == "" {
		return demo.Open()
	}
	return eval.OpenOptions(path, eval.Options{Notify: func(msg string) { fmt.Fprintf(stderr, "bfquery: %s\n", msg) }})
}
