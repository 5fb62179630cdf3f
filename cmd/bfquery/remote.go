package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"github.com/bfquery/bfquery/bimface"
)

// Remote holds the flags of commands that talk to BIMFACE. Credentials come
// from BIMFACE_APP_KEY and BIMFACE_APP_SECRET, or from a config file that
// only its owner may read; the environment wins.
// They are listed together, after a command's own flags, in every
// command's help.
type Remote struct {
	Endpoint string `env:"BIMFACE_ENDPOINT" placeholder:"URL" group:"bimface" help:"Send API and file requests to this server instead of BIMFACE (a private deployment, or bfquery serve)."`
	Config   string `type:"path" placeholder:"FILE" group:"bimface" help:"A JSON config file with appKey, appSecret and endpoint; readable by its owner only (default: bfquery/config.json in the user config directory)."`
}

// Paging is the --page-size flag of the commands that read ID lists:
// query, shell and pull.
type Paging struct {
	PageSize int `placeholder:"N" group:"bimface" help:"Read ID lists in pages of N IDs, 1 to 10000 (default 10000, the most BIMFACE allows)."`
}

// option returns the client option of the page size, if one was given.
func (p Paging) options() ([]bimface.Option, error) {
	if p.PageSize == 0 {
		return nil, nil
	}
	if p.PageSize < 0 || p.PageSize > bimface.MaxPageSize {
		return nil, inputError{fmt.Errorf("--page-size %d: must be between 1 and %d", p.PageSize, bimface.MaxPageSize)}
	}
	return []bimface.Option{bimface.WithPageSize(p.PageSize)}, nil
}

// config is the config file's content.
type config struct {
	AppKey    string `json:"appKey"`
	AppSecret string `json:"appSecret"`
	Endpoint  string `json:"endpoint"`
}

// client builds a BIMFACE client from the flags, the environment and the
// config file, and the options given.
func (r *Remote) client(e *env, more ...bimface.Option) (*bimface.Client, error) {
	var cfg config
	var err error
	// The config file may be a pipe (--config <(pass bimface)) that
	// never delivers.
	e.sig.blocking(func() { cfg, err = r.loadConfig() }, nil)
	if err != nil {
		return nil, err
	}
	if v := os.Getenv("BIMFACE_APP_KEY"); v != "" {
		cfg.AppKey = v
	}
	if v := os.Getenv("BIMFACE_APP_SECRET"); v != "" {
		cfg.AppSecret = v
	}
	if r.Endpoint != "" {
		cfg.Endpoint = r.Endpoint
	}
	if cfg.AppKey == "" || cfg.AppSecret == "" {
		return nil, errors.New("no BIMFACE credentials: set BIMFACE_APP_KEY and BIMFACE_APP_SECRET, or appKey and appSecret in the config file")
	}
	opts := []bimface.Option{bimface.WithCredentials(cfg.AppKey, cfg.AppSecret), bimface.WithUserAgent("bfquery")}
	opts = append(opts, more...)
	if cfg.Endpoint != "" {
		opts = append(opts, bimface.WithEndpoint(cfg.Endpoint))
	}
	return bimface.NewClient(opts...)
}

// loadConfig reads the config file: the one named by --config, which must
// exist, or the default one, if there is one.
func (r *Remote) loadConfig() (config, error) {
	var cfg config
	path := r.Config
	if path == "" {
		dir, err := os.UserConfigDir()
		if err != nil {
			return cfg, nil
		}
		path = filepath.Join(dir, "bfquery", "config.json")
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return cfg, nil
		}
	}
	info, err := os.Stat(path)
	if err != nil {
		return cfg, err
	}
	if err := checkPrivate(runtime.GOOS, path, info.Mode()); err != nil {
		return cfg, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return cfg, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields() // a misspelt appkey would otherwise go unnoticed
	if err := dec.Decode(&cfg); err != nil {
		// The decoder's message quotes no value, so no secret leaks.
		return cfg, fmt.Errorf("config file %s: %v (it holds appKey, appSecret and endpoint)", path, err)
	}
	return cfg, nil
}

// checkPrivate refuses a config file that others than its owner may read,
// on the system goos. On Windows it refuses nothing: the mode Go reports
// there says only whether the file is read-only, access being a matter of
// ACLs, and a file under %APPDATA% inherits from the user's profile ACLs
// that keep other users out.
func checkPrivate(goos, path string, mode fs.FileMode) error {
	if goos == "windows" || mode.Perm()&0o077 == 0 {
		return nil
	}
	return fmt.Errorf("config file %s holds a secret but others may read it (mode %04o): run chmod 600 %s", path, mode.Perm(), path)
}
