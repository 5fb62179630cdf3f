package main

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/bfquery/bfquery/bimface"
)

// ShareCmd is "bfquery share": share links of translated files and
// integrations.
type ShareCmd struct {
	Create ShareCreateCmd `cmd:"" help:"Make a share link of a translated file or an integration."`
	Show   ShareShowCmd   `cmd:"" help:"Show the share link of a file or an integration."`
	List   ShareListCmd   `cmd:"" help:"List the application's share links."`
	Delete ShareDeleteCmd `cmd:"" help:"Revoke the share link of a file or an integration."`
}

// ShareTarget names what a share link is of.
type ShareTarget struct {
	File        string `xor:"of" required:"" placeholder:"ID" help:"A translated file."`
	Integration string `xor:"of" required:"" placeholder:"ID" help:"An integration."`
	Remote      Remote `embed:""`
}

// what names the target: "file 12" or "integration 12".
func (t ShareTarget) what() string {
	if t.File != "" {
		return "file " + t.File
	}
	return "integration " + t.Integration
}

// open reads the target and makes the client.
func (t ShareTarget) open(e *env) (bimface.ShareOf, *bimface.Client, error) {
	var of bimface.ShareOf
	var err error
	if t.File != "" {
		of.FileID, err = parseID("file id", t.File)
	} else {
		of.IntegrateID, err = parseID("integration id", t.Integration)
	}
	if err != nil {
		return of, nil, err
	}
	client, err := t.Remote.client(e)
	return of, client, err
}

func printShare(e *env, out Output, l *bimface.ShareLink) error {
	return out.print(e.stdout, l, func(w io.Writer) {
		fmt.Fprint(w, l.URL)
		if l.Password != "" {
			fmt.Fprintf(w, " password %s", l.Password)
		}
		if l.ExpireTime != "" {
			fmt.Fprintf(w, " (expires %s)", when(l.ExpireTime))
		}
		fmt.Fprintln(w)
	})
}

// ShareCreateCmd is "bfquery share create".
type ShareCreateCmd struct {
	ShareTarget
	Hours    int    `xor:"expiry" placeholder:"N" help:"The link works for N hours (default: forever)."`
	Until    string `xor:"expiry" placeholder:"DATE" help:"The link works until DATE (2006-01-02)."`
	Password bool   `help:"The link needs a password, which BIMFACE makes."`
	Output   `embed:""`
}

func (c *ShareCreateCmd) Run(e *env) error {
	if c.Hours < 0 {
		return inputError{fmt.Errorf("--hours %d: must be positive", c.Hours)}
	}
	if err := checkDate("until", c.Until); err != nil {
		return err
	}
	of, client, err := c.open(e)
	if err != nil {
		return err
	}
	l, err := client.Shares.Create(e.ctx, of, &bimface.ShareOptions{ActiveHours: c.Hours, ExpireDate: c.Until, NeedPassword: c.Password})
	if err != nil {
		return err
	}
	return printShare(e, c.Output, l)
}

// ShareShowCmd is "bfquery share show".
type ShareShowCmd struct {
	ShareTarget
	Output `embed:""`
}

func (c *ShareShowCmd) Run(e *env) error {
	of, client, err := c.open(e)
	if err != nil {
		return err
	}
	l, err := client.Shares.Get(e.ctx, of)
	if err != nil {
		return err
	}
	return printShare(e, c.Output, l)
}

// ShareListCmd is "bfquery share list".
type ShareListCmd struct {
	Output `embed:""`
	Remote Remote `embed:""`
}

func (c *ShareListCmd) Run(e *env) error {
	client, err := c.Remote.client(e)
	if err != nil {
		return err
	}
	list, err := client.Shares.List(e.ctx)
	if err != nil {
		return err
	}
	return c.print(e.stdout, list, func(w io.Writer) {
		rows := [][]string{{"SHARE ID", "OF", "EXPIRES", "URL"}}
		for _, l := range list {
			exp := when(l.ExpireTime)
			if exp == "" {
				exp = "never"
			}
			rows = append(rows, []string{strconv.FormatInt(l.SourceID, 10), shareOf(l), exp, l.URL})
		}
		columns(w, rows)
	})
}

// shareOf names what l is of: BIMFACE gives the id as sourceName and
// its kind as sourceType "1" (a file) or "2" (an integration).
func shareOf(l bimface.ShareLink) string {
	switch l.SourceType {
	case "1":
		return "file " + l.SourceName
	case "2":
		return "integration " + l.SourceName
	}
	return strings.TrimSpace(l.SourceType + " " + l.SourceName)
}

// ShareDeleteCmd is "bfquery share delete".
type ShareDeleteCmd struct {
	ShareTarget
}

func (c *ShareDeleteCmd) Run(e *env) error {
	of, client, err := c.open(e)
	if err != nil {
		return err
	}
	// BIMFACE answers a delete of no link as one of a link; asking first
	// tells the two apart.
	if _, err := client.Shares.Get(e.ctx, of); err != nil {
		var be *bimface.Error
		if errors.As(err, &be) && be.StatusCode == http.StatusNotFound {
			return fmt.Errorf("%s has no share link to revoke", c.what())
		}
		return err
	}
	if err := client.Shares.Delete(e.ctx, of); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "share link of %s revoked\n", c.what())
	return nil
}
