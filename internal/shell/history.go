package shell

import (
	"bufio"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/bfquery/bfquery/internal/robustio"
)

// HistoryLimit is how many entries the history file keeps.
const HistoryLimit = 1000

// DefaultHistoryFile returns where the history is kept: BFQUERY_HISTORY if
// set; else bfquery/history in the user's state directory. On Windows that
// is %LOCALAPPDATA%, since a history belongs to the machine rather than to
// a roaming profile; elsewhere $XDG_STATE_HOME, or ~/.local/state as the
// XDG base directory spec says, or on macOS ~/Library/Application Support.
func DefaultHistoryFile() (string, error) {
	return historyFile(runtime.GOOS, os.Getenv)
}

// historyFile is DefaultHistoryFile for the system goos and the
// environment getenv.
func historyFile(goos string, getenv func(string) string) (string, error) {
	if p := getenv("BFQUERY_HISTORY"); p != "" {
		return p, nil
	}
	if goos == "windows" {
		d := getenv("LOCALAPPDATA")
		if d == "" {
			return "", errors.New("%LOCALAPPDATA% is not defined: set BFQUERY_HISTORY")
		}
		return filepath.Join(d, "bfquery", "history"), nil
	}
	if d := getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "bfquery", "history"), nil
	}
	home := getenv("HOME")
	if home == "" {
		return "", errors.New("$HOME is not defined: set BFQUERY_HISTORY")
	}
	if goos == "darwin" {
		return filepath.Join(home, "Library", "Application Support", "bfquery", "history"), nil
	}
	return filepath.Join(home, ".local", "state", "bfquery", "history"), nil
}

// history is the history file: one entry a line, oldest first.
type history struct {
	path    string
	entries []string
}

// loadHistory reads the history file, if there is one, and rewrites it
// when it has grown to twice the limit.
func loadHistory(path string) (*history, error) {
	h := &history{path: path}
	if path == "" {
		return h, nil
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return h, nil
	}
	if err != nil {
		return h, err
	}
	defer f.Close()
	if err := tighten(f); err != nil {
		return h, err
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		if line := decodeEntry(sc.Text()); line != "" {
			h.entries = append(h.entries, line)
		}
	}
	if err := sc.Err(); err != nil {
		return h, err
	}
	if n := len(h.entries); n > HistoryLimit {
		h.entries = h.entries[n-HistoryLimit:]
		// Appending is cheap and safe; rewriting is done only now and
		// then.
		if n >= 2*HistoryLimit {
			return h, h.rewrite()
		}
	}
	return h, nil
}

func (h *history) rewrite() error {
	tmp := h.path + ".tmp"
	var b strings.Builder
	for _, e := range h.entries {
		b.WriteString(encodeEntry(e))
		b.WriteByte('\n')
	}
	if err := os.WriteFile(tmp, []byte(b.String()), 0o600); err != nil {
		return err
	}
	return robustio.Rename(tmp, h.path)
}

// add appends an entry to the file, which it creates with mode 0600: the
// queries an analyst types are nobody else's business.
func (h *history) add(entry string) error {
	if n := len(h.entries); n > 0 && h.entries[n-1] == entry || entry == "" {
		return nil
	}
	h.entries = append(h.entries, entry)
	if h.path == "" {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(h.path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(h.path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	_, err = f.WriteString(encodeEntry(entry) + "\n")
	return errors.Join(err, f.Close())
}

// historyEntry is what the history keeps of a statement or command: the
// text as it was typed, over several lines if it was, string literals
// and comments included.
func historyEntry(src string) string {
	return strings.TrimSpace(src)
}

// editLine is how an entry comes back into the line editor, which edits
// one line: the lines of a statement joined by spaces, with the comments
// that would swallow what follows them dropped. A line break inside a
// string stays: it is part of the value. The history file keeps the
// entry as it was typed.
func editLine(entry string) string {
	if strings.HasPrefix(entry, `\`) || !strings.ContainsAny(entry, "\r\n") {
		return entry
	}
	src := []rune(entry)
	var b strings.Builder
	prev := -1
	for _, t := range lex(src) {
		if prev >= 0 {
			gap := string(src[prev:t.Start])
			if strings.ContainsAny(gap, "\r\n") || strings.Contains(gap, "--") || strings.Contains(gap, "/*") {
				gap = " "
			}
			b.WriteString(gap)
		}
		b.WriteString(string(src[t.Start:t.End]))
		prev = t.End
	}
	return b.String()
}

// encodeEntry writes an entry on one line of the file: as it is, or, when
// it holds a line break (or starts with a double quote, which would read
// as one of those), as a JSON string. A file written before keeps
// reading the same.
func encodeEntry(e string) string {
	if !strings.ContainsAny(e, "\r\n") && !strings.HasPrefix(e, `"`) {
		return e
	}
	b, _ := json.Marshal(e) // a string always marshals
	return string(b)
}

// decodeEntry reads one line of the file.
func decodeEntry(line string) string {
	line = strings.TrimSpace(line)
	if strings.HasPrefix(line, `"`) {
		var e string
		if json.Unmarshal([]byte(line), &e) == nil {
			return e
		}
	}
	return line
}

// tighten makes the history file readable by its owner only, as it is
// created: a file that an older version or another tool left readable
// by others holds queries that are nobody else's business.
func tighten(f *os.File) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	info, err := f.Stat()
	if err != nil {
		return err
	}
	if info.Mode().Perm()&0o077 != 0 {
		return f.Chmod(info.Mode().Perm() &^ 0o077)
	}
	return nil
}
