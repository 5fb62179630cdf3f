package bimface

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
)

// UploadPolicy is BIMFACE's UploadPolicyBean: a signed permission to
// post one file straight to BIMFACE's object storage at Host.
type UploadPolicy struct {
	Host         string `json:"host"`
	ObjectKey    string `json:"objectKey"`
	Policy       string `json:"policy"`
	AccessID     string `json:"accessId"`
	Signature    string `json:"signature"`
	CallbackBody string `json:"callbackBody"`
	Expire       int64  `json:"expire"` // Unix seconds
	SourceID     string `json:"sourceId,omitempty"`
}

// UploadPolicy asks for a policy to upload the file name directly to
// object storage (GET /upload/policy?name=).
func (s *SourceFilesService) UploadPolicy(ctx context.Context, name string, opts *UploadOptions) (*UploadPolicy, error) {
	var p UploadPolicy
	if err := s.client.fileGet(ctx, "upload/policy", nameQuery(name, opts), &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// PostWithPolicy posts size bytes of r as the file name to the policy's
// object storage, as a browser's form would (multipart/form-data with
// name, key, policy, OSSAccessKeyId, callback, signature,
// success_action_status and file). Object storage answers through
// BIMFACE's callback with the new file. The request carries no BIMFACE
// credentials: the policy's signature is the permission.
func (s *SourceFilesService) PostWithPolicy(ctx context.Context, p *UploadPolicy, name string, r io.Reader, size int64, opts *UploadOptions) (*File, error) {
	if p == nil || p.Host == "" {
		return nil, fmt.Errorf("bimface: PostWithPolicy: policy has no host")
	}
	var head bytes.Buffer
	mw := multipart.NewWriter(&head)
	for _, f := range [][2]string{
		{"name", name}, {"key", p.ObjectKey}, {"policy", p.Policy}, {"OSSAccessKeyId", p.AccessID},
		{"callback", p.CallbackBody}, {"signature", p.Signature}, {"success_action_status", "200"},
	} {
		if err := mw.WriteField(f[0], f[1]); err != nil {
			return nil, err
		}
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, name))
	h.Set("Content-Type", "application/octet-stream")
	if _, err := mw.CreatePart(h); err != nil {
		return nil, err
	}
	tail := "\r\n--" + mw.Boundary() + "--\r\n"
	if opts != nil && opts.Progress != nil {
		r = withProgress(r, 0, size, opts.Progress)
	}
	body := io.MultiReader(bytes.NewReader(head.Bytes()), io.LimitReader(r, size), strings.NewReader(tail))
	host := strings.TrimSuffix(p.Host, "/") + "/"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, host, body)
	if err != nil {
		return nil, fmt.Errorf("bimface: %w", err)
	}
	req.ContentLength = int64(head.Len()) + size + int64(len(tail))
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept", "application/json")
	if s.client.userAgent != "" {
		req.Header.Set("User-Agent", s.client.userAgent)
	}
	resp, err := s.client.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, s.client.wrapErr(req, unwrapURLError(err))
	}
	defer resp.Body.Close()
	b, err := s.client.readBody(resp)
	if err != nil {
		return nil, s.client.wrapErr(req, fmt.Errorf("reading response: %w", err))
	}
	var f File
	if err := s.client.decode(req, &Response{Response: resp}, b, &f, ""); err != nil {
		return nil, err
	}
	return &f, nil
}

// UploadDirect checks the file against /support, asks for a policy and
// posts the file to object storage with it: BIMFACE's recommended way to
// upload, as the file's bytes do not pass through its servers.
func (s *SourceFilesService) UploadDirect(ctx context.Context, name string, r io.Reader, size int64, opts *UploadOptions) (*File, error) {
	if err := s.Check(ctx, name, size); err != nil {
		return nil, err
	}
	p, err := s.UploadPolicy(ctx, name, opts)
	if err != nil {
		return nil, err
	}
	return s.PostWithPolicy(ctx, p, name, r, size, opts)
}
