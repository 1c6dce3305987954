package sebstest

import (
	"fmt"
	"strconv"
)

// defaultTmpfsMB is the size of the tmpfs at /tmp of a function whose root file system is read-only (a
// [GoFunction]), unless [WithTmpfs] says otherwise: AWS Lambda's default /tmp, room for upstream's
// benchmarks, which write their inputs and outputs there.
const defaultTmpfsMB = 512

// WithTmpfs mounts a tmpfs of sizeMB MiB at /tmp. A tmpfs lives in memory: what a function writes there is
// charged to its container's memory limit (the config's memory), and without swap it cannot be paged out,
// so a function that writes 100 MB to /tmp needs 100 MB more memory.
//
// Without WithTmpfs, /tmp is the container's own directory: on disk, in the container's writable layer,
// not counted against the memory limit and removed with the container, as on upstream SeBS's local
// platform (Python functions, [UpstreamImage], [Image]); for a function whose root file system is
// read-only (a [GoFunction]), it is a tmpfs of 512 MiB.
func WithTmpfs(sizeMB int) Option {
	return option(func(s *settings) error {
		if sizeMB <= 0 {
			return fmt.Errorf("WithTmpfs: %d MiB: the size must be positive", sizeMB)
		}
		s.tmpfsMB = sizeMB
		return nil
	})
}

// tmpfsOptions returns the mount options of the tmpfs at /tmp, or "" for none: sizeMB when set (by
// WithTmpfs), else defaultTmpfsMB for a read-only root, where /tmp could not be written otherwise.
func tmpfsOptions(readOnlyRoot bool, sizeMB int) string {
	if sizeMB <= 0 {
		if !readOnlyRoot {
			return ""
		}
		sizeMB = defaultTmpfsMB
	}
	return "rw,nosuid,nodev,mode=1777,size=" + strconv.Itoa(sizeMB) + "m"
}
