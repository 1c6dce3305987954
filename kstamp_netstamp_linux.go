//go:build linux

package sebs

import (
	"sync"
	"syscall"
)

var netstampOnce sync.Once

// kstampWarm makes sure the kernel stamps received packets from now on, for
// the life of the process; kstampDialer calls it too. The kernel switches
// stamping on from a work queue, some time after the first socket asks for
// it: call kstampWarm before the first call that should be stamped (when a
// function starts, say), or that call may report user-space times. It
// costs one socket and one setsockopt, once.
func kstampWarm() { netstampOnce.Do(keepNetstamp) }

// keepNetstamp keeps receive stamping on for the life of the process.
//
// The kernel stamps packets only while some socket wants it, and it switches
// stamping on from a work queue, after the setsockopt has returned; when the
// last such socket closes it switches it off again. Without a socket that
// keeps it on, a fresh connection made while no other stamped socket is open
// could miss the stamp of its first response. So one UDP socket with
// SO_TIMESTAMPNS stays open (never bound, it receives nothing). Failure only
// means that stamps may be missing, and the trigger then reports its
// user-space times.
func keepNetstamp() {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_DGRAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return
	}
	if syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_TIMESTAMPNS, 1) != nil {
		syscall.Close(fd)
	}
}
