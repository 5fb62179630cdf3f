// Command bfquery queries BIM model elements on BIMFACE: it compiles the
// SQL-ish query language to BIMFACE's element-query DSL, formats DSL back
// to text, and runs queries on cached models or on BIMFACE itself.
//
// Run "bfquery --help" for the commands.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
