package sebstest

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// checkCodeLayout checks, before any container starts, that dir holds a code package as upstream SeBS
// lays one out, entry being its handler's file (function/function.py, function/function.js), and that the
// server, running as uid:gid inside the container, can read it through the read-only mount: dir and
// dir/function listable (read and search), the entry file readable. A t.TempDir() is 0700, for instance, which no other uid can enter. what names the
// source in the error ("python function", "upstream function").
func checkCodeLayout(what, dir, entry string, uid, gid int) error {
	file := filepath.Join(dir, filepath.FromSlash(entry))
	if _, err := os.Stat(file); err != nil {
		return fmt.Errorf("%s %s: want the code package's layout, %s with handler(event) inside "+
			"(as upstream SeBS packages code): %w", what, dir, entry, err)
	}
	for _, p := range []struct {
		path string
		need fs.FileMode // read, write, exec bits as for "other": 4, 2, 1
	}{{dir, 5}, {filepath.Join(dir, "function"), 5}, {file, 4}} {
		fi, err := os.Stat(p.path)
		if err != nil {
			return fmt.Errorf("%s %s: %w", what, dir, err)
		}
		if !canAccess(fi, uid, gid, p.need) {
			return fmt.Errorf("%s %s: the server runs as uid %d (gid %d) and cannot read %s (mode %s): "+
				"make the code package world-readable with chmod -R a+rX %s",
				what, dir, uid, gid, p.path, fi.Mode().Perm(), dir)
		}
	}
	return nil
}

// canAccess reports whether uid:gid has the need bits (4 read, 2 write, 1 search) on fi by its owner,
// group and other permission bits, as the kernel decides for an unprivileged user. Without the owner's
// ids (not a Unix stat) it looks at the other bits only.
func canAccess(fi fs.FileInfo, uid, gid int, need fs.FileMode) bool {
	perm := fi.Mode().Perm()
	owner, group, ok := fileOwner(fi)
	switch {
	case uid == 0:
		return true
	case ok && owner == uid:
		return (perm>>6)&need == need
	case ok && group == gid:
		return (perm>>3)&need == need
	default:
		return perm&need == need
	}
}
