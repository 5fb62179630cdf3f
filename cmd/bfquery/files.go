package main

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"

	"github.com/bfquery/bfquery/bimface"
)

// FilesCmd is "bfquery files": the uploaded files.
type FilesCmd struct {
	List   FilesListCmd   `cmd:"" default:"withargs" help:"List uploaded files (the default: bfquery files)."`
	Info   FilesInfoCmd   `cmd:"" help:"Show an uploaded file."`
	Status FilesStatusCmd `cmd:"" help:"Show how a file's upload went."`
	URL    FilesURLCmd    `cmd:"" name:"url" help:"Print a URL the file can be downloaded from for five minutes."`
	Delete FilesDeleteCmd `cmd:"" help:"Delete an uploaded file."`
	Types  FilesTypesCmd  `cmd:"" help:"List the file types the application may upload, and the largest size."`
}

// FilesListCmd is "bfquery files [list]": list uploaded files.
type FilesListCmd struct {
	Status string `enum:"any,uploading,success,failure" default:"any" help:"Only files in this state."`
	Suffix string `help:"Only files with this suffix."`
	Since  string `placeholder:"DATE" help:"Only files uploaded on or after DATE (2006-01-02)."`
	Until  string `placeholder:"DATE" help:"Only files uploaded on or before DATE."`
	Offset int64  `help:"Skip this many files."`
	Rows   int64  `default:"100" help:"List at most this many files (at most 500)."`
	Output `embed:""`
	Remote Remote `embed:""`
}

func (c *FilesListCmd) Run(e *env) error {
	if err := errors.Join(checkRange("rows", c.Rows, 1, 500), checkRange("offset", c.Offset, 0, math.MaxInt64), checkDate("since", c.Since), checkDate("until", c.Until)); err != nil {
		return inputError{err}
	}
	client, err := c.Remote.client(e)
	if err != nil {
		return err
	}
	status := c.Status
	if status == "any" {
		status = ""
	}
	files, err := client.SourceFiles.List(e.ctx, &bimface.ListOptions{Status: status, Suffix: c.Suffix, StartTime: c.Since, EndTime: c.Until, Offset: c.Offset, Rows: c.Rows})
	if err != nil {
		return err
	}
	return c.print(e.stdout, files, func() {
		tw := table(e.stdout)
		fmt.Fprintln(tw, "FILE ID\tSTATUS\tBYTES\tUPLOADED\tNAME")
		for _, f := range files {
			fmt.Fprintf(tw, "%d\t%s\t%d\t%s\t%s\n", f.FileID, f.Status, f.Length, when(f.CreateTime), f.Name)
		}
		tw.Flush()
	})
}

// FileArg is what the commands about one uploaded file share.
type FileArg struct {
	FileID string `arg:"" name:"file-id" help:"The uploaded file."`
	Remote Remote `embed:""`
}

// open reads the file id and makes the client.
func (a FileArg) open(e *env) (int64, *bimface.Client, error) {
	return idAndClient(e, "file id", a.FileID, &a.Remote)
}

// FilesInfoCmd is "bfquery files info FILE_ID".
type FilesInfoCmd struct {
	FileArg
	Output `embed:""`
}

func (c *FilesInfoCmd) Run(e *env) error {
	id, client, err := c.open(e)
	if err != nil {
		return err
	}
	f, err := client.SourceFiles.File(e.ctx, id)
	if err != nil {
		return err
	}
	return c.print(e.stdout, f, func() {
		tw := table(e.stdout)
		for _, row := range [][2]any{{"file id", f.FileID}, {"name", f.Name}, {"status", f.Status}, {"bytes", f.Length}, {"suffix", f.Suffix}, {"etag", f.Etag}, {"uploaded", when(f.CreateTime)}} {
			fmt.Fprintf(tw, "%s:\t%v\n", row[0], row[1])
		}
		tw.Flush()
	})
}

// FilesStatusCmd is "bfquery files status FILE_ID".
type FilesStatusCmd struct {
	FileArg
	Output `embed:""`
}

func (c *FilesStatusCmd) Run(e *env) error {
	id, client, err := c.open(e)
	if err != nil {
		return err
	}
	st, err := client.SourceFiles.UploadStatus(e.ctx, id)
	if err != nil {
		return err
	}
	return c.print(e.stdout, st, func() {
		fmt.Fprintf(e.stdout, "file %d (%s): upload %s", st.FileID, st.Name, st.Status)
		if st.FailedReason != "" {
			fmt.Fprintf(e.stdout, ": %s", st.FailedReason)
		}
		fmt.Fprintln(e.stdout)
	})
}

// FilesURLCmd is "bfquery files url FILE_ID".
type FilesURLCmd struct {
	FileArg
	Name   string `help:"The name the download gets."`
	Output `embed:""`
}

func (c *FilesURLCmd) Run(e *env) error {
	id, client, err := c.open(e)
	if err != nil {
		return err
	}
	u, err := client.SourceFiles.DownloadURL(e.ctx, id, c.Name)
	if err != nil {
		return err
	}
	return c.print(e.stdout, u, func() { fmt.Fprintln(e.stdout, u) })
}

// FilesDeleteCmd is "bfquery files delete FILE_ID".
type FilesDeleteCmd struct {
	FileArg
}

func (c *FilesDeleteCmd) Run(e *env) error {
	id, client, err := c.open(e)
	if err != nil {
		return err
	}
	if err := client.SourceFiles.Delete(e.ctx, id); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "file %d deleted\n", id)
	return nil
}

// FilesTypesCmd is "bfquery files types".
type FilesTypesCmd struct {
	Output `embed:""`
	Remote Remote `embed:""`
}

func (c *FilesTypesCmd) Run(e *env) error {
	client, err := c.Remote.client(e)
	if err != nil {
		return err
	}
	sup, err := client.SourceFiles.Supported(e.ctx)
	if err != nil {
		return err
	}
	return c.print(e.stdout, sup, func() {
		fmt.Fprintf(e.stdout, "types: %s\nlargest file: %d bytes\n", strings.Join(sup.Types, ", "), sup.Length)
	})
}

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

// open reads the target and makes the client.
// what names the target: "file 12" or "integration 12".
func (t ShareTarget) what() string {
	if t.File != "" {
		return "file " + t.File
	}
	return "integration " + t.Integration
}

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
	return out.print(e.stdout, l, func() {
		fmt.Fprint(e.stdout, l.URL)
		if l.Password != "" {
			fmt.Fprintf(e.stdout, " password %s", l.Password)
		}
		if l.ExpireTime != "" {
			fmt.Fprintf(e.stdout, " (expires %s)", when(l.ExpireTime))
		}
		fmt.Fprintln(e.stdout)
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
	return c.print(e.stdout, list, func() {
		tw := table(e.stdout)
		fmt.Fprintln(tw, "SHARE ID\tOF\tEXPIRES\tURL")
		for _, l := range list {
			exp := when(l.ExpireTime)
			if exp == "" {
				exp = "never"
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", l.SourceID, shareOf(l), exp, l.URL)
		}
		tw.Flush()
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

// ViewTokenCmd is "bfquery viewtoken": a token for BIMFACE's viewer,
// valid for twelve hours, to hand to a web page. It is the one command
// that prints a token, because that is what it is for.
type ViewTokenCmd struct {
	ModelTarget
	Output `embed:""`
}

func (c *ViewTokenCmd) Run(e *env) error {
	of, _, client, err := c.open(e)
	if err != nil {
		return err
	}
	var f bimface.ViewTokenFor
	switch {
	case of.FileID != 0:
		f.FileID = c.File
	case of.IntegrateID != 0:
		f.IntegrateID = c.Integration
	default:
		f.CompareID = c.Comparison
	}
	tok, err := client.ViewToken(e.ctx, f)
	if err != nil {
		return err
	}
	return c.print(e.stdout, tok, func() { fmt.Fprintln(e.stdout, tok) })
}
