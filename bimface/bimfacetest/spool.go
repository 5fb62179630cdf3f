package bimfacetest

import (
	"errors"
	"fmt"
	"hash"
	"hash/fnv"
	"io"
	"net/http"
	"os"
	"time"
)

// blob is an uploaded file's bytes, kept on disk so that a large upload
// costs the simulator disk, not memory.
type blob struct {
	path string
	size int64
	sum  uint32 // FNV-1a of the bytes, for the etag
}

// etag is the FileBean etag of the bytes.
func (b *blob) etag() string { return fmt.Sprintf("%08x%08x", b.size, b.sum) }

// errTooLarge is what spool returns when the body has more bytes than
// its limit.
var errTooLarge = errors.New("too large")

// spoolFile creates an empty file in the simulator's upload directory,
// which is made on first use and removed by Close.
func (s *Simulator) spoolFile() (*os.File, error) {
	s.spoolMu.Lock()
	defer s.spoolMu.Unlock()
	if s.spoolDir == "" {
		dir, err := os.MkdirTemp("", "bfquery-sim-")
		if err != nil {
			return nil, err
		}
		s.spoolDir = dir
	}
	return os.CreateTemp(s.spoolDir, "upload-")
}

// removeSpool removes the files uploaded to the simulator from disk.
func (s *Simulator) removeSpool() error {
	s.spoolMu.Lock()
	defer s.spoolMu.Unlock()
	if s.spoolDir == "" {
		return nil
	}
	err := os.RemoveAll(s.spoolDir)
	s.spoolDir = ""
	return err
}

// spool copies body to a new file on disk, counting the bytes as
// received. More than limit bytes is errTooLarge, and the file is
// removed on any error. The connection's deadlines move on while bytes
// arrive (see keepAlive).
func (s *Simulator) spool(w http.ResponseWriter, r *http.Request, body io.Reader, limit int64) (*blob, error) {
	f, err := s.spoolFile()
	if err != nil {
		return nil, err
	}
	bw := &blobWriter{f: f, h: fnv.New32a()}
	tick := keepAlive(w, r)
	buf := make([]byte, 32<<10)
	var n int64
	for err == nil {
		var k int
		k, err = body.Read(buf)
		if k > 0 {
			s.countReceived(k)
			if n += int64(k); n > limit {
				err = errTooLarge
				break
			}
			if _, werr := bw.Write(buf[:k]); werr != nil {
				err = werr
			}
			tick()
		}
	}
	if err == io.EOF {
		err = nil
	}
	b, cerr := bw.close()
	if err = errors.Join(err, cerr); err != nil {
		os.Remove(f.Name())
		return nil, err
	}
	return b, nil
}

func (s *Simulator) countReceived(k int) {
	s.store.mu.Lock()
	s.store.received += int64(k)
	s.store.mu.Unlock()
}

// blobWriter writes a blob, hashing it on the way.
type blobWriter struct {
	f    *os.File
	h    hash.Hash32
	size int64
}

func (w *blobWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	w.h.Write(p[:n])
	w.size += int64(n)
	return n, err
}

func (w *blobWriter) close() (*blob, error) {
	if err := w.f.Close(); err != nil {
		return nil, err
	}
	return &blob{path: w.f.Name(), size: w.size, sum: w.h.Sum32()}, nil
}

// keepAlive returns a function that moves the connection's read and
// write deadlines on by the server's timeouts, for a handler to call as
// a long body moves: Serve's timeouts then end a stalled upload or
// download, not a slow one. It does nothing for a request that Serve
// did not receive (NewServer's have no timeouts to move).
func keepAlive(w http.ResponseWriter, r *http.Request) func() {
	l, ok := r.Context().Value(limitsKey{}).(Limits)
	if !ok {
		return func() {}
	}
	rc := http.NewResponseController(w)
	return func() {
		now := time.Now()
		rc.SetReadDeadline(now.Add(l.ReadTimeout))
		rc.SetWriteDeadline(now.Add(l.WriteTimeout))
	}
}
