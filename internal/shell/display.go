package shell

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/mattn/go-runewidth"
	"golang.org/x/term"

	"github.com/bfquery/bfquery/eval"
	"github.com/bfquery/bfquery/internal/output"
)

// Pager settings, as psql's \pset pager: on pages what is taller or wider
// than the terminal, always pages everything, off never.
const (
	pagerOff    = "off"
	pagerOn     = "on"
	pagerAlways = "always"
)

// result shows what a statement or command gives: its body, then its
// footer (the number of rows, the time). On a terminal both go to the
// screen, through the pager when the body does not fit; from a script
// the body goes to Stdout and the footer is a message (say).
func (s *Shell) result(body, footer string) {
	if !s.cfg.Terminal {
		io.WriteString(s.cfg.Stdout, body)
		if footer != "" {
			s.say("%s", footer)
		}
		return
	}
	if footer != "" && !s.cfg.Quiet {
		body += footer + "\n"
	}
	s.show(body)
}

// show writes text on the terminal, through the pager when the setting
// and the text's size call for it.
func (s *Shell) show(text string) {
	if s.paged(text) {
		err := s.runPager(text)
		if err == nil {
			return
		}
		fmt.Fprintf(s.cfg.Stderr, "warning: pager %q: %v\n", s.cfg.Pager, err)
	}
	io.WriteString(s.cfg.Stdout, text)
}

// paged reports whether text goes through the pager.
func (s *Shell) paged(text string) bool {
	if !s.cfg.Terminal || s.cfg.Pager == "" || s.pager == pagerOff {
		return false
	}
	if s.pager == pagerAlways {
		return true
	}
	f, ok := s.cfg.Stdout.(*os.File)
	if !ok {
		return false
	}
	w, h, err := term.GetSize(int(f.Fd()))
	if err != nil || h <= 0 {
		return false
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	// The prompt takes a line of the screen too.
	if len(lines) >= h {
		return true
	}
	for _, l := range lines {
		if runewidth.StringWidth(l) > w {
			return true
		}
	}
	return false
}

// runPager runs the pager command on text, through the shell, with the
// terminal as its output.
func (s *Shell) runPager(text string) error {
	cmd := shellCommand(s.cfg.Pager)
	if os.Getenv("LESS") == "" {
		// As git does: less quits when the text fits, shows colours, and
		// leaves the text on the screen.
		cmd.Env = append(os.Environ(), "LESS=FRX")
	}
	cmd.Stdin = strings.NewReader(text)
	cmd.Stdout, cmd.Stderr = s.cfg.Stdout, s.cfg.Stderr
	return cmd.Run()
}

// shellCommand runs a command line the user gave ($PAGER, $EDITOR) as a
// shell would.
func shellCommand(line string, args ...string) *exec.Cmd {
	if runtime.GOOS == "windows" {
		return exec.Command("cmd", append([]string{"/c", line}, args...)...)
	}
	// "$@" passes the arguments as they are, whatever they hold.
	return exec.Command("sh", append([]string{"-c", line + ` "$@"`, "sh"}, args...)...)
}

// expanded writes an answer as psql's \x does: one block per row, a line
// per column. It reads the answer's CSV, so it shows the columns the
// table would.
func expanded(a output.Answer) (string, error) {
	var b bytes.Buffer
	w := output.NewWriter(&b, output.CSV)
	if err := errors.Join(w.Write(a), w.Flush()); err != nil {
		return "", err
	}
	records, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		return "", err
	}
	if len(records) < 2 {
		return "(0 rows)\n", nil
	}
	if len(a.Results) == 1 && records[0][0] == "targetId" {
		// As in the table: the target is a column when there are several.
		for i := range records {
			records[i] = records[i][1:]
		}
	}
	header := records[0]
	kw := 0
	for _, h := range header {
		kw = max(kw, runewidth.StringWidth(h))
	}
	var out strings.Builder
	for i, rec := range records[1:] {
		vw := 0
		for _, v := range rec {
			vw = max(vw, runewidth.StringWidth(v))
		}
		title := "-[ RECORD " + strconv.Itoa(i+1) + " ]"
		out.WriteString(title)
		out.WriteString(strings.Repeat("-", max(0, kw+1-runewidth.StringWidth(title))))
		out.WriteString("+")
		out.WriteString(strings.Repeat("-", vw+1))
		out.WriteString("\n")
		for j, v := range rec {
			out.WriteString(runewidth.FillRight(header[j], kw))
			out.WriteString(" | ")
			out.WriteString(v)
			out.WriteString("\n")
		}
	}
	return out.String(), nil
}

// print shows an answer: in full in the \o file, or at most maxRows rows
// on the screen, followed by the number of rows and the time taken.
func (s *Shell) print(a output.Answer, elapsed time.Duration) {
	n := a.Len()
	if s.out != nil {
		w := output.NewWriter(s.out, s.format)
		if err := errors.Join(w.Write(a), w.Flush()); err != nil {
			s.error(err)
			return
		}
		s.say("(%s written to %s%s)", rowsText(n), s.out.Name(), s.took(elapsed))
		return
	}
	shown := a
	if s.maxRows >= 0 && n > s.maxRows && s.format != output.JSON && s.format != output.JSONTable && s.format != output.Count {
		shown = truncate(a, s.maxRows)
	}
	var text string
	if s.expanded && s.format == output.Table {
		var err error
		if text, err = expanded(shown); err != nil {
			s.error(err)
			return
		}
	} else {
		var b bytes.Buffer
		w := output.NewWriter(&b, s.format)
		if err := errors.Join(w.Write(shown), w.Flush()); err != nil {
			s.error(err)
			return
		}
		text = b.String()
		if s.format == output.Table {
			// The table ends with its own count; the shell's footer says more.
			text = strings.TrimSuffix(text, "\n")
			if i := strings.LastIndexByte(text, '\n'); i >= 0 {
				text = text[:i+1]
			}
			if header, rest, ok := strings.Cut(text, "\n"); ok {
				text = s.bold(header) + "\n" + rest
			}
		}
	}
	var footer string
	switch m := shown.Len(); {
	case s.format == output.Count:
		if s.timing {
			footer = fmt.Sprintf("(%s)", strings.TrimPrefix(s.took(elapsed), ", "))
		}
	case m < n:
		footer = fmt.Sprintf("(%s%s; %d shown, \\rows N to show more, \\export FILE for all)", rowsText(n), s.took(elapsed), m)
	default:
		footer = fmt.Sprintf("(%s%s)", rowsText(n), s.took(elapsed))
	}
	s.result(text, footer)
}

func rowsText(n int) string {
	if n == 1 {
		return "1 row"
	}
	return strconv.Itoa(n) + " rows"
}

func (s *Shell) took(d time.Duration) string {
	if !s.timing {
		return ""
	}
	return ", " + Duration(d)
}

// Duration writes a query's time as psql's \timing does, in milliseconds
// below a second.
func Duration(d time.Duration) string {
	if d < time.Second {
		return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 1, 64) + " ms"
	}
	return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + " s"
}

// truncate keeps the first n IDs of an answer, with their records.
func truncate(a output.Answer, n int) output.Answer {
	if a.Table != nil {
		return a.Head(n)
	}
	out := output.Answer{Select: a.Select}
	for i, r := range a.Results {
		if n <= 0 {
			break
		}
		k := min(n, len(r.IDs))
		out.Results = append(out.Results, eval.Result{TargetID: r.TargetID, Select: r.Select, IDs: r.IDs[:k]})
		if i < len(a.Records) {
			out.Records = append(out.Records, a.Records[i][:min(k, len(a.Records[i]))])
		}
		n -= k
	}
	return out
}

func (s *Shell) grid(header []string, rows [][]string, n int, noun string) {
	var b bytes.Buffer
	if err := output.Grid(&b, header, rows); err != nil {
		s.error(err)
		return
	}
	h, rest, _ := strings.Cut(b.String(), "\n")
	footer := fmt.Sprintf("(%d %ss)", n, noun)
	if n == 1 {
		footer = fmt.Sprintf("(1 %s)", noun)
	}
	s.result(s.bold(h)+"\n"+rest, footer)
}
