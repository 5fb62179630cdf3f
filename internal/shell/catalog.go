package shell

import (
	"context"
	"sync"
	"time"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/internal/runner"
)

// catalogTimeout bounds what one completion may wait for a remote
// backend: a slow answer is no candidates rather than a frozen line.
const catalogTimeout = 3 * time.Second

// catalog is the Catalog of an engine, with what it has read kept for the
// session: a model does not change under a shell, and a remote engine
// should not be asked twice.
type catalog struct {
	e runner.Engine

	mu     sync.Mutex
	keys   map[keysKey][]dsl.Key
	values map[valuesKey][]dsl.Value
}

type keysKey struct {
	t   Target
	sel dsl.Select
}

type valuesKey struct {
	keysKey
	key dsl.Key
}

func newCatalog(e runner.Engine) *catalog {
	return &catalog{e: e, keys: map[keysKey][]dsl.Key{}, values: map[valuesKey][]dsl.Value{}}
}

func (c *catalog) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), catalogTimeout)
}

func (c *catalog) Targets() []Target {
	ctx, cancel := c.ctx()
	defer cancel()
	ts, _ := c.e.Targets(ctx)
	out := make([]Target, len(ts))
	for i, t := range ts {
		out[i] = t.Target
	}
	return out
}

func (c *catalog) Keys(t Target, sel dsl.Select) []dsl.Key {
	k := keysKey{t, sel}
	c.mu.Lock()
	keys, ok := c.keys[k]
	c.mu.Unlock()
	if ok {
		return keys
	}
	ctx, cancel := c.ctx()
	defer cancel()
	stats, err := c.e.Keys(ctx, t, sel)
	if err != nil {
		return nil
	}
	for _, s := range stats {
		keys = append(keys, s.Key)
	}
	c.mu.Lock()
	c.keys[k] = keys
	c.mu.Unlock()
	return keys
}

func (c *catalog) Values(t Target, sel dsl.Select, key dsl.Key) []dsl.Value {
	k := valuesKey{keysKey{t, sel}, key}
	c.mu.Lock()
	vals, ok := c.values[k]
	c.mu.Unlock()
	if ok {
		return vals
	}
	ctx, cancel := c.ctx()
	defer cancel()
	vcs, err := c.e.Values(ctx, t, sel, key)
	if err != nil {
		return nil
	}
	for _, v := range vcs {
		vals = append(vals, v.Value)
	}
	c.mu.Lock()
	c.values[k] = vals
	c.mu.Unlock()
	return vals
}

// see forgets the keys of the statement's targets, so that a remote
// backend's list takes in the keys the statement used.
func (c *catalog) see(st dsl.Statement) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range st.Request.TargetIDs() {
		delete(c.keys, keysKey{Target{Type: st.Request.TargetType(), ID: id}, st.Select})
	}
}
