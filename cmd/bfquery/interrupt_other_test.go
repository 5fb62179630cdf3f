//go:build !unix

package main

import (
	"runtime"
	"testing"
)

// interrupt would send the process Ctrl-C; a Windows process cannot send
// it to itself alone (GenerateConsoleCtrlEvent reaches the whole console,
// go test included), so the test stops here.
func interrupt(t *testing.T) {
	t.Helper()
	t.Skipf("a process cannot interrupt itself alone on %s", runtime.GOOS)
}
