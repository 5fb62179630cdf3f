package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/term"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/internal/progress"
)

// resumableAbove is the size from which upload uses a resumable append
// upload even without --resume: past it, a failed single request costs
// more than the few more requests an append upload makes.
const resumableAbove = 32 << 20

// UploadCmd is "bfquery upload": upload a model file to BIMFACE.
type UploadCmd struct {
	File     string `arg:"" optional:"" type:"path" placeholder:"FILE" help:"The file to upload."`
	Name     string `help:"The name the file gets on BIMFACE (default: FILE's base name; required with --url)."`
	URL      string `name:"url" placeholder:"URL" help:"Have BIMFACE fetch the file from URL instead of uploading FILE."`
	SourceID string `placeholder:"ID" help:"Your own id for the file; BIMFACE refuses one it has seen."`
	Resume   bool   `help:"Upload in pieces that survive interruptions, and resume an interrupted upload of the same file. Files over 32 MiB are always uploaded this way; smaller ones in one request unless --resume is given."`
	Direct   bool   `help:"Upload straight to BIMFACE's object storage with an upload policy (not with --resume)."`
	Quiet    bool   `short:"q" help:"No progress bar."`
	Output   `embed:""`
	Remote   Remote `embed:""`
}

// uploadState is what an interrupted resumable upload leaves behind, so
// that the next run goes on with the same append file.
type uploadState struct {
	AppendFileID int64     `json:"appendFileId"`
	Name         string    `json:"name"`
	Size         int64     `json:"size"`
	ModTime      time.Time `json:"modTime"`
	Endpoint     string    `json:"endpoint"`
}

// statePath is where the state of an upload of path lives: in the user
// cache directory, keyed by the file's absolute path.
func statePath(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(abs))
	return filepath.Join(dir, "bfquery", "uploads", hex.EncodeToString(sum[:12])+".json"), nil
}

func (c *UploadCmd) Run(e *env) error {
	if c.File != "" && c.URL == "" {
		// A file that is not there fails before anything is asked of
		// BIMFACE.
		if _, err := os.Stat(c.File); err != nil {
			return err
		}
	}
	client, err := c.Remote.client(e)
	if err != nil {
		return err
	}
	var f *bimface.File
	switch {
	case c.URL != "":
		if c.Name == "" {
			return inputError{errors.New("--url needs --name")}
		}
		f, err = client.SourceFiles.UploadURL(e.ctx, c.Name, c.URL, "", &bimface.UploadOptions{SourceID: c.SourceID})
	case c.File == "":
		return inputError{errors.New("give FILE or --url")}
	default:
		f, err = c.uploadFile(e, client)
	}
	if err != nil {
		return err
	}
	return c.print(e.stdout, f, func(w io.Writer) {
		fmt.Fprintf(w, "uploaded %s as file %d (%d bytes)\n", f.Name, f.FileID, f.Length)
	})
}

func (c *UploadCmd) uploadFile(e *env, client *bimface.Client) (_ *bimface.File, err error) {
	var fh *os.File
	// Opening a FIFO waits for a writer.
	e.sig.blocking(func() { fh, err = os.Open(c.File) }, nil)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	info, err := fh.Stat()
	if err != nil {
		return nil, err
	}
	name := c.Name
	if name == "" {
		name = filepath.Base(c.File)
	}
	size := info.Size()
	opts := bimface.UploadOptions{SourceID: c.SourceID}
	if !c.Quiet && isTerminal(e.stderr) {
		bar := newBytesBar(e.stderr, size, name)
		opts.Progress = func(sent, _ int64) { bar.Set(sent) }
		defer func() {
			if err == nil {
				bar.Finish()
			} else {
				bar.Exit() // where it stopped, not full
			}
			fmt.Fprintln(e.stderr)
		}()
	}
	if !c.Resume && size <= resumableAbove {
		if c.Direct {
			return client.SourceFiles.UploadDirect(e.ctx, name, fh, size, &opts)
		}
		return client.SourceFiles.Upload(e.ctx, name, fh, size, &opts)
	}
	if c.Direct {
		return nil, inputError{errors.New("--direct uploads in one request: it cannot resume")}
	}
	sp, err := statePath(c.File)
	if err != nil {
		return nil, err
	}
	endpoint := client.FileBaseURL().String()
	ropts := &bimface.ResumableOptions{UploadOptions: opts}
	if b, err := os.ReadFile(sp); err == nil {
		var st uploadState
		if json.Unmarshal(b, &st) == nil && st.Size == size && st.ModTime.Equal(info.ModTime()) && st.Name == name && st.Endpoint == endpoint {
			ropts.AppendFileID = st.AppendFileID
			fmt.Fprintf(e.stderr, "bfquery: resuming the upload of %s (append file %d)\n", name, st.AppendFileID)
		}
	}
	ropts.Created = func(af *bimface.AppendFile) {
		b, _ := json.Marshal(uploadState{AppendFileID: af.AppendFileID, Name: name, Size: size, ModTime: info.ModTime(), Endpoint: endpoint})
		if os.MkdirAll(filepath.Dir(sp), 0o700) == nil {
			_ = os.WriteFile(sp, b, 0o600)
		}
	}
	f, err := client.SourceFiles.UploadResumable(e.ctx, name, fh, size, ropts)
	var apiErr *bimface.Error
	if ropts.AppendFileID != 0 && errors.As(err, &apiErr) && apiErr.Code == bimface.CodeFileNotFound {
		// The append file is gone (expired, deleted): start again.
		ropts.AppendFileID = 0
		f, err = client.SourceFiles.UploadResumable(e.ctx, name, fh, size, ropts)
	}
	if err != nil {
		if e.ctx.Err() != nil {
			return nil, fmt.Errorf("upload interrupted; run it again with --resume to go on from where it stopped")
		}
		return nil, fmt.Errorf("%w; run it again with --resume to go on from where it stopped", err)
	}
	_ = os.Remove(sp)
	return f, nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// newBytesBar is a progress bar of size bytes on w, a terminal: the
// bytes sent, rate and time left. The rate counts from the first report,
// which for a resumed upload is where it resumes.
func newBytesBar(w io.Writer, size int64, name string) *progress.Bar {
	return progress.New(w, progress.Options{Description: name, Total: size, Bytes: true})
}

func readFile(path string) ([]byte, error) { return os.ReadFile(path) }
