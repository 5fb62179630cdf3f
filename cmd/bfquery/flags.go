package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/internal/output"
)

// Output is the --format flag of the commands that show what BIMFACE
// answered: a short line or table for people, or the answer as JSON.
type Output struct {
	Format string `short:"f" enum:"text,json" default:"text" help:"Output format: text or json."`
}

// print writes v as JSON, or calls text to write it for people. A write
// that fails is the command's error: output cut short is not success.
func (o Output) print(w io.Writer, v any, text func(w io.Writer)) error {
	if o.Format == "json" {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	}
	sw := &stickyWriter{w: w}
	text(sw)
	return sw.err
}

// stickyWriter keeps the first write error, and writes nothing after it.
type stickyWriter struct {
	w   io.Writer
	err error
}

func (s *stickyWriter) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.w.Write(p)
	s.err = err
	return n, err
}

// columns writes rows as aligned columns to w; an error stays in w.
func columns(w io.Writer, rows [][]string) {
	if err := output.Columns(w, rows); err != nil {
		if sw, ok := w.(*stickyWriter); ok && sw.err == nil {
			sw.err = err
		}
	}
}

// idAndClient reads the id argument s, named what in errors, and makes
// the client from r: the start of every command about one thing.
func idAndClient(e *env, what, s string, r *Remote) (int64, *bimface.Client, error) {
	id, err := parseID(what, s)
	if err != nil {
		return 0, nil, err
	}
	client, err := r.client(e)
	return id, client, err
}

// checkRange checks a number flag locally, rather than let the server
// refuse it.
func checkRange(flag string, n, lo, hi int64) error {
	if n < lo || n > hi {
		return inputError{fmt.Errorf("--%s %d: must be from %d to %d", flag, n, lo, hi)}
	}
	return nil
}

// checkDate checks a date flag (2006-01-02), if given.
func checkDate(flag, s string) error {
	if s == "" {
		return nil
	}
	if _, err := time.Parse("2006-01-02", s); err != nil {
		return inputError{fmt.Errorf("--%s %q: must be a date such as 2026-01-31", flag, s)}
	}
	return nil
}

func parseID(what, s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, inputError{fmt.Errorf("%s %q: must be a positive number", what, s)}
	}
	return id, nil
}

// Wait is how the commands that start a job wait for it to end.
type Wait struct {
	Wait        bool          `help:"Wait until the job ends; exit 1 if it failed."`
	WaitTimeout time.Duration `default:"30m" placeholder:"D" help:"Give up waiting after D."`
	PollMin     time.Duration `default:"500ms" hidden:""`
	PollMax     time.Duration `default:"15s" hidden:""`
}

// poll calls check until it reports done, waiting PollMin, then twice as
// long each time up to PollMax.
func (wt Wait) poll(ctx context.Context, check func() (bool, error)) error {
	ctx, cancel := context.WithTimeout(ctx, wt.WaitTimeout)
	defer cancel()
	d := wt.PollMin
	for {
		done, err := check()
		if err != nil || done {
			return err
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return fmt.Errorf("still not done after %s", wt.WaitTimeout)
			}
			return ctx.Err()
		case <-t.C:
		}
		d = min(2*d, wt.PollMax)
	}
}
