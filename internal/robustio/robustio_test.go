package robustio

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestRename(t *testing.T) {
	dir := t.TempDir()
	old, target := filepath.Join(dir, "new.json"), filepath.Join(dir, "manifest.json")
	require.NoError(t, os.WriteFile(target, []byte("old"), 0o644))
	require.NoError(t, os.WriteFile(old, []byte("new"), 0o644))
	require.NoError(t, Rename(old, target))
	b, err := os.ReadFile(target)
	require.NoError(t, err)
	require.Equal(t, "new", string(b))
	_, err = os.Stat(old)
	require.ErrorIs(t, err, os.ErrNotExist)

	// A missing file is no reason to wait: the error is os.Rename's.
	missing := filepath.Join(dir, "missing")
	err = Rename(missing, target)
	require.EqualError(t, err, os.Rename(missing, target).Error())
}

func TestSyncDir(t *testing.T) {
	require.NoError(t, SyncDir(t.TempDir()))
}

var (
	errBusy = errors.New("busy")
	errGone = errors.New("gone")
)

func TestRetry(t *testing.T) {
	for _, tc := range []struct {
		name  string
		errs  []error // what the calls return, the last one from then on
		limit time.Duration
		want  error
		calls int // -1: more than one
	}{
		{"at once", []error{nil}, time.Minute, nil, 1},
		{"after a busy file", []error{errBusy, errBusy, nil}, time.Minute, nil, 3},
		{"other error", []error{errGone}, time.Minute, errGone, 1},
		{"busy, then other error", []error{errBusy, errGone}, time.Minute, errGone, 2},
		{"busy, no time", []error{errBusy}, 0, errBusy, 1},
		{"busy past the limit", []error{errBusy}, 30 * time.Millisecond, errBusy, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			err := retry(func() error {
				err := tc.errs[min(calls, len(tc.errs)-1)]
				calls++
				return err
			}, func(err error) bool { return err == errBusy }, tc.limit)
			require.Equal(t, tc.want, err)
			if tc.calls < 0 {
				require.Greater(t, calls, 1)
			} else {
				require.Equal(t, tc.calls, calls)
			}
		})
	}
}
