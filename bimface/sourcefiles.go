package bimface

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
)

// SourceFilesService manages the source files of the file server
// (FileBaseURL, https://file.bimface.com/): uploads in their four forms,
// file information, listing, download URLs and deletion. The file server
// takes access tokens only, never view tokens.
type SourceFilesService service

// File is BIMFACE's FileBean: an uploaded source file.
type File struct {
	FileID     int64  `json:"fileId"`
	Name       string `json:"name"`
	Status     string `json:"status"` // uploading, success, failure
	Etag       string `json:"etag,omitempty"`
	Suffix     string `json:"suffix,omitempty"`
	Length     int64  `json:"length"`
	CreateTime string `json:"createTime,omitempty"` // "2006-01-02 15:04:05", China time
}

// UploadStatus is BIMFACE's FileUploadStatusBean.
type UploadStatus struct {
	FileID       int64  `json:"fileId"`
	Name         string `json:"name"`
	Status       string `json:"status"`
	FailedReason string `json:"failedReason,omitempty"`
}

// Support is what the application may upload and translate
// (SupportFileBean): file suffixes and the largest length in bytes.
type Support struct {
	Length int64    `json:"length"`
	Types  []string `json:"types"`
}

// ErrUnsupportedFile is wrapped by the errors of uploads that the client
// refuses before sending anything: a suffix BIMFACE does not translate,
// or a file over its size limit.
var ErrUnsupportedFile = errors.New("file not supported")

// UploadOptions are the optional parameters of the uploads.
type UploadOptions struct {
	// SourceID is the caller's own ID for the file; BIMFACE refuses a
	// SourceID it has seen before.
	SourceID string
	// Progress, if set, is called as the body is sent with the bytes
	// sent so far, resumed bytes included.
	Progress func(sent, total int64)
}

// Supported returns the suffixes and the largest file the application
// may upload (GET /support on the file server). The answer is cached by
// the client for the uploads' checks.
func (s *SourceFilesService) Supported(ctx context.Context) (*Support, error) {
	var sup Support
	if err := s.client.fileGet(ctx, "support", nil, &sup); err != nil {
		return nil, err
	}
	s.client.supportMu.Lock()
	s.client.support = &sup
	s.client.supportMu.Unlock()
	return &sup, nil
}

// Check tells whether BIMFACE would take a file of this name and size,
// using the cached /support answer (fetched once if needed). Its error
// wraps ErrUnsupportedFile.
func (s *SourceFilesService) Check(ctx context.Context, name string, size int64) error {
	s.client.supportMu.Lock()
	sup := s.client.support
	s.client.supportMu.Unlock()
	if sup == nil {
		var err error
		if sup, err = s.Supported(ctx); err != nil {
			return err
		}
	}
	return sup.Check(name, size)
}

// Check tells whether sup allows a file of this name and size.
func (sup *Support) Check(name string, size int64) error {
	if name == "" || len([]rune(name)) > 256 {
		return fmt.Errorf("bimface: file name %q: %w: a name has 1 to 256 characters", name, ErrUnsupportedFile)
	}
	suffix := strings.ToLower(strings.TrimPrefix(path.Ext(name), "."))
	ok := false
	for _, t := range sup.Types {
		if strings.EqualFold(t, suffix) {
			ok = true
			break
		}
	}
	if !ok {
		return fmt.Errorf("bimface: %s: %w: suffix %q is not one of %s", name, ErrUnsupportedFile, suffix, strings.Join(sup.Types, ", "))
	}
	if sup.Length > 0 && size > sup.Length {
		return fmt.Errorf("bimface: %s: %w: %d bytes is over the limit of %d", name, ErrUnsupportedFile, size, sup.Length)
	}
	return nil
}

func nameQuery(name string, opts *UploadOptions) url.Values {
	q := url.Values{"name": {name}}
	if opts != nil && opts.SourceID != "" {
		q.Set("sourceId", opts.SourceID)
	}
	return q
}

// Upload sends size bytes of r as the file name in one request (PUT
// /upload?name=, application/octet-stream with its Content-Length). It
// checks name and size against /support first. When r is an
// io.ReaderAt the request may be retried on 429; for large files or
// slow links, UploadResumable survives interruptions.
func (s *SourceFilesService) Upload(ctx context.Context, name string, r io.Reader, size int64, opts *UploadOptions) (*File, error) {
	if err := s.Check(ctx, name, size); err != nil {
		return nil, err
	}
	if opts != nil && opts.Progress != nil {
		r = withProgress(r, 0, size, opts.Progress)
	}
	req, err := s.client.NewUploadRequest(http.MethodPut, "upload?"+nameQuery(name, opts).Encode(), r, size, "application/octet-stream")
	if err != nil {
		return nil, err
	}
	var f File
	if _, err := s.client.Do(ctx, req, &f); err != nil {
		return nil, err
	}
	return &f, nil
}

// UploadURL has BIMFACE fetch the file from rawURL itself (PUT
// /upload?name=&url=). etag, if not empty, is the file's etag.
func (s *SourceFilesService) UploadURL(ctx context.Context, name, rawURL, etag string, opts *UploadOptions) (*File, error) {
	q := nameQuery(name, opts)
	q.Set("url", rawURL)
	if etag != "" {
		q.Set("etag", etag)
	}
	var f File
	if err := s.client.send(ctx, s.client.fileBaseURL, "FileBaseURL", http.MethodPut, "upload", q, nil, &f); err != nil {
		return nil, err
	}
	return &f, nil
}

// File reads a file's information (GET /files/{fileId}).
func (s *SourceFilesService) File(ctx context.Context, fileID int64) (*File, error) {
	var f File
	if err := s.client.fileGet(ctx, "files/"+strconv.FormatInt(fileID, 10), nil, &f); err != nil {
		return nil, err
	}
	return &f, nil
}

// Metadata reads a file's information through GET /metadata?fileId=,
// the older form of File.
func (s *SourceFilesService) Metadata(ctx context.Context, fileID int64) (*File, error) {
	var f File
	if err := s.client.fileGet(ctx, "metadata", url.Values{"fileId": {strconv.FormatInt(fileID, 10)}}, &f); err != nil {
		return nil, err
	}
	return &f, nil
}

// ListOptions filter and page List. Dates are "2006-01-02".
type ListOptions struct {
	StartTime, EndTime string
	Status             string // uploading, success or failure
	Suffix             string
	Offset             int64
	Rows               int64 // 100 if zero; BIMFACE allows at most 500
}

// List lists files, one page of them (GET /files).
func (s *SourceFilesService) List(ctx context.Context, opts *ListOptions) ([]File, error) {
	q := url.Values{}
	if opts != nil {
		for k, v := range map[string]string{"startTime": opts.StartTime, "endTime": opts.EndTime, "status": opts.Status, "suffix": opts.Suffix} {
			if v != "" {
				q.Set(k, v)
			}
		}
		if opts.Offset > 0 {
			q.Set("offset", strconv.FormatInt(opts.Offset, 10))
		}
		if opts.Rows > 0 {
			q.Set("rows", strconv.FormatInt(opts.Rows, 10))
		}
	}
	files := []File{}
	if err := s.client.fileGet(ctx, "files", q, &files); err != nil {
		return nil, err
	}
	return files, nil
}

// UploadStatus reads how a file's upload went (GET
// /files/{fileId}/uploadStatus).
func (s *SourceFilesService) UploadStatus(ctx context.Context, fileID int64) (*UploadStatus, error) {
	var st UploadStatus
	if err := s.client.fileGet(ctx, "files/"+strconv.FormatInt(fileID, 10)+"/uploadStatus", nil, &st); err != nil {
		return nil, err
	}
	return &st, nil
}

// DownloadURL returns a URL the file can be downloaded from for five
// minutes (GET /download/url?fileId=). name, if not empty, is the name
// the download gets.
func (s *SourceFilesService) DownloadURL(ctx context.Context, fileID int64, name string) (string, error) {
	q := url.Values{"fileId": {strconv.FormatInt(fileID, 10)}}
	if name != "" {
		q.Set("name", name)
	}
	var u string
	if err := s.client.fileGet(ctx, "download/url", q, &u); err != nil {
		return "", err
	}
	return u, nil
}

// Delete deletes a file (DELETE /file?fileId=).
func (s *SourceFilesService) Delete(ctx context.Context, fileID int64) error {
	q := url.Values{"fileId": {strconv.FormatInt(fileID, 10)}}
	return s.client.send(ctx, s.client.fileBaseURL, "FileBaseURL", http.MethodDelete, "file", q, nil, nil)
}

// withProgress wraps r so that reading it reports base plus the bytes
// read to fn. An io.ReaderAt stays one, so that the request built on it
// can still be sent again.
func withProgress(r io.Reader, base, total int64, fn func(sent, total int64)) io.Reader {
	if ra, ok := r.(io.ReaderAt); ok {
		return &progressReaderAt{ra: ra, base: base, total: total, fn: fn}
	}
	return &progressReader{r: r, done: base, total: total, fn: fn}
}

type progressReader struct {
	r           io.Reader
	done, total int64
	fn          func(sent, total int64)
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		p.done += int64(n)
		p.fn(p.done, p.total)
	}
	return n, err
}

// progressReaderAt reports the end of each read, which for the
// sequential reads of a request body is the bytes sent so far.
type progressReaderAt struct {
	ra          io.ReaderAt
	base, total int64
	fn          func(sent, total int64)
}

func (p *progressReaderAt) Read([]byte) (int, error) {
	return 0, errors.New("bimface: progressReaderAt is read with ReadAt")
}

func (p *progressReaderAt) ReadAt(b []byte, off int64) (int, error) {
	n, err := p.ra.ReadAt(b, off)
	if n > 0 {
		p.fn(p.base+off+int64(n), p.total)
	}
	return n, err
}
