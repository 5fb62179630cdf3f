package shell

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestHistoryFile(t *testing.T) {
	// Paths are joined with the separator of the system the test runs
	// on; what is checked is which variable each system reads.
	j := filepath.Join
	for _, tc := range []struct {
		name string
		goos string
		env  map[string]string
		want string
		err  string
	}{
		{"windows", "windows", map[string]string{"LOCALAPPDATA": `C:\Users\ana\AppData\Local`, "APPDATA": `C:\Users\ana\AppData\Roaming`, "HOME": "/home/ana"},
			j(`C:\Users\ana\AppData\Local`, "bfquery", "history"), ""},
		{"windows ignores XDG", "windows", map[string]string{"LOCALAPPDATA": `C:\Users\ana\AppData\Local`, "XDG_STATE_HOME": "/xdg"},
			j(`C:\Users\ana\AppData\Local`, "bfquery", "history"), ""},
		{"windows without LOCALAPPDATA", "windows", map[string]string{"HOME": "/home/ana", "USERPROFILE": `C:\Users\ana`},
			"", "%LOCALAPPDATA% is not defined: set BFQUERY_HISTORY"},
		{"windows BFQUERY_HISTORY", "windows", map[string]string{"BFQUERY_HISTORY": `D:\h.txt`}, `D:\h.txt`, ""},
		{"linux", "linux", map[string]string{"HOME": "/home/ana", "LOCALAPPDATA": "/nope"},
			j("/home/ana", ".local", "state", "bfquery", "history"), ""},
		{"linux XDG", "linux", map[string]string{"HOME": "/home/ana", "XDG_STATE_HOME": "/xdg"},
			j("/xdg", "bfquery", "history"), ""},
		{"linux BFQUERY_HISTORY", "linux", map[string]string{"HOME": "/home/ana", "XDG_STATE_HOME": "/xdg", "BFQUERY_HISTORY": "/tmp/h"}, "/tmp/h", ""},
		{"linux without HOME", "linux", map[string]string{}, "", "$HOME is not defined: set BFQUERY_HISTORY"},
		{"darwin", "darwin", map[string]string{"HOME": "/Users/ana"},
			j("/Users/ana", "Library", "Application Support", "bfquery", "history"), ""},
		{"darwin XDG", "darwin", map[string]string{"HOME": "/Users/ana", "XDG_STATE_HOME": "/xdg"},
			j("/xdg", "bfquery", "history"), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := historyFile(tc.goos, func(k string) string { return tc.env[k] })
			if tc.err != "" {
				require.EqualError(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}
