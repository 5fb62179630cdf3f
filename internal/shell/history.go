package shell

import (
	"bufio"
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
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
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
	if err := os.WriteFile(tmp, []byte(strings.Join(h.entries, "\n")+"\n"), 0o600); err != nil {
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
	_, err = f.WriteString(entry + "\n")
	return errors.Join(err, f.Close())
}

// historyEntry makes one line of a statement typed over several lines:
// comments to the end of a line are dropped, since joining would make
// them swallow what follows.
func historyEntry(src string) string {
	lines := strings.Split(src, "\n")
	for i, line := range lines {
		rs := []rune(line)
		end := 0
		if toks := lex(rs); len(toks) > 0 {
			end = toks[len(toks)-1].End
		}
		if strings.HasPrefix(strings.TrimSpace(string(rs[end:])), "--") {
			rs = rs[:end]
		}
		lines[i] = strings.TrimSpace(string(rs))
	}
	var out []string
	for _, l := range lines {
		if l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, " ")
}
