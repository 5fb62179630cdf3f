package output

import (
	"bufio"
	"io"
	"strings"

	"github.com/mattn/go-runewidth"
)

// Grid writes rows under a header, aligned as the table format aligns
// answers (by display width, so that Chinese text lines up), without a
// count: for listings that are not answers, such as the shell's keys and
// values.
func Grid(w io.Writer, header []string, rows [][]string) error {
	widths := make([]int, len(header))
	for i, h := range header {
		widths[i] = runewidth.StringWidth(h)
	}
	cells := make([][]string, len(rows))
	for r, row := range rows {
		cells[r] = make([]string, len(header))
		for i := range header {
			if i < len(row) {
				cells[r][i] = runewidth.Truncate(sanitize(row[i]), maxCell, "…")
			}
			widths[i] = max(widths[i], runewidth.StringWidth(cells[r][i]))
		}
	}
	ow := &Writer{w: bufio.NewWriter(w)}
	rule := make([]string, len(header))
	for i := range header {
		rule[i] = strings.Repeat("-", widths[i])
	}
	ow.tableRow(header, widths, " | ")
	ow.tableRow(rule, widths, "-+-")
	for _, row := range cells {
		ow.tableRow(row, widths, " | ")
	}
	return ow.w.Flush()
}

// Columns writes rows as plain columns two spaces apart, aligned by
// display width (Chinese text takes two columns a character), without
// rules or a count: the listings of files, translations and share links.
// The first row is usually a header.
func Columns(w io.Writer, rows [][]string) error {
	var widths []int
	for _, row := range rows {
		for i, cell := range row {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], runewidth.StringWidth(sanitize(cell)))
		}
	}
	bw := bufio.NewWriter(w)
	for _, row := range rows {
		var line strings.Builder
		for i, cell := range row {
			cell = sanitize(cell)
			line.WriteString(cell)
			if i < len(row)-1 {
				line.WriteString(strings.Repeat(" ", widths[i]-runewidth.StringWidth(cell)+2))
			}
		}
		bw.WriteString(strings.TrimRight(line.String(), " "))
		bw.WriteByte('\n')
	}
	return bw.Flush()
}
