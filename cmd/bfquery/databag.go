package main

import (
	"fmt"
	"io"

	"github.com/bfquery/bfquery/bimface"
)

// DatabagCmd is "bfquery databag": offline databags.
type DatabagCmd struct {
	Create DatabagCreateCmd `cmd:"" help:"Start making the offline databag of a translated file, an integration or a comparison."`
	Status DatabagStatusCmd `cmd:"" help:"Show the offline databags made of a file, integration or comparison."`
	URL    DatabagURLCmd    `cmd:"" name:"url" help:"Print the download URL of an offline databag."`
}

// ModelTarget names a model: a translated file, an integration or a
// comparison, for databags and view tokens.
type ModelTarget struct {
	File        string `xor:"of" required:"" placeholder:"ID" help:"A translated file."`
	Integration string `xor:"of" required:"" placeholder:"ID" help:"An integration."`
	Comparison  string `xor:"of" required:"" placeholder:"ID" help:"A comparison."`
	Remote      Remote `embed:""`
}

// open reads the target, naming it for messages, and makes the client.
func (t ModelTarget) open(e *env) (of bimface.DatabagOf, what string, client *bimface.Client, err error) {
	switch {
	case t.File != "":
		of.FileID, err = parseID("file id", t.File)
		what = "file " + t.File
	case t.Integration != "":
		of.IntegrateID, err = parseID("integration id", t.Integration)
		what = "integration " + t.Integration
	default:
		of.CompareID, err = parseID("comparison id", t.Comparison)
		what = "comparison " + t.Comparison
	}
	if err != nil {
		return of, what, nil, err
	}
	client, err = t.Remote.client(e)
	return of, what, client, err
}

type DatabagCreateCmd struct {
	ModelTarget
	Callback string `placeholder:"URL" help:"The URL BIMFACE calls when the databag is made."`
	Output   `embed:""`
}

func (c *DatabagCreateCmd) Run(e *env) error {
	of, what, client, err := c.open(e)
	if err != nil {
		return err
	}
	d, err := client.Databags.Create(e.ctx, of, &bimface.DatabagOptions{Callback: c.Callback})
	if err != nil {
		return err
	}
	return c.print(e.stdout, d, func(w io.Writer) { fmt.Fprintf(w, "%s: offline databag %s\n", what, d.Status) })
}

type DatabagStatusCmd struct {
	ModelTarget
	Output `embed:""`
}

func (c *DatabagStatusCmd) Run(e *env) error {
	of, what, client, err := c.open(e)
	if err != nil {
		return err
	}
	list, err := client.Databags.List(e.ctx, of)
	if err != nil {
		return err
	}
	return c.print(e.stdout, list, func(w io.Writer) {
		if len(list) == 0 {
			fmt.Fprintf(w, "%s: no offline databag\n", what)
		}
		for _, d := range list {
			fmt.Fprintf(w, "%s: offline databag %s, version %s, %s\n", what, d.Status, d.DatabagVersion, when(d.CreateTime))
		}
	})
}

type DatabagURLCmd struct {
	ModelTarget
	Type    string `placeholder:"TYPE" help:"offline, vr or igms."`
	Version string `placeholder:"V" help:"The databag version, when there are several."`
	Output  `embed:""`
}

func (c *DatabagURLCmd) Run(e *env) error {
	of, _, client, err := c.open(e)
	if err != nil {
		return err
	}
	u, err := client.Databags.DownloadURL(e.ctx, of, &bimface.DownloadURLOptions{Type: c.Type, DatabagVersion: c.Version})
	if err != nil {
		return err
	}
	return c.print(e.stdout, u, func(w io.Writer) { fmt.Fprintln(w, u) })
}
