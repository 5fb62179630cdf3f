package main

import (
	"fmt"

	"github.com/bfquery/bfquery/bimface"
)

// CompareCmd is "bfquery compare": compare two versions of a model, show
// how a comparison goes, delete one.
type CompareCmd struct {
	Start  CompareStartCmd  `cmd:"" default:"withargs" help:"Start comparing two versions of a model (the default: bfquery compare --previous ID --following ID)."`
	Status CompareStatusCmd `cmd:"" help:"Show how a comparison goes."`
	Delete CompareDeleteCmd `cmd:"" help:"Delete a comparison."`
}

// CompareStartCmd is "bfquery compare [start]".
type CompareStartCmd struct {
	Previous     string `required:"" placeholder:"ID" help:"The version before: a translated file, or an integration with --integrations."`
	Following    string `required:"" placeholder:"ID" help:"The version after."`
	Integrations bool   `help:"Compare two integrations instead of two files."`
	Name         string `help:"The comparison's name."`
	Priority     int    `default:"2" enum:"1,2,3" help:"1, 2 or 3; a larger number is a lower priority."`
	Callback     string `placeholder:"URL" help:"The URL BIMFACE calls when the comparison ends."`
	Wait         `embed:""`
	Output       `embed:""`
	Remote       Remote `embed:""`
}

func (c *CompareStartCmd) Run(e *env) error {
	prev, err := parseID("--previous id", c.Previous)
	if err != nil {
		return err
	}
	next, err := parseID("--following id", c.Following)
	if err != nil {
		return err
	}
	client, err := c.Remote.client(e)
	if err != nil {
		return err
	}
	req := &bimface.CompareRequest{PreviousID: prev, FollowingID: next, ComparedEntityType: "file", Name: c.Name, Priority: c.Priority, Callback: c.Callback}
	if c.Integrations {
		req.ComparedEntityType = "integration"
	}
	cmp, err := client.Compare.Start(e.ctx, req)
	if err != nil {
		return err
	}
	return showComparison(e, client, cmp, c.Wait, c.Output)
}

// CompareStatusCmd is "bfquery compare status ID".
type CompareStatusCmd struct {
	ID     string `arg:"" name:"comparison-id" help:"The comparison to show."`
	Wait   `embed:""`
	Output `embed:""`
	Remote Remote `embed:""`
}

func (c *CompareStatusCmd) Run(e *env) error {
	id, client, err := idAndClient(e, "comparison id", c.ID, &c.Remote)
	if err != nil {
		return err
	}
	cmp, err := client.Compare.Status(e.ctx, id)
	if err != nil {
		return err
	}
	return showComparison(e, client, cmp, c.Wait, c.Output)
}

// showComparison waits for cmp to end if asked, prints it, and fails if
// it failed.
func showComparison(e *env, client *bimface.Client, cmp *bimface.Comparison, wt Wait, out Output) error {
	return showJob(e, wt, out, cmp, fmt.Sprintf("comparison %d", cmp.CompareID),
		func() (*bimface.Comparison, error) { return client.Compare.Status(e.ctx, cmp.CompareID) },
		func(cmp *bimface.Comparison) (string, string) {
			return fmt.Sprintf("%s: %s", named("comparison", cmp.CompareID, cmp.Name), cmp.Status), failure(cmp.Status, cmp.Reason)
		})
}

// CompareDeleteCmd is "bfquery compare delete ID".
type CompareDeleteCmd struct {
	ID     string `arg:"" name:"comparison-id" help:"The comparison to delete."`
	Remote Remote `embed:""`
}

func (c *CompareDeleteCmd) Run(e *env) error {
	id, client, err := idAndClient(e, "comparison id", c.ID, &c.Remote)
	if err != nil {
		return err
	}
	if err := client.Compare.Delete(e.ctx, id); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "comparison %d deleted\n", id)
	return nil
}
