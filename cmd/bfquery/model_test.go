package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestModelOfOneCommand checks that a command line starting with a
// command reads as it does with the whole cli: the same help and the
// same errors, for every command.
func TestModelOfOneCommand(t *testing.T) {
	for _, path := range commandPaths(t) {
		first, _, _ := strings.Cut(path, " ")
		if first != "shell" && first != "completion" {
			_, whole := model([]string{first}).(*cli)
			require.False(t, whole, "%s builds the whole cli", first)
		}
		for _, extra := range [][]string{{"--help"}, {"--no-such-flag"}, {"-h", "--no-such-flag"}} {
			args := append(strings.Fields(path), extra...)
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				var out, errOut, wantOut, wantErr strings.Builder
				code := run(args, strings.NewReader(""), &out, &errOut)
				want := runModel(&cli{}, args, strings.NewReader(""), &wantOut, &wantErr)
				require.Equal(t, want, code)
				require.Equal(t, wantOut.String(), out.String())
				require.Equal(t, wantErr.String(), errOut.String())
				require.NotEmpty(t, out.String()+errOut.String())
			})
		}
	}
}
