package main

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDependencies checks that the binary does not link packages whose
// initialisation every run of bfquery would pay: parquet-go (and
// protobuf, brotli, lz4… which it brings) took a quarter of the start of
// a one-shot query. export writes Parquet with internal/parquet; tests
// may read it with parquet-go.
func TestDependencies(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	out, err := exec.Command(goCmd, "list", "-deps", "github.com/bfquery/bfquery/cmd/bfquery").Output()
	require.NoError(t, err)
	var linked []string
	for _, pkg := range strings.Fields(string(out)) {
		if strings.HasPrefix(pkg, "github.com/parquet-go/") || strings.HasPrefix(pkg, "google.golang.org/protobuf") {
			linked = append(linked, pkg)
		}
	}
	require.Empty(t, linked, "bfquery must not link these: their package initialisation slows the start of every process")
}
