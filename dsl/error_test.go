package dsl_test

import (
	"errors"
	"io"
	"testing"

	"github.com/bfquery/bfquery/dsl"
)

func TestErrorUnwrap(t *testing.T) {
	err := error(&dsl.Error{Pos: dsl.Position{Filename: "a.ndjson", Line: 3, Column: 1}, Msg: "unexpected EOF", Err: io.ErrUnexpectedEOF})
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("errors.Is(%v, io.ErrUnexpectedEOF) = false", err)
	}
	if got, want := err.Error(), "a.ndjson:3:1: unexpected EOF"; got != want {
		t.Fatalf("Error() = %q, want %q", got, want)
	}
}
