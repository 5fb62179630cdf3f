package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/bimface/bimfacetest"
)

// Output is the --format flag of the commands that show what BIMFACE
// answered: a short line or table for people, or the answer as JSON.
type Output struct {
	Format string `short:"f" enum:"text,json" default:"text" help:"Output format: text or json."`
}

// print writes v as JSON, or calls text.
func (o Output) print(w io.Writer, v any, text func()) error {
	if o.Format == "json" {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	}
	text()
	return nil
}

func table(w io.Writer) *tabwriter.Writer { return tabwriter.NewWriter(w, 0, 4, 2, ' ', 0) }

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
	if err := out.print(e.stdout, job, func() { fmt.Fprintln(e.stdout, line) }); err != nil {
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
	return c.print(e.stdout, list, func() {
		tw := table(e.stdout)
		fmt.Fprintln(tw, "FILE ID\tSTATUS\tCREATED\tNAME")
		for _, t := range list {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", t.FileID, t.Status, when(t.CreateTime), t.Name)
		}
		tw.Flush()
	})
}

// IntegrateCmd is "bfquery integrate": integrate translated files, show
// how an integration goes, delete one.
type IntegrateCmd struct {
	Start  IntegrateStartCmd  `cmd:"" default:"withargs" help:"Start integrating translated files (the default: bfquery integrate --source ...)."`
	Status IntegrateStatusCmd `cmd:"" help:"Show how an integration goes."`
	Delete IntegrateDeleteCmd `cmd:"" help:"Delete an integration."`
}

// IntegrateStartCmd is "bfquery integrate [start]".
type IntegrateStartCmd struct {
	Source   []string `sep:"none" placeholder:"ID[,specialty=S][,floor=F][,specialtySort=N][,floorSort=N]" help:"A translated Revit file to integrate, with the specialty and floor it stands for; repeat for each file."`
	Request  string   `type:"path" placeholder:"FILE" help:"The whole request as JSON (sources, floorMapping, propertyOverrides...); --source and --name add to it."`
	Name     string   `help:"The integrated model's name."`
	Priority int      `default:"2" enum:"1,2,3" help:"1, 2 or 3; a larger number is a lower priority."`
	Callback string   `placeholder:"URL" help:"The URL BIMFACE calls when the integration ends."`
	Wait     `embed:""`
	Output   `embed:""`
	Remote   Remote `embed:""`
}

// parseSource reads "ID,key=value,...".
func parseSource(s string) (bimface.IntegrateSource, error) {
	parts := strings.Split(s, ",")
	var src bimface.IntegrateSource
	id, err := parseID("--source file id", parts[0])
	if err != nil {
		return src, err
	}
	src.FileID = id
	for _, p := range parts[1:] {
		k, v, ok := strings.Cut(p, "=")
		var err error
		switch {
		case !ok:
			err = fmt.Errorf("%q is not key=value", p)
		case k == "specialty":
			src.Specialty = v
		case k == "floor":
			src.Floor = v
		case k == "building":
			src.Building = v
		case k == "specialtySort":
			src.SpecialtySort, err = sortNumber(k, v)
		case k == "floorSort":
			src.FloorSort, err = sortNumber(k, v)
		default:
			err = fmt.Errorf("unknown key %q (specialty, floor, building, specialtySort, floorSort)", k)
		}
		if err != nil {
			return src, inputError{fmt.Errorf("--source %s: %v", s, err)}
		}
	}
	return src, nil
}

func sortNumber(k, v string) (float64, error) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return 0, fmt.Errorf("%s %q is not a number", k, v)
	}
	return f, nil
}

func (c *IntegrateStartCmd) Run(e *env) error {
	req := &bimface.IntegrateRequest{}
	if c.Request != "" {
		var b []byte
		var err error
		e.sig.blocking(func() { b, err = readFile(c.Request) }, nil)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(b, req); err != nil {
			return inputError{fmt.Errorf("%s: %v", c.Request, err)}
		}
	}
	for _, s := range c.Source {
		src, err := parseSource(s)
		if err != nil {
			return err
		}
		req.Sources = append(req.Sources, src)
	}
	if len(req.Sources) == 0 {
		return inputError{errors.New("no files to integrate: give --source or --request")}
	}
	if c.Name != "" {
		req.Name = c.Name
	}
	if req.Priority == 0 {
		req.Priority = c.Priority
	}
	if c.Callback != "" {
		req.Callback = c.Callback
	}
	client, err := c.Remote.client(e)
	if err != nil {
		return err
	}
	in, err := client.Integrate.Start(e.ctx, req)
	if err != nil {
		return err
	}
	return showIntegration(e, client, in, c.Wait, c.Output)
}

// IntegrateStatusCmd is "bfquery integrate status ID".
type IntegrateStatusCmd struct {
	ID     string `arg:"" name:"integration-id" help:"The integration to show."`
	Wait   `embed:""`
	Output `embed:""`
	Remote Remote `embed:""`
}

func (c *IntegrateStatusCmd) Run(e *env) error {
	id, client, err := idAndClient(e, "integration id", c.ID, &c.Remote)
	if err != nil {
		return err
	}
	in, err := client.Integrate.Status(e.ctx, id)
	if err != nil {
		return err
	}
	return showIntegration(e, client, in, c.Wait, c.Output)
}

// showIntegration waits for in to end if asked, prints it, and fails if
// it failed.
func showIntegration(e *env, client *bimface.Client, in *bimface.Integration, wt Wait, out Output) error {
	return showJob(e, wt, out, in, fmt.Sprintf("integration %d", in.IntegrateID),
		func() (*bimface.Integration, error) { return client.Integrate.Status(e.ctx, in.IntegrateID) },
		func(in *bimface.Integration) (string, string) {
			return fmt.Sprintf("%s: %s", named("integration", in.IntegrateID, in.Name), in.Status), failure(in.Status, in.Reason)
		})
}

// IntegrateDeleteCmd is "bfquery integrate delete ID".
type IntegrateDeleteCmd struct {
	ID     string `arg:"" name:"integration-id" help:"The integration to delete."`
	Remote Remote `embed:""`
}

func (c *IntegrateDeleteCmd) Run(e *env) error {
	id, client, err := idAndClient(e, "integration id", c.ID, &c.Remote)
	if err != nil {
		return err
	}
	if err := client.Integrate.Delete(e.ctx, id); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "integration %d deleted\n", id)
	return nil
}

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
	return c.print(e.stdout, d, func() { fmt.Fprintf(e.stdout, "%s: offline databag %s\n", what, d.Status) })
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
	return c.print(e.stdout, list, func() {
		if len(list) == 0 {
			fmt.Fprintf(e.stdout, "%s: no offline databag\n", what)
		}
		for _, d := range list {
			fmt.Fprintf(e.stdout, "%s: offline databag %s, version %s, %s\n", what, d.Status, d.DatabagVersion, when(d.CreateTime))
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
	return c.print(e.stdout, u, func() { fmt.Fprintln(e.stdout, u) })
}

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
