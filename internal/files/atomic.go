// Package files holds the two file operations that result and golden files share: an exclusive lock
// across processes, and a write that replaces a file atomically.
package files

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// WriteAtomic writes data to a temporary file next to path, syncs it, and renames it over path, so a
// reader sees the old file or the new one, never half of one. The file's mode is 0644.
func WriteAtomic(path string, data []byte) error {
	return WriteAtomicFunc(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteAtomicFunc is WriteAtomic for a file too large to hold in memory: write writes its contents, through
// a buffer, and the file replaces path only if write returns nil.
func WriteAtomicFunc(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	buf := bufio.NewWriterSize(tmp, 1<<20)
	werr := write(buf)
	if werr == nil {
		werr = buf.Flush()
	}
	serr := tmp.Sync() // on disk before the rename makes it the file: a crash leaves the old one, not an empty one
	cerr := tmp.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
