package main

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/bfquery/bfquery/bimface/bimfacetest"
	"github.com/bfquery/bfquery/eval"
	"github.com/bfquery/bfquery/internal/demo"
)

// ServeCmd is "bfquery serve": the BIMFACE simulator over a cache.
type ServeCmd struct {
	Cache     string `type:"path" placeholder:"DIR" help:"The cache directory to serve (bfquery pull writes one). Without it, the demo model (file ${demo_id})."`
	Addr      string `default:"127.0.0.1:8080" help:"Where to listen."`
	AppKey    string `default:"bfquery-sim-key" env:"BFQUERY_SERVE_APP_KEY" help:"The app key the simulator accepts."`
	AppSecret string `default:"bfquery-sim-secret" env:"BFQUERY_SERVE_APP_SECRET" help:"The app secret the simulator accepts."`
	WithoutIn bool   `name:"without-in" help:"Refuse DSL that uses the in clause, as older servers do."`

	TranslateDelay time.Duration `default:"2s" placeholder:"D" help:"How long uploaded files take to translate (integrations and databags too)."`
	Elements       int           `default:"300" placeholder:"N" help:"The number of elements of the model a translation generates."`

	AllowDefaultCredentials bool `name:"allow-default-credentials" help:"Serve on an address other hosts can reach with the published default app secret (refused otherwise)."`
	AllowInternalURLs       bool `name:"allow-internal-urls" help:"Let uploads from a URL, and callbacks, reach loopback, private and link-local addresses."`
	MaxConns                int  `default:"256" placeholder:"N" help:"The most connections served at once; more wait until one closes."`

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

// Help is the long help of "bfquery serve": what the simulator guards
// and what it does not.
func (c *ServeCmd) Help() string {
	l := bimfacetest.DefaultLimits()
	return fmt.Sprintf(`The simulator is for tests and trying bfquery; it can serve other hosts, within these guards:

  - on an address other than loopback, it refuses the published default app secret unless
    --app-key and --app-secret (or BFQUERY_SERVE_APP_KEY and BFQUERY_SERVE_APP_SECRET) are given,
    or --allow-default-credentials (then it warns);
  - tokens are random (crypto/rand); access tokens last 7 days, view tokens 12 hours from
    their last use (as on BIMFACE), and at most %d of each are kept;
  - download URLs are signed and last 5 minutes (as on BIMFACE);
  - uploads stream to a temporary directory (removed when serve stops), capped at the supported
    size; a direct upload's policy is checked before its file is read;
  - uploads from a URL and callbacks have timeouts and do not reach loopback, private or
    link-local addresses, unless --allow-internal-urls;
  - connections time out (header %v, request %v, answer %v, idle %v; uploads and
    downloads get more while their bytes move), and at most --max-conns are served at once;
  - it keeps at most %d files, append files, integrations, comparisons, databags and share
    links, each: past that, a request that would store one more is refused (quota.exceeded)
    until something is deleted.

What it does not do: TLS (put a TLS proxy in front), one app key per user (everyone who has the
key reads and changes everything), a bound on the total size of uploads, keeping data after
serve stops, or rate limits.`,
		bimfacetest.DefaultMaxTokens, roundDuration(l.ReadHeaderTimeout), roundDuration(l.ReadTimeout),
		roundDuration(l.WriteTimeout), roundDuration(l.IdleTimeout), bimfacetest.DefaultMaxEntries)
}

// roundDuration writes a round duration as people do: 1m, not 1m0s.
func roundDuration(d time.Duration) string {
	s := d.String()
	for _, z := range []string{"0s", "0m"} {
		if t, ok := strings.CutSuffix(s, z); ok && t != "" && (strings.HasSuffix(t, "m") || strings.HasSuffix(t, "h")) {
			s = t
		}
	}
	return s
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
	listOpts, err := c.options()
	if err != nil {
		return err
	}
	if c.MaxConns < 1 {
		return inputError{fmt.Errorf("--max-conns %d: must be positive", c.MaxConns)}
	}
	var data *bimfacetest.Data
	if c.Cache == "" {
		data, err = bimfacetest.LoadFS(demo.FS())
	} else {
		// An index file that is stale or damaged is rebuilt or ignored,
		// with a line on stderr saying which, as queries do.
		notify := func(msg string) { fmt.Fprintf(e.stderr, "bfquery: %s\n", msg) }
		e.sig.blocking(func() { data, err = bimfacetest.LoadOptions(c.Cache, eval.Options{Notify: notify}) }, nil)
	}
	if err != nil {
		return runError{err}
	}
	limits := bimfacetest.DefaultLimits()
	limits.MaxConns = c.MaxConns
	opts := []bimfacetest.Option{
		bimfacetest.WithCredentials(c.AppKey, c.AppSecret),
		bimfacetest.WithTranslateDelay(c.TranslateDelay),
		bimfacetest.WithGeneratedElements(c.Elements),
		bimfacetest.WithLimits(limits),
	}
	if c.WithoutIn {
		opts = append(opts, bimfacetest.WithoutIn())
	}
	if c.AllowInternalURLs {
		opts = append(opts, bimfacetest.WithInternalURLs())
	}
	opts = append(opts, listOpts...)
	sim, err := bimfacetest.New(data, opts...)
	if err != nil {
		return err
	}
	defer sim.Close()
	var targets []string
	for _, t := range data.Cache().Targets() {
		targets = append(targets, fmt.Sprintf("%s %s", t.Type, t.ID))
	}
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return err
	}
	warning, err := exposure(ln.Addr(), c.Addr, c.AppSecret, c.AllowDefaultCredentials)
	if err != nil {
		ln.Close()
		return err
	}
	fmt.Fprint(e.stderr, warning)
	fmt.Fprintf(e.stderr, "bfquery: serving %v on http://%s/, project %d (Ctrl-C stops)\n", targets, ln.Addr(), bimfacetest.DefaultProjectID)
	err = sim.Serve(e.ctx, ln)
	if e.ctx.Err() != nil {
		fmt.Fprintln(e.stderr, "bfquery: stopped")
		return nil
	}
	return err
}

// exposure checks that serving on the listener's address ln (addr as
// given) with secret does not hand tokens to anyone: the default secret
// is published, so it is refused where other hosts can connect, unless
// allowDefault, and then it is a warning.
func exposure(ln net.Addr, addr, secret string, allowDefault bool) (warning string, err error) {
	if tcp, ok := ln.(*net.TCPAddr); (ok && tcp.IP.IsLoopback()) || secret != bimfacetest.AppSecret {
		return "", nil
	}
	if !allowDefault {
		return "", inputError{errors.New("--addr " + addr + " can be reached from other hosts, and the app secret is the published default: " +
			"anyone who reaches it could take a token and read, upload and delete files. Give --app-key and --app-secret " +
			"(or BFQUERY_SERVE_APP_KEY and BFQUERY_SERVE_APP_SECRET), or --allow-default-credentials to serve anyway")}
	}
	return "bfquery: WARNING: serving on " + ln.String() + ", which other hosts can reach, with the published default credentials:\n" +
		"bfquery: WARNING: anyone who reaches it can take a token and read, upload and delete files.\n", nil
}
