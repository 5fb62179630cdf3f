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

	// BIMFACE's limits on ID lists, on by default (see bimfacetest).
	IDCap                 int           `name:"id-cap" default:"10000" placeholder:"N" group:"BIMFACE's limits" help:"Cut unpaged ID lists (query/elementIds, roomIds, areaIds, files and integrations' elementIds) at N IDs, as BIMFACE does (default 10000); 0 for none."`
	MaxPageSize           int           `default:"10000" placeholder:"N" group:"BIMFACE's limits" help:"The largest paginationSize accepted (default 10000, as BIMFACE)."`
	PaginationTTL         time.Duration `name:"pagination-ttl" default:"5m" placeholder:"D" group:"BIMFACE's limits" help:"How long a pagination context lives (default 5m, as BIMFACE)."`
	PerTargetPaging       bool          `group:"BIMFACE's limits" help:"Count the cap and pages of a query over several targets per target, not across them (the documents do not say which BIMFACE does)."`
	TypedValues           bool          `group:"BIMFACE's limits" help:"Answer propertyValues with JSON types, not as strings as the documented example does."`
	LegacyIntegrationBody bool          `group:"BIMFACE's limits" help:"Take an integration's batch element read only as the bare array of older SDKs, not the documented {\"ids\": [...]} object."`

	// Faults to try clients against.
	FaultSeed         uint64        `placeholder:"N" group:"Faults" help:"Seed of the fault rates' random draws."`
	FaultErrorRate    float64       `placeholder:"F" group:"Faults" help:"The fraction of data requests answered 500 system.error."`
	FaultThrottleRate float64       `placeholder:"F" group:"Faults" help:"The fraction answered 429 with Retry-After (--fault-retry-after)."`
	FaultRetryAfter   int           `default:"1" placeholder:"S" group:"Faults" help:"The Retry-After of throttled answers, in seconds."`
	FaultCutRate      float64       `placeholder:"F" group:"Faults" help:"The fraction whose answer is cut after half its body and the connection closed."`
	FaultLatency      time.Duration `placeholder:"D" group:"Faults" help:"A delay added to every data request."`
	FaultFailAfter    int           `placeholder:"N" group:"Faults" help:"Answer every data request after the first N with 500 system.error."`
	FaultExpireTokens int           `name:"fault-expire-tokens-every" placeholder:"N" group:"Faults" help:"Revoke every access token after each N data requests."`
	FaultCutUpload    int64         `name:"fault-cut-upload-after" placeholder:"BYTES" group:"Faults" help:"Keep only the first BYTES of each append upload's body, then close the connection."`
}

// options are the simulator's options the limit and fault flags ask for.
func (c *ServeCmd) options() ([]bimfacetest.Option, error) {
	var opts []bimfacetest.Option
	switch {
	case c.IDCap < 0:
		return nil, inputError{fmt.Errorf("--id-cap %d: must be 0 (none) or positive", c.IDCap)}
	case c.IDCap == 0:
		opts = append(opts, bimfacetest.WithoutIDCap())
	default:
		opts = append(opts, bimfacetest.WithIDCap(c.IDCap))
	}
	if c.MaxPageSize < 1 {
		return nil, inputError{fmt.Errorf("--max-page-size %d: must be positive", c.MaxPageSize)}
	}
	if c.PaginationTTL <= 0 {
		return nil, inputError{fmt.Errorf("--pagination-ttl %v: must be positive", c.PaginationTTL)}
	}
	opts = append(opts, bimfacetest.WithMaxPageSize(c.MaxPageSize), bimfacetest.WithPaginationTTL(c.PaginationTTL))
	if c.PerTargetPaging {
		opts = append(opts, bimfacetest.WithPerTargetPaging())
	}
	if c.TypedValues {
		opts = append(opts, bimfacetest.WithTypedPropertyValues())
	}
	if c.LegacyIntegrationBody {
		opts = append(opts, bimfacetest.WithLegacyIntegrationBody())
	}
	for _, r := range []struct {
		name string
		v    float64
	}{{"--fault-error-rate", c.FaultErrorRate}, {"--fault-throttle-rate", c.FaultThrottleRate}, {"--fault-cut-rate", c.FaultCutRate}} {
		if r.v < 0 || r.v > 1 {
			return nil, inputError{fmt.Errorf("%s %v: must be between 0 and 1", r.name, r.v)}
		}
	}
	for _, n := range []struct {
		name string
		v    int64
	}{{"--fault-retry-after", int64(c.FaultRetryAfter)}, {"--fault-fail-after", int64(c.FaultFailAfter)}, {"--fault-expire-tokens-every", int64(c.FaultExpireTokens)}, {"--fault-cut-upload-after", c.FaultCutUpload}, {"--fault-latency", int64(c.FaultLatency)}} {
		if n.v < 0 {
			return nil, inputError{fmt.Errorf("%s: must not be negative", n.name)}
		}
	}
	f := bimfacetest.Faults{
		Seed:              c.FaultSeed,
		ErrorRate:         c.FaultErrorRate,
		ThrottleRate:      c.FaultThrottleRate,
		RetryAfter:        c.FaultRetryAfter,
		TruncateRate:      c.FaultCutRate,
		Latency:           c.FaultLatency,
		FailAfter:         c.FaultFailAfter,
		ExpireTokensEvery: c.FaultExpireTokens,
		CutUploadAfter:    c.FaultCutUpload,
	}
	if f.ErrorRate > 0 || f.ThrottleRate > 0 || f.TruncateRate > 0 || f.Latency > 0 || f.FailAfter > 0 || f.ExpireTokensEvery > 0 || f.CutUploadAfter > 0 {
		opts = append(opts, bimfacetest.WithFaults(f))
	}
	return opts, nil
}

func (c *ServeCmd) Run(e *env) error {
	limits, err := c.options()
	if err != nil {
		return err
	}
	var data *bimfacetest.Data
	if c.Cache == "" {
		data, err = bimfacetest.LoadFS(demo.FS())
	} else {
		e.sig.blocking(func() { data, err = bimfacetest.Load(c.Cache) }, nil)
	}
	if err != nil {
		return runError{err}
	}
	opts := []bimfacetest.Option{
		bimfacetest.WithCredentials(c.AppKey, c.AppSecret),
		bimfacetest.WithTranslateDelay(c.TranslateDelay),
		bimfacetest.WithGeneratedElements(c.Elements),
	}
	if c.WithoutIn {
		opts = append(opts, bimfacetest.WithoutIn())
	}
	opts = append(opts, limits...)
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
	fmt.Fprintf(e.stderr, "bfquery: serving %v on http://%s/, project %d (Ctrl-C stops)\n", targets, ln.Addr(), bimfacetest.DefaultProjectID)
	err = sim.Serve(e.ctx, ln)
	if e.ctx.Err() != nil {
		fmt.Fprintln(e.stderr, "bfquery: stopped")
		return nil
	}
	return err
}
