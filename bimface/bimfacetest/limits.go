package bimfacetest

import (
	"context"
	"net"
	"sync"
	"time"
)

// Limits bounds what clients can hold of a server that Serve runs, so
// that slow or idle connections cannot pile up.
type Limits struct {
	// ReadHeaderTimeout is how long a request's header may take to arrive.
	ReadHeaderTimeout time.Duration
	// ReadTimeout is how long a whole request may take to arrive. An
	// upload gets as long again after each part of its body, so that a
	// stalled upload ends and a slow one does not.
	ReadTimeout time.Duration
	// WriteTimeout is how long answering a request may take; as for
	// ReadTimeout, uploads and downloads get as long again as they move.
	WriteTimeout time.Duration
	// IdleTimeout is how long a kept-alive connection may wait for its
	// next request.
	IdleTimeout time.Duration
	// MaxConns is how many connections the server holds at once; more
	// wait in the listen queue until one closes.
	MaxConns int
}

// DefaultLimits returns Serve's limits unless WithLimits says otherwise.
func DefaultLimits() Limits {
	return Limits{
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       time.Minute,
		MaxConns:          256,
	}
}

// limitsKey marks the context of a request that Serve received with the
// limits it serves under, for keepAlive.
type limitsKey struct{}

func (s *Simulator) limitsContext(ctx context.Context) context.Context {
	return context.WithValue(ctx, limitsKey{}, s.limits)
}

// limitListener accepts at most n connections at once: Accept waits
// while n are open.
type limitListener struct {
	net.Listener
	slots     chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

func newLimitListener(ln net.Listener, n int) *limitListener {
	return &limitListener{Listener: ln, slots: make(chan struct{}, n), done: make(chan struct{})}
}

func (l *limitListener) Accept() (net.Conn, error) {
	select {
	case l.slots <- struct{}{}:
	case <-l.done:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return &limitConn{Conn: c, release: func() { <-l.slots }}, nil
}

func (l *limitListener) Close() error {
	l.closeOnce.Do(func() { close(l.done) })
	return l.Listener.Close()
}

// limitConn gives its slot back when it is closed, once.
type limitConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
