package bimface

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
)

// AppendFile is BIMFACE's AppendFileBean: a file uploaded in pieces,
// Position bytes of Length received so far. File is the finished file
// once Position reaches Length.
type AppendFile struct {
	AppendFileID int64  `json:"appendFileId"`
	Name         string `json:"name"`
	Length       int64  `json:"length"`
	Position     int64  `json:"position"`
	Status       string `json:"status"`
	CreateTime   string `json:"createTime,omitempty"`
	File         *File  `json:"file,omitempty"`
}

// CreateAppendFile starts a resumable upload of a file of length bytes
// (POST /appendFiles?length=&name=).
func (s *SourceFilesService) CreateAppendFile(ctx context.Context, name string, length int64, opts *UploadOptions) (*AppendFile, error) {
	q := nameQuery(name, opts)
	q.Set("length", strconv.FormatInt(length, 10))
	var af AppendFile
	if err := s.client.send(ctx, s.client.fileBaseURL, "FileBaseURL", http.MethodPost, "appendFiles", q, nil, &af); err != nil {
		return nil, err
	}
	return &af, nil
}

// AppendFile reads a resumable upload's state, its Position above all
// (GET /appendFiles/{appendFileId}).
func (s *SourceFilesService) AppendFile(ctx context.Context, appendFileID int64) (*AppendFile, error) {
	var af AppendFile
	if err := s.client.fileGet(ctx, "appendFiles/"+strconv.FormatInt(appendFileID, 10), nil, &af); err != nil {
		return nil, err
	}
	return &af, nil
}

// Append sends size bytes of r to be written from position on (POST
// /appendFiles/{appendFileId}/data?position=). It is sent once: after a
// failure, ask AppendFile where the server got to.
func (s *SourceFilesService) Append(ctx context.Context, appendFileID, position int64, r io.Reader, size int64) (*AppendFile, error) {
	q := url.Values{"position": {strconv.FormatInt(position, 10)}}
	u := "appendFiles/" + strconv.FormatInt(appendFileID, 10) + "/data?" + q.Encode()
	req, err := s.client.NewUploadRequest(http.MethodPost, u, r, size, "application/octet-stream")
	if err != nil {
		return nil, err
	}
	// Never resend: a retry of bytes the server may already have written
	// is what resuming from its position avoids.
	req.GetBody = nil
	var af AppendFile
	if _, err := s.client.Do(ctx, req, &af); err != nil {
		return nil, err
	}
	return &af, nil
}

// ResumableOptions are the options of UploadResumable.
type ResumableOptions struct {
	UploadOptions
	// AppendFileID resumes that upload instead of creating one.
	AppendFileID int64
	// Created, if set, is called with the new append file before any
	// data is sent, so that the caller can keep its ID to resume after
	// the process ends.
	Created func(*AppendFile)
	// MaxFailures is how many failed sends in a row, with no progress
	// between them, end the upload; 5 if zero.
	MaxFailures int
}

// UploadResumable uploads size bytes of r as the file name through an
// append file: it asks the server how much it already has and sends only
// the rest, and after a failed send (a cut connection, a 5xx) asks again
// and goes on from there; a send refused because the server's position
// moved (bytes of a cut send still arriving) also goes on from the new
// position. No byte the server acknowledged is sent twice.
// If ctx is cancelled it returns ctx.Err(); the same call with
// opts.AppendFileID resumes, even from another process.
func (s *SourceFilesService) UploadResumable(ctx context.Context, name string, r io.ReaderAt, size int64, opts *ResumableOptions) (*File, error) {
	if opts == nil {
		opts = &ResumableOptions{}
	}
	maxFail := opts.MaxFailures
	if maxFail <= 0 {
		maxFail = 5
	}
	var af *AppendFile
	var err error
	if opts.AppendFileID != 0 {
		af, err = s.AppendFile(ctx, opts.AppendFileID)
	} else {
		if err = s.Check(ctx, name, size); err != nil {
			return nil, err
		}
		af, err = s.CreateAppendFile(ctx, name, size, &opts.UploadOptions)
		if err == nil && opts.Created != nil {
			opts.Created(af)
		}
	}
	if err != nil {
		return nil, err
	}
	if af.Length != size {
		return nil, errors.New("bimface: append file " + strconv.FormatInt(af.AppendFileID, 10) + " is " + strconv.FormatInt(af.Length, 10) + " bytes long, the data " + strconv.FormatInt(size, 10))
	}
	failures := 0
	for {
		pos := af.Position
		if opts.Progress != nil {
			opts.Progress(pos, size)
		}
		if pos >= size {
			if af.File == nil {
				return nil, errors.New("bimface: append file " + strconv.FormatInt(af.AppendFileID, 10) + " is complete but has no file")
			}
			return af.File, nil
		}
		var body io.Reader = io.NewSectionReader(r, pos, size-pos)
		if opts.Progress != nil {
			body = withProgress(body, pos, size, opts.Progress)
		}
		next, err := s.Append(ctx, af.AppendFileID, pos, body, size-pos)
		if err == nil {
			af, failures = next, 0
			continue
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var apiErr *Error
		refused := errors.As(err, &apiErr) && apiErr.StatusCode < 500 && apiErr.StatusCode != http.StatusTooManyRequests
		if failures++; failures >= maxFail {
			return nil, err
		}
		if !refused {
			if err := sleep(ctx, s.client.retry.backoff(failures-1)); err != nil {
				return nil, err
			}
		}
		cur, qerr := s.AppendFile(ctx, af.AppendFileID)
		if qerr != nil {
			return nil, errors.Join(err, qerr)
		}
		// A refused send is final unless the server's position moved
		// under it: an earlier, cut send whose bytes were still arriving
		// when the position was read. Then go on from the new position.
		if refused && cur.Position == pos {
			return nil, err
		}
		if cur.Position > pos {
			failures = 0
		}
		af = cur
	}
}
