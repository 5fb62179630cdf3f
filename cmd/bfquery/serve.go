package main

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/bfquery/bfquery/bimface/bimfacetest"
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
}

// Help is the long help of "bfquery serve": what the simulator guards
// and what it does not.
func (c *ServeCmd) Help() string {
	l := bimfacetest.DefaultLimits
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
    downloads get more while their bytes move), and at most --max-conns are served at once.

What it does not do: TLS (put a TLS proxy in front), one app key per user (everyone who has the
key reads and changes everything), bounds on the number or total size of uploads, keeping data
after serve stops, or rate limits.`,
		bimfacetest.DefaultMaxTokens, roundDuration(l.ReadHeaderTimeout), roundDuration(l.ReadTimeout),
		roundDuration(l.WriteTimeout), roundDuration(l.IdleTimeout))
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

func (c *ServeCmd) Run(e *env) error {
	var data *bimfacetest.Data
	var err error
	if c.Cache == "" {
		data, err = bimfacetest.LoadFS(demo.FS())
	} else {
		data, err = bimfacetest.Load(c.Cache)
	}
	if err != nil {
		return err
	}
	if c.MaxConns < 1 {
		return inputError{fmt.Errorf("--max-conns %d: must be positive", c.MaxConns)}
	}
	limits := bimfacetest.DefaultLimits
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
	fmt.Fprintf(e.stderr, "bfquery: serving %v on http://%s/ (Ctrl-C stops)\n", targets, ln.Addr())
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
