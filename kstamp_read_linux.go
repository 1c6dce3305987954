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
	oobWords    = 16 // 128 bytes: room for one SCM_TIMESTAMPING (64 bytes) and more
	wordSize    = int(unsafe.Sizeof(uintptr(0)))
	minTimespec = int(unsafe.Sizeof(syscall.Timespec{}))
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
// rest already queued follows with a plain read, without waiting.
func (c *kstampConn) readStamped(fd int) bool {
	oob := unsafe.Slice((*byte)(unsafe.Pointer(&c.oob[0])), len(c.oob)*8)
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
		if ns, ok := rxStamp(oob[:oobn], c.mode); ok && !finReceived(uintptr(fd)) {
			c.rx.Store(ns)
		}
		c.n = 1
		break
	}
	if len(c.buf) > 1 {
		m, err := syscall.Read(fd, c.buf[1:])
		if m > 0 {
			c.n += m
		}
		if err != nil && err != syscall.EAGAIN && err != syscall.EINTR {
			c.err = err // returned with the byte; EOF shows on the next read
		}
	}
	return true
}

// rxStamp finds the software receive stamp (unix ns) in a control message
// buffer filled by recvmsg.
func rxStamp(oob []byte, mode int) (int64, bool) {
	want := int32(syscall.SCM_TIMESTAMPING)
	if mode == stampTSNS {
		want = syscall.SCM_TIMESTAMPNS
	}
	for len(oob) >= syscall.SizeofCmsghdr {
		h := (*syscall.Cmsghdr)(unsafe.Pointer(&oob[0]))
		l := int(h.Len)
		if l < syscall.SizeofCmsghdr || l > len(oob) {
			return 0, false
		}
		if h.Level == syscall.SOL_SOCKET && h.Type == want && l >= syscall.SizeofCmsghdr+minTimespec {
			// ts[0] of SCM_TIMESTAMPING is the software stamp; SCM_TIMESTAMPNS has only that one.
			ts := (*syscall.Timespec)(unsafe.Pointer(&oob[syscall.SizeofCmsghdr]))
			if ns := ts.Nano(); ns > 0 {
				return ns, true
			}
			return 0, false
		}
		next := (l + wordSize - 1) &^ (wordSize - 1)
		if next >= len(oob) {
			return 0, false
		}
		oob = oob[next:]
	}
	return 0, false
}
