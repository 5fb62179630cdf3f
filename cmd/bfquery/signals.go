package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
)

// signals is how bfquery ends on SIGINT and SIGTERM. A signal cancels
// ctx, which network commands watch: they stop their requests and
// return. A read of standard input, a FIFO or a file cannot be cancelled
// in Go, so a signal that comes while one is in progress, or before one
// starts, ends bfquery at once with the exit code a shell gives a
// program the signal killed: 128 + its number, 130 for SIGINT and 143
// for SIGTERM.
type signals struct {
	ctx    context.Context
	cancel context.CancelFunc
	ch     chan os.Signal
	done   chan struct{}

	got      atomic.Int32 // the last signal's number, 0 before any
	blocked  atomic.Int32 // reads in progress
	keepsInt atomic.Bool  // SIGINT belongs to the shell on a terminal

	mu      sync.Mutex
	restore []func() // put the terminal back before exiting
}

// listen starts handling SIGINT and SIGTERM; stop ends it.
func listen() *signals {
	s := &signals{ch: make(chan os.Signal, 2), done: make(chan struct{})}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	signal.Notify(s.ch, os.Interrupt, syscall.SIGTERM)
	go s.loop()
	return s
}

func (s *signals) stop() {
	signal.Stop(s.ch)
	close(s.done)
	s.cancel()
}

func (s *signals) loop() {
	for {
		select {
		case <-s.done:
			return
		case sig := <-s.ch:
			n, _ := sig.(syscall.Signal)
			if n == syscall.SIGINT && s.keepsInt.Load() {
				continue
			}
			s.got.Store(int32(n))
			s.cancel()
			if s.blocked.Load() > 0 {
				s.exit()
			}
		}
	}
}

// received is the exit code of the last signal received, or 0.
func (s *signals) received() int {
	if n := s.got.Load(); n != 0 {
		return 128 + int(n)
	}
	return 0
}

func (s *signals) exit() {
	s.mu.Lock()
	for _, f := range s.restore {
		f()
	}
	s.mu.Unlock()
	os.Exit(s.received())
}

// blocking runs f, which may block reading input, so that a signal ends
// bfquery while it runs. restore, if not nil, is run before exiting.
func (s *signals) blocking(f func(), restore func()) {
	if restore != nil {
		s.mu.Lock()
		s.restore = append(s.restore, restore)
		s.mu.Unlock()
		defer func() {
			s.mu.Lock()
			s.restore = s.restore[:len(s.restore)-1]
			s.mu.Unlock()
		}()
	}
	// The loop looks at blocked after it stores got, and this looks at
	// got after it counts itself in blocked: one of them sees the other.
	s.blocked.Add(1)
	defer s.blocked.Add(-1)
	if s.got.Load() != 0 {
		s.exit()
	}
	f()
}

// keepInterrupt leaves SIGINT to the interactive shell, which cancels a
// query with it rather than end the session.
func (s *signals) keepInterrupt() { s.keepsInt.Store(true) }

// reader is r, whose reads end bfquery on a signal if r is a file (a
// terminal, a pipe, a FIFO), which may block.
func (s *signals) reader(r io.Reader) io.Reader {
	if _, ok := r.(*os.File); !ok {
		return r
	}
	return &signalReader{r: r, s: s}
}

type signalReader struct {
	r io.Reader
	s *signals
}

func (r *signalReader) Read(p []byte) (n int, err error) {
	r.s.blocking(func() { n, err = r.r.Read(p) }, nil)
	return n, err
}
