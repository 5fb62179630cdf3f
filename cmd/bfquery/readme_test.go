package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bfquery/bfquery/internal/ptytest"
)

// TestREADMEExamples runs the examples of README.md on the demo model and
// compares what they print with what the README shows:
//
//   - a block of "$ " lines: each command's output is the lines under it;
//     "$ bfquery" alone is the shell, typed into on a terminal, and what
//     the README shows is what the screen shows;
//   - a sql block: the query runs and finds something;
//   - an sh block: its bfquery commands run in order in a directory of
//     their own, with the simulator standing in for BIMFACE and serve;
//     a "# comment" after a command is its output.
//
// In what the README shows, a line "…" stands for any lines, "…" within
// a line for any text, and a time in milliseconds for any time.
func TestREADMEExamples(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	blocks := fencedBlocks(string(data))
	require.NotEmpty(t, blocks)
	ran := 0
	for _, b := range blocks {
		name := fmt.Sprintf("README.md:%d", b.line)
		switch {
		case b.lang == "sql":
			t.Run(name, func(t *testing.T) { readmeQuery(t, strings.Join(b.lines, "\n")) })
		case len(b.lines) > 0 && strings.HasPrefix(b.lines[0], "$ "):
			t.Run(name, func(t *testing.T) { readmeTranscript(t, b.lines) })
		case b.lang == "sh" && hasBfquery(b.lines):
			t.Run(name, func(t *testing.T) { readmeScript(t, b.lines) })
		default:
			continue
		}
		ran++
	}
	require.GreaterOrEqual(t, ran, 6, "the README's examples were found")
}

type fencedBlock struct {
	lang  string
	line  int // of the opening fence, from 1
	lines []string
}

// fencedBlocks returns the fenced code blocks of a markdown text.
func fencedBlocks(text string) []fencedBlock {
	var out []fencedBlock
	var cur *fencedBlock
	for i, l := range strings.Split(text, "\n") {
		switch {
		case cur == nil && strings.HasPrefix(l, "```"):
			cur = &fencedBlock{lang: strings.TrimSpace(l[3:]), line: i + 1}
		case cur != nil && strings.TrimSpace(l) == "```":
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			cur.lines = append(cur.lines, l)
		}
	}
	return out
}

// bfqueryArgs returns the arguments of a command line that runs bfquery
// ("bfquery ARGS" or "go run ./cmd/bfquery ARGS").
func bfqueryArgs(words []string) ([]string, bool) {
	switch {
	case len(words) >= 1 && words[0] == "bfquery":
		return words[1:], true
	case len(words) >= 3 && words[0] == "go" && words[1] == "run" && words[2] == "./cmd/bfquery":
		return words[3:], true
	}
	return nil, false
}

func hasBfquery(lines []string) bool {
	for _, l := range lines {
		if _, ok := bfqueryArgs(shellLine(l).words); ok {
			return true
		}
	}
	return false
}

// commandLine is one line of shell, as far as the README's need: words,
// with quotes; a pipe into head; an "&"; a comment.
type commandLine struct {
	words      []string
	head       int // lines kept by "| head -N"; 0 for all
	background bool
	comment    string
}

func shellLine(l string) commandLine {
	var c commandLine
	var w strings.Builder
	inWord := false
	end := func() {
		if inWord {
			c.words = append(c.words, w.String())
			w.Reset()
			inWord = false
		}
	}
	rs := []rune(l)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == '\'':
			j := i + 1
			for j < len(rs) && rs[j] != '\'' {
				w.WriteRune(rs[j])
				j++
			}
			i, inWord = j, true
		case r == '"':
			j := i + 1
			for j < len(rs) && rs[j] != '"' {
				if rs[j] == '\\' && j+1 < len(rs) && strings.ContainsRune(`"\$`+"`", rs[j+1]) {
					j++
				}
				w.WriteRune(rs[j])
				j++
			}
			i, inWord = j, true
		case r == '\\' && i+1 < len(rs):
			i++
			w.WriteRune(rs[i])
			inWord = true
		case r == '#' && !inWord:
			c.comment = strings.TrimSpace(string(rs[i+1:]))
			end()
			return c
		case r == '|':
			end()
			rest := strings.Fields(string(rs[i+1:]))
			if len(rest) >= 2 && rest[0] == "head" {
				c.head, _ = strconv.Atoi(strings.TrimPrefix(rest[1], "-"))
			}
			return c
		case r == '>' || r == '<':
			// A redirection: the test reads the output itself.
			end()
			return c
		case r == '&':
			end()
			c.background = true
		case r == ' ' || r == '\t':
			end()
		default:
			w.WriteRune(r)
			inWord = true
		}
	}
	end()
	return c
}

// readmeQuery runs a query of the README on the demo model.
func readmeQuery(t *testing.T, src string) {
	code, out, errOut := bfquery(t, "", "query", "-f", "count", src)
	require.Equal(t, 0, code, errOut)
	require.Empty(t, errOut)
	n, err := strconv.Atoi(strings.TrimSpace(out))
	require.NoError(t, err, out)
	require.Positive(t, n, "the README's query finds nothing on the demo model:\n%s", src)
}

// readmeTranscript runs the commands of a block of "$ " lines.
func readmeTranscript(t *testing.T, lines []string) {
	for i := 0; i < len(lines); {
		cmd := shellLine(strings.TrimPrefix(lines[i], "$ "))
		j := i + 1
		for j < len(lines) && !strings.HasPrefix(lines[j], "$ ") {
			j++
		}
		want := lines[i+1 : j]
		args, ok := bfqueryArgs(cmd.words)
		require.True(t, ok, "not a bfquery command: %s", lines[i])
		if len(args) == 0 {
			readmeShell(t, want)
		} else {
			code, out, errOut := bfquery(t, "", args...)
			got := strings.Split(strings.TrimSuffix(out+errOut, "\n"), "\n")
			if cmd.head > 0 && len(got) > cmd.head {
				got = got[:cmd.head]
			}
			requireShows(t, want, got)
			if errOut == "" {
				require.Equal(t, 0, code)
			}
		}
		i = j
	}
}

// readmeShell types the README's shell session on a terminal and reads
// the screen.
func readmeShell(t *testing.T, want []string) {
	t.Setenv("BFQUERY_HISTORY", filepath.Join(t.TempDir(), "history"))
	t.Setenv("PAGER", "cat") // the whole result on the screen, as the README shows it
	pt := ptytest.Open(t)
	done := make(chan int, 1)
	go func() { done <- run(nil, pt.TTY, pt.TTY, pt.TTY) }()
	// A prompt on a line after the lines there were: the shell has
	// answered the line typed last, and waits for the next.
	lines := 0
	prompted := func() string {
		return pt.WaitScreen("a new prompt", func(scr string) bool {
			n := strings.Count(scr, "\n") + 1
			last := scr[strings.LastIndex(scr, "\n")+1:]
			return n > lines && (last == "bfquery=>" || last == "bfquery->")
		})
	}
	for _, l := range want {
		for _, prompt := range []string{"bfquery=> ", "bfquery-> "} {
			if input, ok := strings.CutPrefix(l, prompt); ok {
				lines = strings.Count(prompted(), "\n") + 1
				pt.Send(input + "\r")
			}
		}
	}
	scr := prompted()
	pt.Send("\x04")
	select {
	case code := <-done:
		require.Equal(t, 0, code)
	case <-time.After(ptytest.WaitFor):
		t.Fatalf("the shell did not end on Ctrl-D; the screen shows:\n%s", pt.Screen())
	}
	got := strings.Split(scr, "\n")
	requireShows(t, want, got[:len(got)-1])
}

// readmeScript runs the bfquery commands of an sh block in order, in a
// directory of their own, with a simulator for BIMFACE.
func readmeScript(t *testing.T, lines []string) {
	srv := jobServer(t)
	t.Chdir(t.TempDir())
	// The model file a user would upload.
	require.NoError(t, os.WriteFile("tower.rvt", []byte("a model"), 0o644))
	for _, l := range lines {
		cmd := shellLine(l)
		if len(cmd.words) == 0 {
			continue
		}
		if cmd.words[0] == "export" {
			for _, kv := range cmd.words[1:] {
				k, v, _ := strings.Cut(kv, "=")
				if k == "BIMFACE_ENDPOINT" {
					v = srv.URL
				}
				t.Setenv(k, v)
			}
			continue
		}
		args, ok := bfqueryArgs(cmd.words)
		if !ok {
			// go install, go test and the like: the test runs in go test.
			continue
		}
		if len(args) > 0 && args[0] == "serve" {
			// The simulator serves already; serve's flags are checked
			// by its own tests.
			require.True(t, cmd.background, "serve runs in the background: %s", l)
			continue
		}
		code, out, errOut := bfquery(t, "", args...)
		require.Equal(t, 0, code, "%s\n%s", l, errOut)
		if cmd.comment != "" {
			requireShows(t, []string{cmd.comment}, strings.Split(strings.TrimSuffix(out, "\n"), "\n"))
		}
		if args[0] == "query" {
			require.NotEmpty(t, strings.TrimSpace(out), l)
			require.NotEqual(t, "0\n", out, "the query finds nothing: %s", l)
		}
	}
}

var millis = regexp.MustCompile(`\d+(\.\d+)? ms`)

// requireShows checks that got is what the README shows (want).
func requireShows(t *testing.T, want, got []string) {
	t.Helper()
	if !shows(want, got) {
		t.Fatalf("the README shows:\n%s\n\nbut bfquery shows:\n%s", strings.Join(want, "\n"), strings.Join(got, "\n"))
	}
}

// shows matches lines against the README's lines, with its wildcards.
func shows(want, got []string) bool {
	if len(want) == 0 {
		return len(got) == 0
	}
	if strings.TrimSpace(want[0]) == "…" {
		for i := 0; i <= len(got); i++ {
			if shows(want[1:], got[i:]) {
				return true
			}
		}
		return false
	}
	return len(got) > 0 && lineShows(want[0], got[0]) && shows(want[1:], got[1:])
}

func lineShows(want, got string) bool {
	want, got = millis.ReplaceAllString(want, "N ms"), millis.ReplaceAllString(got, "N ms")
	if !strings.Contains(want, "…") {
		return want == got
	}
	parts := strings.Split(want, "…")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile("^" + strings.Join(parts, ".*") + "$").MatchString(got)
}
