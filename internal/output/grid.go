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
