package output_test

import (
	"strings"
	"testing"

	"github.com/bfquery/bfquery/internal/output"
)

// TestColumnsAlignChinese checks that columns line up by display width:
// a Chinese character takes two columns of a terminal.
func TestColumnsAlignChinese(t *testing.T) {
	var b strings.Builder
	if err := output.Columns(&b, [][]string{{"ID", "NAME", "STATUS"}, {"1", "办公楼.rvt", "success"}, {"22", "a.rvt", "failed\n"}}); err != nil {
		t.Fatal(err)
	}
	want := "ID  NAME        STATUS\n" +
		"1   办公楼.rvt  success\n" +
		"22  a.rvt       failed\n"
	if got := b.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
