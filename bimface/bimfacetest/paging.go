package bimfacetest

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/eval"
)

// The limits of today's BIMFACE on ID lists, which the simulator enforces
// unless told otherwise (shared/seeds/README.md, "10,000-id cap", from the
// developer guide's 分页查询构件id列表): an unpaged list holds at most
// 10,000 IDs, silently cut; paginationSize is in (0, 10000]; a pagination
// context lives 5 minutes.
const (
	DefaultIDCap         = bimface.MaxPageSize
	DefaultPaginationTTL = 5 * time.Minute
)

// maxContexts bounds the live pagination contexts; the oldest goes first.
const maxContexts = 4096

// pager keeps the pagination contexts and cuts ID lists as BIMFACE does.
type pager struct {
	cap       int
	perTarget bool
	ttl       time.Duration
	maxSize   int
	now       func() time.Time

	mu       sync.Mutex
	contexts map[string]*pageContext
	order    []string // context IDs, oldest first, for eviction
}

func newPager() *pager {
	return &pager{
		cap:      DefaultIDCap,
		ttl:      DefaultPaginationTTL,
		maxSize:  bimface.MaxPageSize,
		now:      time.Now,
		contexts: map[string]*pageContext{},
	}
}

// pageContext is one pagination context. Its first call fixes the list
// and the page size: BIMFACE counts the first call's parameters and
// ignores those of later ones.
type pageContext struct {
	expires time.Time
	calls   int
	done    bool
	path    string
	size    int
	parts   []listPart
	sent    []int // per part, or one number across parts
}

// listPart is one target's part of an ID list: the positions of its
// records in the target's index.
type listPart struct {
	t   *target
	id  string
	ix  *eval.Index // nil when the target has none of what is listed
	set eval.Set
}

// add registers a new context ID.
func (p *pager) add(id string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	// Drop the expired, then the oldest while full.
	kept := p.order[:0]
	for _, old := range p.order {
		if c := p.contexts[old]; c != nil && now.Before(c.expires) {
			kept = append(kept, old)
		} else {
			delete(p.contexts, old)
		}
	}
	p.order = kept
	for len(p.order) >= maxContexts {
		delete(p.contexts, p.order[0])
		p.order = p.order[1:]
	}
	p.contexts[id] = &pageContext{expires: now.Add(p.ttl)}
	p.order = append(p.order, id)
}

// Contexts returns how many pagination contexts the simulator keeps.
func (s *Simulator) Contexts() int {
	s.pages.mu.Lock()
	defer s.pages.mu.Unlock()
	return len(s.pages.contexts)
}

// span is the part of one target's list a page holds, as ranks in the
// target's bitmap.
type span struct {
	part     int
	from, to int
}

// cut answers which part of an ID list a request gets. parts computes the
// list (one bitmap of record positions per target, in the request's
// order); it is called once per context, on its first call. Without
// paginationContextId, the list is cut at the cap. A request the paging
// rules refuse is answered with 400 input.parameter.error and ok false.
func (p *pager) cut(w http.ResponseWriter, r *http.Request, parts func() ([]listPart, bool)) (spans []span, list []listPart, ok bool) {
	q := r.URL.Query()
	id := q.Get("paginationContextId")
	if id == "" {
		if list, ok = parts(); !ok {
			return nil, nil, false
		}
		limit := p.cap
		if limit == 0 {
			limit = int(^uint(0) >> 1)
		}
		return p.take(list, make([]int, p.offsets(len(list))), limit), list, true
	}
	size, err := strconv.Atoi(q.Get("paginationSize"))
	if err != nil || size < 1 || size > p.maxSize {
		badRequest(w, "paginationSize=%q: must be an integer from 1 to %d", q.Get("paginationSize"), p.maxSize)
		return nil, nil, false
	}
	p.mu.Lock()
	c := p.contexts[id]
	if c != nil && !p.now().Before(c.expires) {
		delete(p.contexts, id)
		c = nil
	}
	var msg string
	switch {
	case c == nil:
		msg = fmt.Sprintf("paginationContextId %q is unknown or has expired", id)
	case c.done:
		msg = fmt.Sprintf("pagination context %q has no more pages", id)
	case c.path != "" && c.path != r.URL.Path:
		msg = fmt.Sprintf("pagination context %q pages %s, not %s", id, c.path, r.URL.Path)
	}
	if msg == "" && q.Has("paginationNo") {
		// paginationNo, if sent, must count the calls, this one included.
		if no, err := strconv.Atoi(q.Get("paginationNo")); err != nil || no != c.calls+1 {
			msg = fmt.Sprintf("paginationNo=%q: this is call %d of pagination context %q", q.Get("paginationNo"), c.calls+1, id)
		}
	}
	p.mu.Unlock()
	if msg != "" {
		badRequest(w, "%s", msg)
		return nil, nil, false
	}
	if c.path == "" {
		// The first call: compute the list outside the lock.
		if list, ok = parts(); !ok {
			return nil, nil, false
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if c.path == "" {
		c.path, c.size, c.parts = r.URL.Path, size, list
		c.sent = make([]int, p.offsets(len(list)))
	}
	c.calls++
	spans = p.take(c.parts, c.sent, c.size)
	n := 0
	full := false
	for _, sp := range spans {
		n += sp.to - sp.from
		if p.perTarget && sp.to-sp.from == c.size {
			full = true
		}
	}
	if !p.perTarget {
		full = n == c.size
	}
	c.done = !full
	return spans, c.parts, true
}

func (p *pager) offsets(parts int) int {
	if p.perTarget {
		return parts
	}
	return 1
}

// take cuts the next page of at most size IDs from parts, starting at
// sent (one offset per part, or one across them), and advances sent.
func (p *pager) take(parts []listPart, sent []int, size int) []span {
	var out []span
	if p.perTarget {
		for i, part := range parts {
			n := part.set.Len()
			from := min(sent[i], n)
			to := min(n, from+size)
			sent[i] = to
			if to > from {
				out = append(out, span{i, from, to})
			}
		}
		return out
	}
	skip, left := sent[0], size
	for i, part := range parts {
		n := part.set.Len()
		if skip >= n {
			skip -= n
			continue
		}
		to := min(n, skip+left)
		out = append(out, span{i, skip, to})
		left -= to - skip
		sent[0] += to - skip
		skip = 0
		if left == 0 {
			break
		}
	}
	return out
}
