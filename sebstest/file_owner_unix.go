//go:build unix

package sebstest

import (
	"io/fs"
	"syscall"
)

// fileOwner returns the owner's user and group ids of the file fi describes; ok is false when fi has none.
func fileOwner(fi fs.FileInfo) (uid, gid int, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, false
	}
	return int(st.Uid), int(st.Gid), true
}
