package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/bfquery/bfquery/bimface"
)

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
