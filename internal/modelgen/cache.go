package modelgen

import (
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
)

// CacheConfig describes a generated cache directory: one file target and,
// when IntegrationID is set, an integration made of IntegrationFiles files.
type CacheConfig struct {
	Seed          uint64
	FileID        string // the file target; its model has Elements elements
	Elements      int
	IntegrationID string
	// IntegrationFiles is the number of files (2 or more) of the
	// integration, each with IntegrationElements/IntegrationFiles
	// elements (Elements/IntegrationFiles when IntegrationElements is 0).
	// The first file's elements carry a fileId field; the others get
	// their file from the manifest, so both ways are exercised.
	IntegrationFiles    int
	IntegrationElements int
	Format              Format
	Gzip                bool      // write each records file gzipped (name ends in .gz)
	Pulled              time.Time // written as every target's pull time
}

// WriteCache writes a cache directory into dir (which must exist) and
// returns its manifest.
func WriteCache(dir string, c CacheConfig) (*eval.Manifest, error) {
	m := &eval.Manifest{Version: eval.ManifestVersion}
	ext := "." + string(c.Format)
	if c.Format != NDJSON {
		ext = ".json"
	}
	if c.Gzip {
		ext += ".gz"
	}
	write := func(rel string, fn func(io.Writer) error) (err error) {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(rel)), 0o755); err != nil {
			return err
		}
		f, err := os.Create(filepath.Join(dir, rel))
		if err != nil {
			return err
		}
		defer func() { err = errors.Join(err, f.Close()) }()
		if !c.Gzip {
			return fn(f)
		}
		zw := gzip.NewWriter(f) // no name nor time in the header: same input, same bytes
		if err := fn(zw); err != nil {
			return err
		}
		return zw.Close()
	}
	target := func(t dsl.TargetType, id, dir string, files []string, counts []int, seeds []uint64) error {
		tm := eval.TargetManifest{
			Type: t, ID: id, Pulled: c.Pulled.UTC(),
			Source: "https://api.bimface.com/data/v2/" + map[dsl.TargetType]string{dsl.TargetFile: "files/", dsl.TargetIntegration: "integrations/"}[t] + id + "/elements",
		}
		total := 0
		for i, fid := range files {
			cfg := Config{Elements: counts[i], Seed: seeds[i]}
			part := eval.Part{Path: dir + "/elements" + ext}
			if t == dsl.TargetIntegration {
				part.Path = dir + "/elements-" + fid + ext
				if i == 0 {
					cfg.FileIDField = fid
				} else {
					part.FileID = fid
				}
			}
			if err := write(part.Path, func(w io.Writer) error { return WriteElements(w, cfg, c.Format) }); err != nil {
				return err
			}
			tm.Elements = append(tm.Elements, part)
			total += counts[i]
		}
		tm.Counts.Elements = total
		if t == dsl.TargetFile {
			tm.Rooms = []eval.Part{{Path: dir + "/rooms" + ext}}
			tm.Areas = []eval.Part{{Path: dir + "/areas" + ext}}
			tm.Counts.Rooms, tm.Counts.Areas = Rooms(total), Areas(total)
			if err := write(tm.Rooms[0].Path, func(w io.Writer) error { return WriteRooms(w, total, seeds[0], c.Format) }); err != nil {
				return err
			}
			if err := write(tm.Areas[0].Path, func(w io.Writer) error { return WriteAreas(w, total, seeds[0], c.Format) }); err != nil {
				return err
			}
		}
		m.Targets = append(m.Targets, tm)
		return nil
	}
	if c.FileID != "" {
		if err := target(dsl.TargetFile, c.FileID, "file-"+c.FileID, []string{c.FileID}, []int{c.Elements}, []uint64{c.Seed}); err != nil {
			return nil, err
		}
	}
	if c.IntegrationID != "" {
		n := max(2, c.IntegrationFiles)
		elements := c.IntegrationElements
		if elements == 0 {
			elements = c.Elements
		}
		files := make([]string, n)
		counts := make([]int, n)
		seeds := make([]uint64, n)
		for i := range n {
			files[i] = strconv.FormatUint(1648888854324461+uint64(i)*1000003, 10)
			counts[i] = elements / n
			seeds[i] = c.Seed + uint64(i) + 1
		}
		if err := target(dsl.TargetIntegration, c.IntegrationID, "integration-"+c.IntegrationID, files, counts, seeds); err != nil {
			return nil, err
		}
	}
	return m, eval.WriteManifest(dir, m)
}

// DemoFileID is the file id of the demo model: the one in BIMFACE's
// documentation, so that its example queries run on it.
const DemoFileID = "1124890692330272"

// Demo is the configuration of the demo model that internal/demo embeds.
var Demo = CacheConfig{
	Seed:     20240501,
	FileID:   DemoFileID,
	Elements: 4000,
	Format:   NDJSON,
	Gzip:     true,
	Pulled:   time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC),
}
