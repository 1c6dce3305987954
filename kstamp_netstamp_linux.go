//go:build linux

package sebs

import (
	"context"
	"net"
	"sync"
	"syscall"
	"time"
)

var netstampOnce sync.Once

// How long keepNetstamp waits for the kernel to start stamping, at most.
const (
	netstampPoll = 100 * time.Microsecond
	netstampWait = 100 * time.Millisecond
)

// keepNetstamp makes kernel receive stamps available for the life of the
// process, once, before the first stamped dial.
//
// The kernel stamps packets only while some socket wants it, and it switches
// stamping on from a work queue, after the setsockopt has returned; when the
// last such socket closes it switches it off again. Without a socket that
// keeps it on, a fresh connection made while no other stamped socket is open
// could miss the stamp of its first response. So one UDP socket with
// SO_TIMESTAMPNS stays open (never bound, it receives nothing), and a
// loopback probe waits, at most netstampWait, until a TCP byte arrives
// stamped. Failures only mean that stamps may be missing, and the trigger
// then reports its user-space times.
func keepNetstamp() {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_DGRAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return
	}
	if syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_TIMESTAMPNS, 1) != nil {
		syscall.Close(fd)
		return
	}
	waitNetstamp()
}

// waitNetstamp sends single bytes over a loopback connection until one
// arrives with a kernel stamp, or netstampWait has passed.
func waitNetstamp() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return
	}
	defer ln.Close()
	ctx, cancel := context.WithTimeout(context.Background(), netstampWait)
	defer cancel()
	c, err := dialStamped(ctx, &net.Dialer{}, "tcp", ln.Addr().String())
	if err != nil {
		return
	}
	defer c.Close()
	s, err := ln.Accept()
	if err != nil {
		return
	}
	defer s.Close()
	kc, ok := c.(*kstampConn)
	if !ok {
		return
	}
	deadline, _ := ctx.Deadline()
	_ = kc.SetReadDeadline(deadline)
	buf := []byte{0}
	for ctx.Err() == nil {
		kc.markRequest()
		if _, err := s.Write(buf); err != nil {
			return
		}
		if _, err := kc.Read(buf); err != nil || kc.rx.Load() != 0 {
			return
		}
		time.Sleep(netstampPoll)
	}
}
