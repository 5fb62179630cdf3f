package main

import (
	"fmt"
	"net"
	"time"

	"github.com/bfquery/bfquery/bimface/bimfacetest"
	"github.com/bfquery/bfquery/internal/demo"
)

// ServeCmd is "bfquery serve": the BIMFACE simulator over a cache.
type ServeCmd struct {
	Cache     string `type:"path" placeholder:"DIR" help:"The cache directory to serve (bfquery pull writes one). Without it, the demo model (file ${demo_id})."`
	Addr      string `default:"127.0.0.1:8080" help:"Where to listen."`
	AppKey    string `default:"bfquery-sim-key" help:"The app key the simulator accepts."`
	AppSecret string `default:"bfquery-sim-secret" help:"The app secret the simulator accepts."`
	WithoutIn bool   `name:"without-in" help:"Refuse DSL that uses the in clause, as older servers do."`

	TranslateDelay time.Duration `default:"2s" placeholder:"D" help:"How long uploaded files take to translate (integrations and databags too)."`
	Elements       int           `default:"300" placeholder:"N" help:"The number of elements of the model a translation generates."`
}

func (c *ServeCmd) Run(e *env) error {
	var data *bimfacetest.Data
	var err error
	if c.Cache == "" {
		data, err = bimfacetest.LoadFS(demo.FS())
	} else {
		e.sig.blocking(func() { data, err = bimfacetest.Load(c.Cache) }, nil)
	}
	if err != nil {
		return err
	}
	opts := []bimfacetest.Option{
		bimfacetest.WithCredentials(c.AppKey, c.AppSecret),
		bimfacetest.WithTranslateDelay(c.TranslateDelay),
		bimfacetest.WithGeneratedElements(c.Elements),
	}
	if c.WithoutIn {
		opts = append(opts, bimfacetest.WithoutIn())
	}
	sim, err := bimfacetest.New(data, opts...)
	if err != nil {
		return err
	}
	var targets []string
	for _, t := range data.Cache().Targets() {
		targets = append(targets, fmt.Sprintf("%s %s", t.Type, t.ID))
	}
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "bfquery: serving %v on http://%s/ (Ctrl-C stops)\n", targets, ln.Addr())
	err = sim.Serve(e.ctx, ln)
	if e.ctx.Err() != nil {
		fmt.Fprintln(e.stderr, "bfquery: stopped")
		return nil
	}
	return err
}
