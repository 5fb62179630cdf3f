package main

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/bfquery/bfquery/bimface/pull"
	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/internal/progress"
)

// PullCmd is "bfquery pull": download a target's elements, rooms and
// areas into a cache directory.
type PullCmd struct {
	File        string `xor:"target" required:"" placeholder:"ID" help:"The file to pull."`
	Integration string `xor:"target" required:"" placeholder:"ID" help:"The integration to pull."`
	Out         string `required:"" type:"path" placeholder:"DIR" help:"The cache directory; an interrupted pull into it resumes."`
	Refresh     bool   `help:"Pull again a target the cache already holds."`
	Concurrency int    `default:"4" help:"Batch requests at once."`
	Quiet       bool   `short:"q" help:"No progress bar."`
	Remote      Remote `embed:""`
	Paging      `embed:""`
}

func (c *PullCmd) Run(e *env) error {
	paging, err := c.Paging.options()
	if err != nil {
		return err
	}
	client, err := c.Remote.client(e, paging...)
	if err != nil {
		return err
	}
	opts := pull.Options{Type: dsl.TargetFile, ID: c.File, Dir: c.Out, Refresh: c.Refresh, Concurrency: c.Concurrency}
	if c.Integration != "" {
		opts.Type, opts.ID = dsl.TargetIntegration, c.Integration
	}
	var bar *progress.Bar
	if !c.Quiet && isTerminal(e.stderr) {
		bar = newBar(e.stderr)
		opts.Progress = func(p pull.Progress) {
			// A total of 0 is one not known yet (while the IDs are
			// listed), or an empty target: no bar either way.
			bar.Update(string(p.Stage), int64(p.Done), int64(p.Total))
		}
	}
	res, err := pull.Pull(e.ctx, client, opts)
	if bar != nil {
		if err == nil {
			bar.Finish()
		} else {
			bar.Exit() // where it stopped, not full
		}
		fmt.Fprintln(e.stderr)
	}
	if err != nil {
		if errors.Is(err, e.ctx.Err()) && e.ctx.Err() != nil {
			return fmt.Errorf("pull interrupted; run the same command again to resume")
		}
		return err
	}
	switch {
	case res.UpToDate:
		fmt.Fprintf(e.stdout, "%s %s is already in %s (%d elements); --refresh pulls it again\n", opts.Type, opts.ID, c.Out, res.Target.Counts.Elements)
	default:
		n := res.Target.Counts
		fmt.Fprintf(e.stdout, "pulled %s %s into %s: %d elements (%d resumed), %d rooms, %d areas in %s\n",
			opts.Type, opts.ID, c.Out, n.Elements, res.Resumed, n.Rooms, n.Areas, res.Elapsed.Round(time.Millisecond))
	}
	return nil
}

// newBar is a progress bar of a pull's elements on w, a terminal: the
// stage, the count, rate and time left.
func newBar(w io.Writer) *progress.Bar {
	return progress.New(w, progress.Options{Total: -1, Unit: "elements"})
}
