package sebstest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/fixtures"
)

// codePackage returns sp with its code package completed for storage: a Python package without
// function/storage.py is copied, with our storage wrapper added as function/storage.py, into a cache
// folder named by the hash of both, and mounted from there. Other sources, packages that bring their own
// wrapper, and a nil Storage leave sp as it is. The copy is made once per content and kept (like the Go
// build cache), so a killed run leaves nothing to sweep and a re-run reuses it.
func (st *Storage) codePackage(sp spec) (spec, error) {
	if st == nil || sp.language != sebs.LanguagePython || sp.codeDir == "" {
		return sp, nil
	}
	if _, err := os.Stat(filepath.Join(sp.codeDir, "function", "storage.py")); err == nil {
		return sp, nil
	}
	root, err := fixtures.Root()
	if err != nil {
		return sp, fmt.Errorf("storage wrapper: %w", err)
	}
	wrapper, err := os.ReadFile(filepath.Join(root, "python", "runtime", "storage.py"))
	if err != nil {
		return sp, fmt.Errorf("storage wrapper: read it: %w", err)
	}
	sum := sha256.Sum256(append([]byte(sp.hash+"\x00"), wrapper...))
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	dir := filepath.Join(base, "gosebs", "storage-code", hex.EncodeToString(sum[:8]))
	if _, err := os.Stat(filepath.Join(dir, "function", "storage.py")); err != nil {
		if err := layOut(sp.codeDir, dir, wrapper); err != nil {
			return sp, fmt.Errorf("storage wrapper: lay out %s with function/storage.py: %w", sp.codeDir, err)
		}
	}
	sp.codeDir = dir
	return sp, nil
}

// layOut copies the tree at src with wrapper as function/storage.py into a fresh sibling of dst, readable
// by every user (the function runs unprivileged), and renames it to dst. A concurrent run that laid out
// the same content first wins; its copy is equal.
func layOut(src, dst string, wrapper []byte) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dst), ".tmp-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	err = filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		to := filepath.Join(tmp, rel)
		switch {
		case d.IsDir() && d.Name() == "__pycache__":
			return filepath.SkipDir
		case d.IsDir():
			return os.MkdirAll(to, 0o755)
		case d.Type().IsRegular():
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			return os.WriteFile(to, data, 0o644)
		}
		return nil // symlinks and devices would not resolve inside the container
	})
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(tmp, "function", "storage.py"), wrapper, 0o644); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	if err := os.Rename(tmp, dst); err != nil {
		if _, statErr := os.Stat(filepath.Join(dst, "function", "storage.py")); statErr == nil {
			return nil
		}
		return err
	}
	return nil
}
