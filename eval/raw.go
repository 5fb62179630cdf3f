package eval

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// RawRecords returns the records of one file of records, each as the
// JSON it is written as, compacted onto one line, in file order: the
// envelope's data, a JSON array's items, or records one after another,
// gzipped or not, told apart as the loader tells them. It is for servers
// of records, such as the simulator, that hand them out as they are; it
// does not check them as Open does, so the file should be one Open read.
func RawRecords(r io.Reader, name string) ([]json.RawMessage, error) {
	r, release, err := input(r, name)
	if err != nil {
		return nil, err
	}
	defer release()
	src, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	src = bytes.TrimSpace(src)
	if len(src) == 0 {
		return nil, nil
	}
	var list []json.RawMessage
	switch {
	case src[0] == '[':
		err = json.Unmarshal(src, &list)
	case isEnvelopeText(src):
		var env struct {
			Data []json.RawMessage `json:"data"`
		}
		err = json.Unmarshal(src, &env)
		list = env.Data
	default:
		dec := json.NewDecoder(bytes.NewReader(src))
		for {
			var rec json.RawMessage
			if err = dec.Decode(&rec); err != nil {
				break
			}
			list = append(list, rec)
		}
		if errors.Is(err, io.EOF) {
			err = nil
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	for i, rec := range list {
		// Records go inside larger documents and one per line: keep each
		// on one line.
		if bytes.IndexByte(rec, '\n') >= 0 {
			var b bytes.Buffer
			if err := json.Compact(&b, rec); err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			list[i] = b.Bytes()
		}
	}
	return list, nil
}

// isEnvelopeText reports whether a document's first member is one of the
// envelope's, code, data or message: the loader's rule (see "Input" in
// the package documentation).
func isEnvelopeText(src []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(src))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return false
	}
	tok, err := dec.Token()
	if err != nil {
		return false
	}
	switch tok {
	case "code", "data", "message":
		return true
	}
	return false
}
