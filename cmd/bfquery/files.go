package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
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
	return c.print(e.stdout, files, func(w io.Writer) {
		rows := [][]string{{"FILE ID", "STATUS", "BYTES", "UPLOADED", "NAME"}}
		for _, f := range files {
			rows = append(rows, []string{strconv.FormatInt(f.FileID, 10), f.Status, strconv.FormatInt(f.Length, 10), when(f.CreateTime), f.Name})
		}
		columns(w, rows)
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
	return c.print(e.stdout, f, func(w io.Writer) {
		var rows [][]string
		for _, row := range [][2]any{{"file id", f.FileID}, {"name", f.Name}, {"status", f.Status}, {"bytes", f.Length}, {"suffix", f.Suffix}, {"etag", f.Etag}, {"uploaded", when(f.CreateTime)}} {
			rows = append(rows, []string{fmt.Sprint(row[0]) + ":", fmt.Sprint(row[1])})
		}
		columns(w, rows)
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
	return c.print(e.stdout, st, func(w io.Writer) {
		fmt.Fprintf(w, "file %d (%s): upload %s", st.FileID, st.Name, st.Status)
		if st.FailedReason != "" {
			fmt.Fprintf(w, ": %s", st.FailedReason)
		}
		fmt.Fprintln(w)
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
	return c.print(e.stdout, u, func(w io.Writer) { fmt.Fprintln(w, u) })
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
	return c.print(e.stdout, sup, func(w io.Writer) {
		fmt.Fprintf(w, "types: %s\nlargest file: %d bytes\n", strings.Join(sup.Types, ", "), sup.Length)
	})
}
