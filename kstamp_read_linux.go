//go:build linux

package sebs

import (
	"errors"
	"io"
	"net"
	"os"
	"syscall"
	"unsafe"
)

// Sizes for reading control messages without allocating.
const (
	oobWords    = 16 // 128 bytes: room for SCM_TIMESTAMPING (64 bytes) and TCP_CM_INQ (24)
	wordSize    = int(unsafe.Sizeof(uintptr(0)))
	minTimespec = int(unsafe.Sizeof(syscall.Timespec{}))
)

// TCP_INQ (linux/tcp.h; package syscall lacks it): the socket option, and the
// type of the control message it adds to each recvmsg.
const (
	tcpInq   = 36
	tcpCmInq = tcpInq
)

// Read reads as (*net.TCPConn).Read does, taking the receive stamp of the
// first data after a mark.
func (c *kstampConn) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	c.rmu.Lock()
	c.buf, c.n, c.err = p, 0, nil
	err := c.rc.Read(c.readFn)
	n, rerr := c.n, c.err
	c.buf, c.err = nil, nil
	c.rmu.Unlock()
	switch {
	case err != nil: // closed, or the deadline passed: say "read" as net does
		var oe *net.OpError
		if errors.As(err, &oe) {
			oe.Op = "read"
		}
		return n, err
	case rerr == io.EOF:
		return n, io.EOF
	case rerr != nil:
		return n, &net.OpError{Op: "read", Net: "tcp", Source: c.tcp.LocalAddr(), Addr: c.tcp.RemoteAddr(),
			Err: os.NewSyscallError("read", rerr)}
	}
	return n, nil
}

// readReady is the RawConn.Read callback: it returns false to wait for data
// (EAGAIN) and true once it read, hit EOF or failed, leaving the result in
// c.n and c.err. The mark is checked here, after the wait, so a read that
// was already waiting when the request was marked still takes the stamp.
func (c *kstampConn) readReady(fd uintptr) bool {
	if c.awaiting.Load() {
		return c.readStamped(int(fd))
	}
	for {
		n, err := syscall.Read(int(fd), c.buf)
		if retry, wait := c.settle(n, err); retry {
			continue
		} else if wait {
			return false
		}
		if n > 0 {
			c.n = n
			// A mark that came while this read was under way (after the
			// check above): the request's first byte is in this read, which
			// carries no stamp. The request then has none, rather than the
			// stamp of later data.
			c.awaiting.CompareAndSwap(true, false)
		}
		return true
	}
}

// settle sorts one read syscall's outcome: retry on EINTR, wait on EAGAIN;
// otherwise the read is over, with c.err set on failure or EOF.
func (c *kstampConn) settle(n int, err error) (retry, wait bool) {
	switch {
	case err == syscall.EINTR:
		return true, false
	case err == syscall.EAGAIN:
		return false, true
	case err != nil:
		c.err = err
	case n == 0:
		c.err = io.EOF
	}
	return false, false
}

// readStamped reads the first byte alone with recvmsg and its control
// message: for TCP the kernel reports the stamp of the last packet a recvmsg
// consumed, so one byte gives the stamp of the packet that carried it. The
// rest already queued follows with a plain read, without waiting. The stamp
// is kept only when no FIN had arrived by the time the byte was read
// (finAfterRead).
func (c *kstampConn) readStamped(fd int) bool {
	oob := unsafe.Slice((*byte)(unsafe.Pointer(&c.oob[0])), len(c.oob)*8)
	var msg cmsgs
	for {
		n, oobn, _, _, err := syscall.Recvmsg(fd, c.buf[:1], oob, 0)
		if retry, wait := c.settle(n, err); retry {
			continue
		} else if wait {
			return false
		}
		if n <= 0 {
			return true
		}
		// The first data after the mark: stamped or not, later data is not
		// the first byte.
		c.awaiting.Store(false)
		msg = parseCmsgs(oob[:oobn], c.mode)
		c.n = 1
		break
	}
	rest := -1 // not read
	if len(c.buf) > 1 {
		m, err := syscall.Read(fd, c.buf[1:])
		rest = max(m, 0)
		c.n += rest
		if err != nil && err != syscall.EAGAIN && err != syscall.EINTR {
			c.err = err // returned with the byte; EOF shows on the next read
			rest = -1
		}
	}
	if msg.stamped && !c.finAfterRead(fd, msg, rest) {
		c.rx.Store(msg.stamp)
	}
	return true
}

// finAfterRead reports whether the peer's FIN had arrived when the first
// byte was read, given what that recvmsg said was still queued (msg.inq,
// which counts a received FIN as one more byte) and how many bytes the read
// after it took (rest; -1 when there was no such read or it failed). A FIN
// that arrives before a packet is read is merged into it, and the packet
// then carries the FIN's receive time, not the first byte's.
//
// When the read drained the queue (it did not fill the buffer), the queue
// held exactly the rest plus the FIN, if any: nothing can follow a FIN,
// while without one the read takes at least what was queued. Otherwise
// (no TCP_INQ, a read that filled the buffer or failed) it asks TCP_INFO,
// one getsockopt.
func (c *kstampConn) finAfterRead(fd int, msg cmsgs, rest int) bool {
	if msg.haveInq && rest >= 0 && rest < len(c.buf)-1 {
		return msg.inq == rest+1
	}
	return finReceived(uintptr(fd))
}

// cmsgs is what a stamped recvmsg's control messages said.
type cmsgs struct {
	stamp   int64 // software receive stamp, unix ns
	stamped bool
	inq     int // bytes queued behind the data read, plus one for a received FIN
	haveInq bool
}

// parseCmsgs reads the receive stamp and the TCP_INQ count from a control
// message buffer filled by recvmsg.
func parseCmsgs(oob []byte, mode int) cmsgs {
	var m cmsgs
	m.stamp, m.stamped = rxStamp(oob, mode)
	m.inq, m.haveInq = tcpInqHint(oob)
	return m
}

// tcpInqHint finds the TCP_CM_INQ control message of a socket with TCP_INQ
// on.
func tcpInqHint(oob []byte) (int, bool) {
	data, ok := findCmsg(oob, syscall.IPPROTO_TCP, tcpCmInq, 4)
	if !ok {
		return 0, false
	}
	return int(*(*int32)(unsafe.Pointer(&data[0]))), true
}

// findCmsg returns the data of the first control message of level and typ
// with at least size bytes of data.
func findCmsg(oob []byte, level, typ int32, size int) ([]byte, bool) {
	for len(oob) >= syscall.SizeofCmsghdr {
		h := (*syscall.Cmsghdr)(unsafe.Pointer(&oob[0]))
		l := int(h.Len)
		if l < syscall.SizeofCmsghdr || l > len(oob) {
			return nil, false
		}
		if h.Level == level && h.Type == typ && l >= syscall.SizeofCmsghdr+size {
			return oob[syscall.SizeofCmsghdr:l], true
		}
		next := (l + wordSize - 1) &^ (wordSize - 1)
		if next >= len(oob) {
			return nil, false
		}
		oob = oob[next:]
	}
	return nil, false
}

// rxStamp finds the software receive stamp (unix ns) in a control message
// buffer filled by recvmsg.
func rxStamp(oob []byte, mode int) (int64, bool) {
	want := int32(syscall.SCM_TIMESTAMPING)
	if mode == stampTSNS {
		want = syscall.SCM_TIMESTAMPNS
	}
	data, ok := findCmsg(oob, syscall.SOL_SOCKET, want, minTimespec)
	if !ok {
		return 0, false
	}
	// ts[0] of SCM_TIMESTAMPING is the software stamp; SCM_TIMESTAMPNS has only that one.
	ts := (*syscall.Timespec)(unsafe.Pointer(&data[0]))
	if ns := ts.Nano(); ns > 0 {
		return ns, true
	}
	return 0, false
}
