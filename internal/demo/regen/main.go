// Command regen rewrites the demo cache from modelgen.Demo; go generate in
// internal/demo runs it.
package main

import (
	"fmt"
	"os"

	"github.com/bfquery/bfquery/internal/modelgen"
)

func main() {
	if err := os.RemoveAll("cache"); err != nil {
		fail(err)
	}
	if err := os.MkdirAll("cache", 0o755); err != nil {
		fail(err)
	}
	if _, err := modelgen.WriteCache("cache", modelgen.Demo); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "regen:", err)
	os.Exit(1)
}
