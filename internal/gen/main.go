// Command gen writes a synthetic BIMFACE model with package modelgen:
//
//	go run ./internal/gen -n 10000 -seed 1 -format ndjson -out model.ndjson
//	go run ./internal/gen -n 10000 -seed 1 -format envelope -gzip -out cachedir/
//
// When -out names a directory (an existing one, or a path ending in /) it
// writes a whole cache directory: a file target, an integration target of
// -files files, and manifest.json. Otherwise it writes the elements of one
// file ("-" for standard output).
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/bfquery/bfquery/internal/modelgen"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	n := fs.Int("n", 10000, "number of elements")
	seed := fs.Uint64("seed", 1, "random seed; the same seed gives the same model")
	format := fs.String("format", "ndjson", "ndjson, envelope or array")
	out := fs.String("out", "-", "output file, - for standard output, or a directory for a cache")
	gz := fs.Bool("gzip", false, "gzip the records files of a cache directory")
	fileID := fs.String("file", "1124890692330272", "file target id of a cache directory")
	integration := fs.String("integration", "1648888854324400", "integration target id of a cache directory, empty for none")
	files := fs.Int("files", 3, "number of files of the integration")
	if err := fs.Parse(args); err != nil {
		return err
	}
	f, err := modelgen.ParseFormat(*format)
	if err != nil {
		return err
	}
	if fi, err := os.Stat(*out); err == nil && fi.IsDir() || strings.HasSuffix(*out, "/") {
		if err := os.MkdirAll(*out, 0o755); err != nil {
			return err
		}
		_, err := modelgen.WriteCache(*out, modelgen.CacheConfig{
			Seed: *seed, FileID: *fileID, Elements: *n, IntegrationID: *integration,
			IntegrationFiles: *files, Format: f, Gzip: *gz, Pulled: time.Now(),
		})
		return err
	}
	cfg := modelgen.Config{Elements: *n, Seed: *seed}
	if *out == "-" {
		return modelgen.WriteElements(stdout, cfg, f)
	}
	w, err := os.Create(*out)
	if err != nil {
		return err
	}
	if err := modelgen.WriteElements(w, cfg, f); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}
