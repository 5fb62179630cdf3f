package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCompletionScripts(t *testing.T) {
	for _, sh := range []string{"bash", "zsh", "fish"} {
		code, out, errOut := bfquery(t, "", "completion", sh)
		require.Equal(t, 0, code, errOut)
		for _, cmd := range []string{"query", "dsl", "fmt", "pull", "serve", "shell", "completion"} {
			require.Contains(t, out, "'"+cmd+"'", sh)
		}
	}
	code, _, errOut := bfquery(t, "", "completion", "csh")
	require.Equal(t, 2, code)
	require.Contains(t, errOut, `must be one of "bash","zsh","fish"`)
}

// TestBashCompletion loads the bash script in bash and asks it what it
// completes.
func TestBashCompletion(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	code, script, _ := bfquery(t, "", "completion", "bash")
	require.Equal(t, 0, code)
	path := filepath.Join(t.TempDir(), "bfquery.bash")
	require.NoError(t, os.WriteFile(path, []byte(script), 0o644))
	out, err := exec.Command(bash, "-n", path).CombinedOutput()
	require.NoError(t, err, string(out))

	complete := func(words ...string) []string {
		t.Helper()
		probe := `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _bfquery; printf '%s\n' "${COMPREPLY[@]}"`
		out, err := exec.Command(bash, append([]string{"--norc", "--noprofile", "-c", probe, "probe", path}, words...)...).CombinedOutput()
		require.NoError(t, err, string(out))
		return strings.Fields(string(out))
	}
	require.Subset(t, complete("bfquery", ""), []string{"query", "dsl", "fmt", "pull", "serve", "shell", "completion"})
	require.Equal(t, []string{"serve", "sql", "share", "shell"}, complete("bfquery", "s"))
	require.Equal(t, []string{"start", "status"}, complete("bfquery", "translate", "st"))
	require.Equal(t, []string{"create", "show", "list", "delete"}, complete("bfquery", "share", ""))
	require.Equal(t, []string{"--texture"}, complete("bfquery", "translate", "--tex"))
	require.Equal(t, []string{"auto", "ids", "json", "count", "table", "csv", "json-table"}, complete("bfquery", "query", "--format", ""))
	require.Equal(t, []string{"--history"}, complete("bfquery", "shell", "--hi"))
	require.Equal(t, []string{"bash"}, complete("bfquery", "completion", "ba"))
}
