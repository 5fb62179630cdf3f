package bimfacetest

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/bfquery/bfquery/bimface"
)

// bucket is the simulated object storage's bucket, served under /oss/.
const bucket = "bf-sim-srcfile"

// formSlack is what a policy upload's form may hold beside the file.
const formSlack = 1 << 20

// policyDoc is what the simulator's policies say; it signs them with the
// app secret.
type policyDoc struct {
	Expiration string `json:"expiration"`
	Key        string `json:"key"`
	MaxLength  int64  `json:"maxLength"`
}

func (s *Simulator) sign(policy string) string {
	h := hmac.New(sha1.New, []byte(s.appSecret))
	h.Write([]byte(policy))
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// uploadPolicy answers GET /upload/policy?name=.
func (s *Simulator) uploadPolicy(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	name := q.Get("name")
	if !s.checkName(w, name, 0) {
		return
	}
	s.mu.Lock()
	key := strings.ReplaceAll(s.newToken("obj"), "-", "")
	s.mu.Unlock()
	exp := time.Now().Add(time.Hour)
	doc, _ := json.Marshal(policyDoc{Expiration: exp.UTC().Format(time.RFC3339), Key: key, MaxLength: s.supported.Length})
	policy := base64.StdEncoding.EncodeToString(doc)
	cb, _ := json.Marshal(map[string]string{"callbackUrl": baseURL(r) + "oss/receive", "callbackBody": "object=${object}&size=${size}&name=" + url.QueryEscape(name)})
	s.store.mu.Lock()
	// Policies are bounded as tokens are: a client that asks for them in
	// a loop pushes out the expired ones, then those closest to expiring.
	keep(s.store.policies, key, policyGrant{name: name, sourceID: q.Get("sourceId"), policy: policy, expire: exp}, s.maxEntries, time.Now(),
		func(g policyGrant) time.Time { return g.expire })
	s.store.mu.Unlock()
	writeData(w, bimface.UploadPolicy{
		Host: baseURL(r) + "oss/" + bucket, ObjectKey: key, Policy: policy, AccessID: "sim-" + bucket,
		Signature: s.sign(policy), CallbackBody: base64.StdEncoding.EncodeToString(cb), Expire: exp.Unix(), SourceID: q.Get("sourceId"),
	})
}

// ossPost answers the form POST of a policy upload, as object storage
// does with BIMFACE's callback: the new file's FileBean. The form's file
// comes last (object storage ignores fields after it), so the policy and
// its signature are checked before a byte of the file is read, and the
// file streams to disk within the policy's limit.
func (s *Simulator) ossPost(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "" {
		writeError(w, http.StatusBadRequest, "InvalidArgument", "object storage takes the policy's signature, not an Authorization header")
		return
	}
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		writeError(w, http.StatusBadRequest, "InvalidArgument", "the body must be multipart/form-data")
		return
	}
	limit := s.supported.Length
	tooLarge := func() {
		writeError(w, http.StatusBadRequest, "EntityTooLarge", fmt.Sprintf("the file is over the policy's limit of %d bytes", limit))
	}
	if r.ContentLength > limit+formSlack {
		tooLarge()
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit+formSlack)
	mr := multipart.NewReader(r.Body, params["boundary"])
	fields := map[string]string{}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			writeError(w, http.StatusBadRequest, "InvalidArgument", "form field file is missing")
			return
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				tooLarge()
				return
			}
			writeError(w, http.StatusBadRequest, "InvalidArgument", "reading the form: "+err.Error())
			return
		}
		if p.FormName() != "file" {
			b, _ := io.ReadAll(io.LimitReader(p, 64<<10))
			fields[p.FormName()] = string(b)
			continue
		}
		g, ok := s.checkPolicy(w, fields)
		if !ok {
			return
		}
		data, err := s.spool(w, r, p, limit)
		var mbe *http.MaxBytesError
		switch {
		case errors.Is(err, errTooLarge), errors.As(err, &mbe):
			tooLarge()
			return
		case err != nil:
			writeError(w, http.StatusBadRequest, "InvalidArgument", "reading the file: "+err.Error())
			return
		}
		if !s.checkName(w, g.name, data.size) {
			os.Remove(data.path)
			return
		}
		st := s.store
		st.mu.Lock()
		_, unused := st.policies[fields["key"]]
		delete(st.policies, fields["key"])
		st.mu.Unlock()
		if !unused {
			os.Remove(data.path)
			writeError(w, http.StatusForbidden, "AccessDenied", "the policy has been used")
			return
		}
		s.keepFile(w, g.name, g.sourceID, data)
		return
	}
}

// checkPolicy checks the fields of a policy upload that come before its
// file: all there, a policy this server handed out, signed, not expired,
// for a name and sourceId still valid.
func (s *Simulator) checkPolicy(w http.ResponseWriter, fields map[string]string) (policyGrant, bool) {
	for _, k := range []string{"name", "key", "policy", "OSSAccessKeyId", "callback", "signature", "success_action_status"} {
		if _, ok := fields[k]; !ok {
			writeError(w, http.StatusBadRequest, "InvalidArgument", "form field "+k+" is missing")
			return policyGrant{}, false
		}
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	g, ok := st.policies[fields["key"]]
	if !ok || g.policy != fields["policy"] || !hmac.Equal([]byte(fields["signature"]), []byte(s.sign(fields["policy"]))) || fields["OSSAccessKeyId"] != "sim-"+bucket {
		writeError(w, http.StatusForbidden, "SignatureDoesNotMatch", "the policy or its signature is not valid")
		return g, false
	}
	if time.Now().After(g.expire) {
		writeError(w, http.StatusForbidden, "AccessDenied", "the policy has expired")
		return g, false
	}
	if !s.checkName(w, g.name, 0) || s.sourceIDTaken(w, g.sourceID) {
		return g, false
	}
	return g, true
}
