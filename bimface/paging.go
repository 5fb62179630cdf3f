package bimface

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"net/http"
	"net/url"
	"strconv"
)

// MaxPageSize is the largest paginationSize BIMFACE accepts, and the most
// IDs an ID list holds when it is not paged: "BIMFACE通过接口查询模型(单模型、
// 集成模型)的构件id列表时,默认最多返回10000条数据" (developers-guide,
// 分页查询构件id列表; shared/seeds/README.md, "10,000-id cap"). Every ID
// list is therefore read in pages, of MaxPageSize IDs unless
// WithPageSize or QueryOptions.PageSize says otherwise.
const MaxPageSize = 10000

// maxListRestarts bounds how often one ID listing starts again with a
// fresh pagination context after a page failed.
const maxListRestarts = 4

// checkPageSize returns n, or MaxPageSize for 0, or an error for a size
// BIMFACE refuses: paginationSize is in (0, 10000].
func checkPageSize(n int) (int, error) {
	switch {
	case n == 0:
		return MaxPageSize, nil
	case n < 0 || n > MaxPageSize:
		return 0, fmt.Errorf("bimface: page size %d: must be between 1 and %d", n, MaxPageSize)
	}
	return n, nil
}

// pageFunc asks for one page of an ID list: the request of the listing
// with q's pagination parameters added. It returns the page's IDs.
type pageFunc func(ctx context.Context, q url.Values) ([]string, error)

// errPagingIgnored is a page larger than asked for: the server does not
// page this list, so what it sends may be cut at its cap.
var errPagingIgnored = errors.New("the server does not page this list")

// listError is a failure of one attempt at a listing, with what decides
// whether a fresh attempt may succeed.
type listError struct {
	err     error
	restart bool
}

func (e *listError) Error() string { return e.err.Error() }
func (e *listError) Unwrap() error { return e.err }

// listIDs reads a whole ID list in pages of size. The rules are those of
// BIMFACE's paging (shared/seeds/README.md, "10,000-id cap"): a context
// from GET /data/v2/query/paginationContextId, valid 5 minutes; the same
// request sent again and again with paginationContextId and
// paginationSize (paginationNo is left out); the list ends with the first
// page holding fewer than paginationSize IDs, and asking again after that
// is an error.
//
// The server keeps the cursor, so a page that failed cannot be asked for
// again: a page whose answer was lost may have moved it. A failed page
// therefore starts the whole listing again with a fresh context, after a
// backoff, at most maxListRestarts times; the answer is complete, each ID
// once, or the call fails with the last error. A failure that a new
// attempt cannot mend (a refused request on the first page, a page larger
// than asked for) fails at once.
func (c *Client) listIDs(ctx context.Context, name string, size int, page pageFunc) ([]string, error) {
	for restart := 0; ; restart++ {
		ids, err := c.listOnce(ctx, name, size, page)
		if err == nil {
			return ids, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var le *listError
		if !errors.As(err, &le) || !le.restart || restart >= maxListRestarts {
			if le != nil {
				err = le.err
			}
			return nil, err
		}
		wait := c.retry.backoff(restart)
		if apiErr := (*Error)(nil); errors.As(err, &apiErr) && apiErr.retryAfter > 0 {
			wait = apiErr.retryAfter
		}
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// listOnce is one attempt at a listing, with one pagination context.
func (c *Client) listOnce(ctx context.Context, name string, size int, page pageFunc) ([]string, error) {
	pctx, err := c.Query.PaginationContextID(ctx)
	if err != nil {
		return nil, &listError{err: err, restart: transient(err)}
	}
	q := url.Values{}
	q.Set("paginationContextId", pctx)
	q.Set("paginationSize", strconv.Itoa(size))
	var out []string
	seen := newIDSet(2 * size)
	for n := 1; ; n++ {
		ids, err := page(ctx, q)
		if err != nil {
			// The first page of a fresh context fails only for a reason
			// of the request itself, unless the failure is transient;
			// later pages may fail because the context expired or the
			// cursor moved under a lost answer.
			return nil, &listError{err: err, restart: n > 1 || transient(err)}
		}
		if len(ids) > size {
			return nil, &listError{err: fmt.Errorf("bimface: %s: page %d holds %d IDs for paginationSize %d: %w", name, n, len(ids), size, errPagingIgnored)}
		}
		for _, id := range ids {
			if !seen.add(id) {
				return nil, &listError{err: fmt.Errorf("bimface: %s: page %d of pagination context %s repeats ID %s", name, n, pctx, id), restart: true}
			}
		}
		out = append(out, ids...)
		if len(ids) < size {
			return out, nil
		}
	}
}

// idSet is a set of IDs, an open-addressing table of a 64-bit hash of
// each: a listing of a million IDs checks each once, at a fraction of the
// cost of a map of strings. Two IDs of one hash, which is rare, are told
// apart by their text.
type idSet struct {
	hash  func(string) uint64
	slots []idSlot // a power of two in size, at most half full
	n     int
}

type idSlot struct {
	h  uint64 // the hash, its lowest bit set so that 0 means empty
	id string
}

func newIDSet(size int) *idSet {
	seed := maphash.MakeSeed()
	n := 16
	for n < 2*size {
		n <<= 1
	}
	return &idSet{hash: func(id string) uint64 { return maphash.String(seed, id) }, slots: make([]idSlot, n)}
}

// add adds id and reports whether it was new.
func (s *idSet) add(id string) bool {
	h := s.hash(id) | 1
	mask := uint64(len(s.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch sl := &s.slots[i]; {
		case sl.h == 0:
			*sl = idSlot{h, id}
			s.n++
			if 2*s.n > len(s.slots) {
				s.grow()
			}
			return true
		case sl.h == h && sl.id == id:
			return false
		}
	}
}

// grow doubles the table.
func (s *idSet) grow() {
	old := s.slots
	s.slots = make([]idSlot, 2*len(old))
	mask := uint64(len(s.slots) - 1)
	for _, sl := range old {
		if sl.h == 0 {
			continue
		}
		i := sl.h & mask
		for s.slots[i].h != 0 {
			i = (i + 1) & mask
		}
		s.slots[i] = sl
	}
}

// transient reports whether err may not happen again: a connection
// failure, a timeout, a 5xx or a 429.
func transient(err error) bool {
	var apiErr *Error
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode >= 500 || apiErr.StatusCode == http.StatusTooManyRequests
	}
	var te *transportError
	return errors.As(err, &te)
}
