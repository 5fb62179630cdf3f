package bimfacetest

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/bfquery/bfquery/bimface"
)

// An Option configures a Simulator.
type Option func(*Simulator) error

// Credentials, tokens and what guards a simulator that serves others.

// WithCredentials sets the app key and secret the token endpoint accepts.
func WithCredentials(appKey, appSecret string) Option {
	return func(s *Simulator) error {
		if appKey == "" || appSecret == "" {
			return errors.New("WithCredentials: empty key or secret")
		}
		s.appKey, s.appSecret = appKey, appSecret
		return nil
	}
}

// DefaultTokenTTL is how long access tokens live, as on BIMFACE.
const DefaultTokenTTL = 7 * 24 * time.Hour

// WithTokenTTL sets how long access tokens live (DefaultTokenTTL unless
// set). The token answer's expireTime says so, to the second; the
// simulator refuses a token from its exact expiry on.
func WithTokenTTL(d time.Duration) Option {
	return func(s *Simulator) error {
		if d <= 0 {
			return fmt.Errorf("WithTokenTTL: %v must be positive", d)
		}
		s.tokenTTL = d
		return nil
	}
}

// DefaultMaxTokens is how many access tokens, and how many view tokens,
// a simulator keeps unless WithMaxTokens says otherwise. Past it, expired
// ones go first, then those closest to expiring.
const DefaultMaxTokens = 10000

// WithMaxTokens sets how many access tokens, and how many view tokens,
// the simulator keeps (DefaultMaxTokens unless set). A new token past
// the limit pushes out the one closest to expiring, so that a client
// asking for tokens in a loop cannot grow the simulator's memory.
func WithMaxTokens(n int) Option {
	return func(s *Simulator) error {
		if n < 1 {
			return fmt.Errorf("WithMaxTokens: %d must be positive", n)
		}
		s.maxTokens = n
		return nil
	}
}

// WithInternalURLs lets uploads from a URL, and callbacks, reach
// internal addresses: loopback, private, link-local and the like, which
// the simulator otherwise refuses to connect to. Tests whose sources and
// callback receivers listen on loopback need it.
func WithInternalURLs() Option {
	return func(s *Simulator) error {
		s.internalURLs = true
		return nil
	}
}

// withClock makes the simulator read the time from now for the expiry of
// tokens, view tokens and download URLs; tests move it by days.
func withClock(now func() time.Time) Option {
	return func(s *Simulator) error {
		s.now = now
		return nil
	}
}

// WithLimits sets the limits of Serve (DefaultLimits() unless set). Every
// field must be positive.
func WithLimits(l Limits) Option {
	return func(s *Simulator) error {
		if l.ReadHeaderTimeout <= 0 || l.ReadTimeout <= 0 || l.WriteTimeout <= 0 || l.IdleTimeout <= 0 || l.MaxConns < 1 {
			return errors.New("WithLimits: every limit must be positive")
		}
		s.limits = l
		return nil
	}
}

// WithFaults sets the faults injected from the first request on.
func WithFaults(f Faults) Option {
	return func(s *Simulator) error {
		s.SetFaults(f)
		return nil
	}
}

// BIMFACE's limits on queries and ID lists.

// WithoutIn makes the simulator answer a DSL that uses the in clause with
// input.parameter.error, as a server that predates in does; a planner
// that lowers in into boolOr of matches is tested against it.
func WithoutIn() Option {
	return func(s *Simulator) error {
		s.noIn = true
		return nil
	}
}

// WithMaxBatchIDs sets the most IDs an element batch read accepts,
// bimface.MaxBatchIDs unless set.
func WithMaxBatchIDs(n int) Option {
	return func(s *Simulator) error {
		if n < 1 {
			return fmt.Errorf("WithMaxBatchIDs: %d must be positive", n)
		}
		s.maxBatch = n
		return nil
	}
}

// WithoutIDCap makes unpaged ID lists whole, as no BIMFACE does: for tests
// that compare against an unpaged answer on purpose.
func WithoutIDCap() Option {
	return func(s *Simulator) error {
		s.pages.cap = 0
		return nil
	}
}

// WithIDCap sets the most IDs an unpaged list holds (DefaultIDCap unless
// set).
func WithIDCap(n int) Option {
	return func(s *Simulator) error {
		if n < 1 {
			return fmt.Errorf("WithIDCap: %d must be positive", n)
		}
		s.pages.cap = n
		return nil
	}
}

// WithPerTargetPaging makes a query over several targets count its cap
// and its pages per target: a page then holds up to paginationSize IDs of
// each target. The documents do not say which way BIMFACE counts; by
// default the simulator counts across the targets, in their order.
func WithPerTargetPaging() Option {
	return func(s *Simulator) error {
		s.pages.perTarget = true
		return nil
	}
}

// WithPaginationTTL sets how long a pagination context lives after it was
// handed out (DefaultPaginationTTL unless set).
func WithPaginationTTL(d time.Duration) Option {
	return func(s *Simulator) error {
		if d <= 0 {
			return fmt.Errorf("WithPaginationTTL: %v must be positive", d)
		}
		s.pages.ttl = d
		return nil
	}
}

// WithMaxPageSize sets the largest paginationSize a list accepts
// (bimface.MaxPageSize unless set); larger ones are 400
// input.parameter.error.
func WithMaxPageSize(n int) Option {
	return func(s *Simulator) error {
		if n < 1 {
			return fmt.Errorf("WithMaxPageSize: %d must be positive", n)
		}
		s.pages.maxSize = n
		return nil
	}
}

// WithTypedPropertyValues makes propertyValues answer values with their
// JSON types (numbers as numbers), where by default they come as strings,
// as the seed's example shows them.
func WithTypedPropertyValues() Option {
	return func(s *Simulator) error {
		s.typedValues = true
		return nil
	}
}

// WithLegacyIntegrationBody makes an integration's batch element read
// take only the bare array [{"fileIdHash", "elementIds"}] of the seed page
// and older SDKs, refusing the {"ids": [...]} object of the current
// reference with 400 input.parameter.error.
func WithLegacyIntegrationBody() Option {
	return func(s *Simulator) error {
		s.legacyBody = true
		return nil
	}
}

// The file server and the jobs.

// DefaultSupport returns what the file server's /support answers unless
// WithSupport says otherwise: BIMFACE's list and its 1 GiB limit.
func DefaultSupport() bimface.Support {
	return bimface.Support{
		Length: 1 << 30,
		Types:  []string{"rvt", "rfa", "dwg", "dxf", "skp", "ifc", "dgn", "obj", "stl", "3ds", "dae", "ply", "igms", "zip", "gtj", "bfcatzip"},
	}
}

// WithSupport sets the file server's /support answer, which uploads are
// also checked against (DefaultSupport() unless set).
func WithSupport(sup bimface.Support) Option {
	return func(s *Simulator) error {
		s.supported = sup
		return nil
	}
}

// DefaultProjectID is the project every translation of a simulator
// belongs to, for POST /v1/{projectId}/translations.
const DefaultProjectID = 10000000006016

// WithTranslateDelay makes translations, integrations and offline
// databags take d (none unless set): until then their status is
// processing.
func WithTranslateDelay(d time.Duration) Option {
	return func(s *Simulator) error {
		if d < 0 {
			return fmt.Errorf("WithTranslateDelay: negative duration %v", d)
		}
		s.translateDelay = d
		return nil
	}
}

type failure struct {
	match  func(bimface.File) bool
	reason string
}

// WithTranslateFailure makes the translation of every uploaded file that
// match accepts fail with reason. See FailFile for one file.
func WithTranslateFailure(match func(bimface.File) bool, reason string) Option {
	return func(s *Simulator) error {
		if match == nil || reason == "" {
			return errors.New("WithTranslateFailure: nil match or empty reason")
		}
		s.failures = append(s.failures, failure{match, reason})
		return nil
	}
}

// FailFile is a match for WithTranslateFailure: the file with this ID,
// or with this name.
func FailFile(idOrName string) func(bimface.File) bool {
	return func(f bimface.File) bool {
		return strconv.FormatInt(f.FileID, 10) == idOrName || f.Name == idOrName
	}
}

// WithModel makes the translation of an uploaded file named name give
// the model of data's first file target (a cache that bfquery pull
// wrote, say), under the new file's ID. Files no WithModel names get a
// generated model of WithGeneratedElements elements, seeded by their
// file ID.
func WithModel(name string, data *Data) Option {
	return func(s *Simulator) error {
		if data == nil || data.firstFile() == nil {
			return fmt.Errorf("WithModel(%q): data has no file target", name)
		}
		s.models[name] = data
		return nil
	}
}

// DefaultGeneratedElements is the size of the model a translation
// generates for an uploaded file that WithModel does not name.
const DefaultGeneratedElements = 300

// WithGeneratedElements sets the size of generated models
// (DefaultGeneratedElements unless set).
func WithGeneratedElements(n int) Option {
	return func(s *Simulator) error {
		if n < 1 {
			return fmt.Errorf("WithGeneratedElements: %d must be positive", n)
		}
		s.genElements = n
		return nil
	}
}

// DefaultMaxEntries is how many of each kind of thing the simulator
// stores unless WithMaxEntries says otherwise.
const DefaultMaxEntries = 100000

// WithMaxEntries sets the most files, append files, integrations,
// comparisons, offline databags and share links the simulator keeps,
// each (DefaultMaxEntries unless set), so that a long-running bfquery
// serve cannot be made to grow without end. A request that would store
// one more is answered 400 quota.exceeded (CodeQuotaExceeded) until
// something is deleted; a file's translation is counted with its file.
// Upload policies, which expire, are bounded by the same number as
// tokens are: past it, the expired and then those closest to expiring
// are forgotten.
func WithMaxEntries(n int) Option {
	return func(s *Simulator) error {
		if n < 1 {
			return fmt.Errorf("WithMaxEntries: %d must be positive", n)
		}
		s.maxEntries = n
		return nil
	}
}
