// Package buildctx makes Docker build contexts: tar archives of a few named files, held in memory.
package buildctx

import (
	"archive/tar"
	"bytes"
	"fmt"
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
