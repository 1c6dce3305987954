// Package buildctx makes Docker build contexts: tar archives of a few named files, held in memory.
package buildctx

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

// File is one file of a build context.
type File struct {
	Name string // path inside the context, e.g. "Dockerfile"
	Mode int64  // permission bits, e.g. 0o755 for a program
	Data []byte
}

// Tar returns a tar archive of files, in the order given. Every file gets the same modification time, so
// equal files give an equal archive and the engine's build cache can match them.
func Tar(files ...File) (*bytes.Buffer, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range files {
		hdr := &tar.Header{Name: f.Name, Mode: f.Mode, Size: int64(len(f.Data)), ModTime: time.Unix(0, 0)}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, fmt.Errorf("build context: write %s: %w", f.Name, err)
		}
		if _, err := tw.Write(f.Data); err != nil {
			return nil, fmt.Errorf("build context: write %s: %w", f.Name, err)
		}
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("build context: %w", err)
	}
	return &buf, nil
}

// LabelLine returns one Dockerfile LABEL instruction (with its newline) that sets all labels, in key order,
// or "" for none. Build options' labels become one build step per label, so an image half-way through the
// build carries some of them (say, an owner's PID without its start time), and a concurrent sweep can take
// it, or the step's container, for a leftover; one instruction, placed last, sets them all at once.
func LabelLine(labels map[string]string) string {
	if len(labels) == 0 {
		return ""
	}
	keys := slices.Sorted(maps.Keys(labels))
	var b strings.Builder
	b.WriteString("LABEL")
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%s", dockerQuote(k), dockerQuote(labels[k]))
	}
	b.WriteByte('\n')
	return b.String()
}

// dockerQuote double-quotes s for a Dockerfile, escaping backslashes and quotes; a line break, which a
// label cannot hold on one instruction line, becomes a space.
func dockerQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", " ", "\r", " ")
	return `"` + r.Replace(s) + `"`
}

// Drain reads the engine's image build stream to its end and returns the first error it reports.
func Drain(r io.Reader) error {
	dec := json.NewDecoder(r)
	for {
		var msg struct {
			Error       string `json:"error"`
			ErrorDetail struct {
				Message string `json:"message"`
			} `json:"errorDetail"`
		}
		if err := dec.Decode(&msg); err == io.EOF {
			return nil
		} else if err != nil {
			return fmt.Errorf("read build output: %w", err)
		}
		if msg.Error != "" {
			return errors.New(msg.Error)
		}
	}
}
