// Package demo embeds a demo model: file 1124890692330272 (the file id of
// BIMFACE's documentation, so that its example queries run on it) with
// 4000 elements on floors B01 to RF, its rooms and its areas, generated
// by package modelgen and stored as a gzipped cache directory.
//
// Regenerate it with go generate; TestEmbeddedIsCurrent fails when the
// embedded files differ from what the generator writes.
package demo

//go:generate go run ./regen

import (
	"embed"
	"io/fs"

	"github.com/bfquery/bfquery/eval"
	"github.com/bfquery/bfquery/internal/modelgen"
)

// FileID is the demo model's file id.
const FileID = modelgen.DemoFileID

// Config is what the demo cache is generated from.
var Config = modelgen.Demo

//go:embed cache
var files embed.FS

// FS returns the embedded cache directory.
func FS() fs.FS {
	sub, err := fs.Sub(files, "cache")
	if err != nil {
		panic(err) // the directory is embedded above
	}
	return sub
}

// Open loads the demo cache.
func Open() (*eval.Cache, error) { return eval.OpenFS(FS()) }
