package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
	"github.com/bfquery/bfquery/export"
	"github.com/bfquery/bfquery/internal/demo"
)

// ExportCmd is "bfquery export": caches in, a dataset of Parquet (or CSV,
// or NDJSON) files out.
type ExportCmd struct {
	Cache       []string `type:"path" placeholder:"DIR" help:"A cache directory; repeat it to put several into the dataset. Without it, the demo model (file ${demo_id})."`
	File        []string `placeholder:"ID" help:"Export only this file of the caches (repeatable)."`
	Integration []string `placeholder:"ID" help:"Export only this integration of the caches (repeatable)."`
	Format      string   `short:"f" default:"parquet" enum:"parquet,csv,ndjson" help:"The files' format (${enum})."`
	Out         string   `required:"" type:"path" placeholder:"DIR" help:"The dataset directory: DIR/elements/target_id=ID/ and DIR/properties/target_id=ID/. An export of a target replaces that target's files."`
}

func (c *ExportCmd) Run(e *env) error {
	type source struct {
		fsys  fs.FS
		name  string // for messages
		dir   string // for errors in its files: "" for the demo model
		files []string
		integ []string
	}
	var sources []*source
	if len(c.Cache) == 0 {
		sources = append(sources, &source{fsys: demo.FS(), name: "the demo model"})
	}
	for _, dir := range c.Cache {
		sources = append(sources, &source{fsys: os.DirFS(dir), name: dir, dir: dir})
	}
	// A target asked for must be in some cache; each cache exports those
	// it holds, and a cache that holds none of them is left out. All is
	// checked before anything is written.
	if len(c.File)+len(c.Integration) > 0 {
		found := map[string]bool{}
		for _, src := range sources {
			m, err := eval.ReadManifest(src.fsys, filepath.Join(src.dir, eval.ManifestName))
			if err != nil {
				return err
			}
			for _, tm := range m.Targets {
				for _, ask := range []struct {
					t   dsl.TargetType
					ids []string
					dst *[]string
				}{{dsl.TargetFile, c.File, &src.files}, {dsl.TargetIntegration, c.Integration, &src.integ}} {
					for _, id := range ask.ids {
						if tm.Type == ask.t && tm.ID == id {
							*ask.dst = append(*ask.dst, id)
							found[string(ask.t)+" "+id] = true
						}
					}
				}
			}
		}
		for _, ask := range []struct {
			t   dsl.TargetType
			ids []string
		}{{dsl.TargetFile, c.File}, {dsl.TargetIntegration, c.Integration}} {
			for _, id := range ask.ids {
				if !found[string(ask.t)+" "+id] {
					return fmt.Errorf("%s %s is in none of the caches", ask.t, id)
				}
			}
		}
	}
	for _, src := range sources {
		opt := export.Options{Format: export.Format(c.Format), Files: src.files, Integrations: src.integ}
		if len(c.File)+len(c.Integration) > 0 && len(src.files)+len(src.integ) == 0 {
			continue
		}
		st, err := export.ExportFS(src.fsys, src.dir, c.Out, opt)
		if err != nil {
			return err
		}
		targets := "targets"
		if st.Targets == 1 {
			targets = "target"
		}
		fmt.Fprintf(e.stderr, "exported %s into %s: %d %s, %d records, %d property rows, %d files\n",
			src.name, c.Out, st.Targets, targets, st.Records, st.Properties, st.Files)
	}
	return nil
}
