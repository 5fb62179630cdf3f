package main

import (
	"fmt"
	"io"
	"strconv"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/bimface/bimfacetest"
)

// TranslateCmd is "bfquery translate": start a file's translation, or
// show how it goes.
type TranslateCmd struct {
	Start  TranslateStartCmd  `cmd:"" default:"withargs" help:"Start translating an uploaded file (the default: bfquery translate FILE_ID)."`
	Status TranslateStatusCmd `cmd:"" help:"Show how a file's translation goes."`
}

// TranslateStartCmd is "bfquery translate [start] FILE_ID".
type TranslateStartCmd struct {
	FileID   string `arg:"" name:"file-id" help:"The uploaded file to translate."`
	Texture  bool   `help:"Translate with the model's materials (config {\"texture\": true})."`
	Root     string `placeholder:"NAME" help:"The main file of a compressed (zip) upload."`
	Priority int    `default:"2" enum:"1,2,3" help:"1, 2 or 3; a larger number is a lower priority."`
	Callback string `placeholder:"URL" help:"The URL BIMFACE calls when the translation ends."`
	Wait     `embed:""`
	Output   `embed:""`
	Remote   Remote `embed:""`
}

func (c *TranslateStartCmd) Run(e *env) error {
	id, client, err := idAndClient(e, "file id", c.FileID, &c.Remote)
	if err != nil {
		return err
	}
	req := &bimface.TranslateRequest{
		Source:   bimface.TranslateSource{FileID: id, Compressed: c.Root != "", RootName: c.Root},
		Priority: c.Priority, Callback: c.Callback,
	}
	if c.Texture {
		req.Config = map[string]any{"texture": true}
	}
	tr, err := client.Translate.Start(e.ctx, req)
	if err != nil {
		return err
	}
	return showTranslation(e, client, id, tr, c.Wait, c.Output)
}

// TranslateStatusCmd is "bfquery translate status FILE_ID".
type TranslateStatusCmd struct {
	FileID string `arg:"" name:"file-id" help:"The file whose translation to show."`
	Wait   `embed:""`
	Output `embed:""`
	Remote Remote `embed:""`
}

func (c *TranslateStatusCmd) Run(e *env) error {
	id, client, err := idAndClient(e, "file id", c.FileID, &c.Remote)
	if err != nil {
		return err
	}
	tr, err := client.Translate.Status(e.ctx, id)
	if err != nil {
		return err
	}
	return showTranslation(e, client, id, tr, c.Wait, c.Output)
}

// showTranslation waits for tr, the translation of file id, to end if
// asked, prints it, and fails if it failed.
func showTranslation(e *env, client *bimface.Client, id int64, tr *bimface.Translation, wt Wait, out Output) error {
	return showJob(e, wt, out, tr, fmt.Sprintf("the translation of file %d", id),
		func() (*bimface.Translation, error) { return client.Translate.Status(e.ctx, id) },
		func(tr *bimface.Translation) (string, string) {
			return fmt.Sprintf("%s: translation %s", named("file", tr.FileID, tr.Name), tr.Status), failure(tr.Status, tr.Reason)
		})
}

// showJob shows a translation or an integration: with --wait it polls
// refresh until the job is done; then it prints the job, as JSON or as
// the line state gives, and returns an error with the reason state gives
// if the job failed. what names the job in errors.
func showJob[J interface{ Done() bool }](e *env, wt Wait, out Output, job J, what string, refresh func() (J, error), state func(J) (line, failed string)) error {
	if wt.Wait {
		err := wt.poll(e.ctx, func() (bool, error) {
			if job.Done() {
				return true, nil
			}
			next, err := refresh()
			if err == nil {
				job = next
			}
			return job.Done(), err
		})
		if err != nil {
			return fmt.Errorf("waiting for %s: %w", what, err)
		}
	}
	line, failed := state(job)
	if err := out.print(e.stdout, job, func(w io.Writer) { fmt.Fprintln(w, line) }); err != nil {
		return err
	}
	if failed != "" {
		return fmt.Errorf("%s failed: %s", what, failed)
	}
	return nil
}

// failure is the reason a job failed, or "" if it did not.
func failure(status, reason string) string {
	if status != bimface.StatusFailed {
		return ""
	}
	if reason == "" {
		return "no reason given"
	}
	return reason
}

// TranslationsCmd is "bfquery translations": list a project's
// translations.
type TranslationsCmd struct {
	Project string `placeholder:"ID" help:"The project whose translations to list (BIMFACE's console shows it; bfquery serve prints its own)."`
	Status  string `enum:"any,success,failed,processing,preparing" default:"any" help:"Only translations in this state."`
	Keyword string `help:"Only files whose name contains this, or with this id."`
	Suffix  string `help:"Only files with this suffix."`
	Since   string `placeholder:"TIME" help:"Only translations started at or after TIME (2006-01-02T15:04:05.000Z)."`
	Until   string `placeholder:"TIME" help:"Only translations started at or before TIME."`
	Rows    int    `default:"100" placeholder:"N" help:"Entries per request (at most 1000)."`
	Output  `embed:""`
	Remote  Remote `embed:""`
}

func (c *TranslationsCmd) Run(e *env) error {
	if c.Project == "" {
		return inputError{fmt.Errorf("give --project ID: the project whose translations to list, which BIMFACE's console shows (bfquery serve's is %d)", bimfacetest.DefaultProjectID)}
	}
	pid, err := parseID("project id", c.Project)
	if err != nil {
		return err
	}
	if err := checkRange("rows", int64(c.Rows), 1, 1000); err != nil {
		return err
	}
	client, err := c.Remote.client(e)
	if err != nil {
		return err
	}
	f := &bimface.TranslationFilter{PageSize: c.Rows, Keyword: c.Keyword, Suffix: c.Suffix, StartDate: c.Since, EndDate: c.Until}
	if c.Status != "any" {
		n := map[string]int{"success": bimface.TranslationStatusSucceeded, "failed": bimface.TranslationStatusFailed,
			"processing": bimface.TranslationStatusProcessing, "preparing": bimface.TranslationStatusPreparing}[c.Status]
		f.Status = &n
	}
	list := []bimface.TranslationDetail{}
	for t, err := range client.Translate.List(e.ctx, pid, f) {
		if err != nil {
			return err
		}
		list = append(list, t)
	}
	return c.print(e.stdout, list, func(w io.Writer) {
		rows := [][]string{{"FILE ID", "STATUS", "CREATED", "NAME"}}
		for _, t := range list {
			rows = append(rows, []string{strconv.FormatInt(t.FileID, 10), t.Status, when(t.CreateTime), t.Name})
		}
		columns(w, rows)
	})
}
