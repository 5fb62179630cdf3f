package bimfacetest

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/bfquery/bfquery/bimface"
)

// jobByQuery finds the job of jobs that the query parameter param names,
// answering 404 with code if there is none; st.mu is held.
func jobByQuery(w http.ResponseWriter, r *http.Request, jobs map[int64]*job, param, code, what string) *job {
	id, ok := queryID(w, r, param)
	if !ok {
		return nil
	}
	j := jobs[id]
	if j == nil {
		writeError(w, http.StatusNotFound, code, fmt.Sprintf("%s %d not found", what, id))
	}
	return j
}

// jobNotReady is the error code and message format for a job that is
// missing, running or failed, or "" when it has succeeded; status reads
// its state.
func jobNotReady(j *job, status func() string, what, missing, running, failed string) (code, msg string) {
	switch {
	case j == nil:
		return missing, what + " %d not found"
	case !j.done:
		return running, what + " %d is in progress"
	case status() != bimface.StatusSuccess:
		return failed, what + " %d failed"
	}
	return "", ""
}

// startJob finishes a translation or an integration at once when there is
// no delay, sending its callback, and otherwise leaves it to the timer.
func (s *Simulator) startJob(j *job, finish func() notice) {
	if d := s.translateDelay; d > 0 {
		s.schedule(d)
		return
	}
	s.goCallback(finish())
}

// schedule settles the jobs after d, so that a job's callback goes out
// without waiting for a request. The timer is kept until it fires, for
// Close to stop.
func (s *Simulator) schedule(d time.Duration) {
	s.lifeMu.Lock()
	defer s.lifeMu.Unlock()
	if s.closed {
		return
	}
	var t *time.Timer
	t = time.AfterFunc(d, func() {
		s.lifeMu.Lock()
		delete(s.timers, t)
		s.lifeMu.Unlock()
		if !s.begin() {
			return
		}
		defer s.work.Done()
		s.settle()
	})
	s.timers[t] = struct{}{}
}

// goCallback sends a job's callback in the background, unless it has no
// URL or the simulator is closed.
func (s *Simulator) goCallback(n notice) {
	if n.url == "" || !s.begin() {
		return
	}
	go func() {
		defer s.work.Done()
		s.sendCallback(n)
	}()
}

// settle ends the jobs that are due. Ending a job is done lazily, on the
// next request, and by a timer that also sends its callback.
func (s *Simulator) settle() {
	if s.isClosed() {
		// Jobs stand still once the simulator is closed.
		return
	}
	now := time.Now()
	var ended []notice
	st := s.store
	st.mu.Lock()
	for _, f := range st.files {
		if j := f.tr; j != nil && !j.done && !now.Before(j.due) {
			s.finishTranslation(f)
			ended = append(ended, notice{j.callback, "fileId", j.id, j.tr.Status, j.tr.Reason})
		}
	}
	for _, j := range st.integrations {
		if !j.done && !now.Before(j.due) {
			s.finishIntegration(j)
			ended = append(ended, notice{j.callback, "integrateId", j.id, j.in.Status, j.in.Reason})
		}
	}
	for _, j := range st.comparisons {
		if !j.done && !now.Before(j.due) {
			s.finishComparison(j)
			ended = append(ended, notice{j.callback, "compareId", j.id, j.cmp.Status, j.cmp.Reason})
		}
	}
	for k, due := range st.databagDue {
		if !now.Before(due) {
			if d := st.databags[k]; d != nil && d.Status == bimface.StatusProcessing {
				d.Status = bimface.StatusSuccess
			}
			delete(st.databagDue, k)
		}
	}
	st.mu.Unlock()
	for _, n := range ended {
		s.goCallback(n)
	}
}

// callbackTimeout bounds the sending of one callback; Close ends it
// sooner.
const callbackTimeout = 10 * time.Second

// notice is a callback to send.
type notice struct {
	url, idName    string
	id             int64
	status, reason string
}

// sendCallback tells a job's callback URL that it ended, signed as
// BIMFACE signs it. A callback that cannot be delivered is dropped, as
// is one to an internal address unless WithInternalURLs.
func (s *Simulator) sendCallback(n notice) {
	u, err := url.Parse(n.url)
	if err != nil {
		return
	}
	q := u.Query()
	idName, id, status, reason := n.idName, strconv.FormatInt(n.id, 10), n.status, n.reason
	s.mu.Lock()
	nonce := s.newToken("nonce")
	s.mu.Unlock()
	q.Set(idName, id)
	q.Set("status", status)
	if reason != "" {
		q.Set("reason", reason)
	}
	q.Set("nonce", nonce)
	q.Set("signature", bimface.CallbackSignature(s.appKey, s.appSecret, id, status, nonce))
	u.RawQuery = q.Encode()
	ctx, cancel := context.WithTimeout(s.ctx, callbackTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return
	}
	req.Header.Set("Content-Type", "application/json")
	if resp, err := s.outbound.Do(req); err == nil {
		resp.Body.Close()
	}
}
