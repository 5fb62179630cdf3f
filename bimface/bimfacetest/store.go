package bimfacetest

import (
	"fmt"
	"hash"
	"net/http"
	"sync"
	"time"

	"github.com/bfquery/bfquery/bimface"
)

// firstID is where the simulator's file, append file and integration IDs
// start; they look like BIMFACE's.
const firstID = 1900000000000000

// store holds what was uploaded and the jobs on it. Its own lock guards
// it, apart from the simulator's.
type store struct {
	mu      sync.Mutex
	nextID  int64
	files   map[int64]*storedFile
	appends map[int64]*appendFile
	// policies are the upload policies handed out, by objectKey.
	policies     map[string]policyGrant
	integrations map[int64]*job
	comparisons  map[int64]*job
	databags     map[targetKey]*bimface.Databag
	databagDue   map[targetKey]time.Time
	shares       map[targetKey]*bimface.ShareLink
	// targets are the files and integrations made by translations and
	// integrations, served beside Data's.
	targets map[targetKey]*target

	received int64 // upload body bytes received
}

type storedFile struct {
	bean     bimface.File
	blob     *blob
	sourceID string
	created  time.Time
	tr       *job // its translation, once started
}

type appendFile struct {
	mu sync.Mutex // held for a whole data request, so a position read waits for it
	// guarded by mu: the bytes so far, on disk, and their hash
	path string
	hash hash.Hash32
	// guarded by store.mu:
	bean bimface.AppendFile
	src  string
}

// job is a translation or an integration: it ends at due.
type job struct {
	id       int64
	due      time.Time
	reason   string // why it will fail; empty if it will succeed
	done     bool
	callback string
	tr       bimface.Translation
	in       bimface.Integration
	req      bimface.IntegrateRequest
	cmp      bimface.Comparison
	created  time.Time
}

type policyGrant struct {
	name, sourceID, policy string
	expire                 time.Time
}

func newStore() *store {
	return &store{
		nextID:       firstID,
		files:        map[int64]*storedFile{},
		appends:      map[int64]*appendFile{},
		policies:     map[string]policyGrant{},
		integrations: map[int64]*job{},
		comparisons:  map[int64]*job{},
		databags:     map[targetKey]*bimface.Databag{},
		databagDue:   map[targetKey]time.Time{},
		shares:       map[targetKey]*bimface.ShareLink{},
		targets:      map[targetKey]*target{},
	}
}

// full answers 400 quota.exceeded, and reports true, when a map of the
// store already holds the most entries the simulator keeps
// (WithMaxEntries), have of what; st.mu is held. Refusing, rather than
// forgetting old entries, keeps every answer the simulator gave true
// for as long as it runs: a client frees room by deleting what it no
// longer needs.
func (s *Simulator) full(w http.ResponseWriter, have int, what string) bool {
	if have < s.maxEntries {
		return false
	}
	writeError(w, http.StatusBadRequest, CodeQuotaExceeded, fmt.Sprintf("the simulator holds %d %s, the most it keeps: delete some first", have, what))
	return true
}

// forget drops what a deleted file, integration or comparison leaves:
// its model and its offline databag; st.mu is held.
func (st *store) forget(key targetKey) {
	delete(st.targets, key)
	delete(st.databags, key)
	delete(st.databagDue, key)
}

func (st *store) newID() int64 {
	st.nextID++
	return st.nextID
}

// target finds a target of Data, or one a finished job made.
func (s *Simulator) target(key targetKey) *target {
	if t := s.data.targets[key]; t != nil {
		return t
	}
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	return s.store.targets[key]
}
