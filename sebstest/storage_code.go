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

// storageWrappers are our storage wrappers, by language: the file under fixtures/ and where a code package
// gets it, beside its function, as upstream packages its own.
var storageWrappers = map[sebs.Language]struct{ src, dst string }{
	sebs.LanguagePython: {src: "python/runtime/storage.py", dst: "function/storage.py"},
	sebs.LanguageNodeJS: {src: "nodejs/runtime/storage.js", dst: "function/storage.js"},
}

// codePackage returns sp with its code package completed for storage: a Python or Node.js package without
// its language's wrapper (function/storage.py, function/storage.js) is copied, with our wrapper added there,
// into a cache folder named by the hash of both, and mounted from there. Other sources, packages that bring
// their own wrapper, and a nil Storage leave sp as it is. The copy is made once per content and kept (like
// the Go build cache), so a killed run leaves nothing to sweep and a re-run reuses it.
func (st *Storage) codePackage(sp spec) (spec, error) {
	w, ok := storageWrappers[sp.language]
	if st == nil || !ok || sp.codeDir == "" {
		return sp, nil
	}
	dst := filepath.FromSlash(w.dst)
	if _, err := os.Stat(filepath.Join(sp.codeDir, dst)); err == nil {
		return sp, nil
	}
	root, err := fixtures.Root()
	if err != nil {
		return sp, fmt.Errorf("storage wrapper: %w", err)
	}
	wrapper, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(w.src)))
	if err != nil {
		return sp, fmt.Errorf("storage wrapper: read it: %w", err)
	}
	sum := sha256.Sum256(append([]byte(sp.hash+"\x00"+w.dst+"\x00"), wrapper...))
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	dir := filepath.Join(base, "gosebs", "storage-code", hex.EncodeToString(sum[:8]))
	if _, err := os.Stat(filepath.Join(dir, dst)); err != nil {
		if err := layOut(sp.codeDir, dir, dst, wrapper); err != nil {
			return sp, fmt.Errorf("storage wrapper: lay out %s with %s: %w", sp.codeDir, w.dst, err)
		}
	}
	sp.codeDir = dir
	return sp, nil
}

// layOut copies the tree at src with wrapper as name (a path relative to it) into a fresh sibling of dst,
// readable by every user (the function runs unprivileged), and renames it to dst. A concurrent run that laid out
// the same content first wins; its copy is equal.
func layOut(src, dst, name string, wrapper []byte) error {
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
	if err := os.WriteFile(filepath.Join(tmp, name), wrapper, 0o644); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	if err := os.Rename(tmp, dst); err != nil {
		if _, statErr := os.Stat(filepath.Join(dst, name)); statErr == nil {
			return nil
		}
		return err
	}
	return nil
}
