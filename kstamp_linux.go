//go:build linux

package sebs

import (
	"context"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Flags of SO_TIMESTAMPING (linux/net_tstamp.h); package syscall lacks them.
// RX_SOFTWARE makes the kernel stamp arriving packets as they enter the
// stack; SOFTWARE makes recvmsg report those stamps.
const (
	sofTimestampingRxSoftware = 1 << 3
	sofTimestampingSoftware   = 1 << 4
)

// How a socket reports receive stamps.
const (
	stampNone  = iota
	stampTSING // SO_TIMESTAMPING: SCM_TIMESTAMPING, three timespecs, [0] software
	stampTSNS  // SO_TIMESTAMPNS: SCM_TIMESTAMPNS, one timespec
)

// kstampDialer returns a DialContext for an http.Transport: base's dial
// (its timeout, keep-alive, Control, …), with receive timestamps enabled on
// each TCP socket before connect(2). TCP connections come back wrapped
// (*kstampConn); other connections, or sockets that refuse timestamping,
// come back as base would return them, and [kstampMark] then reports none.
// With abortiveClose, TCP connections end with a reset (see
// [abortOnClose]).
func kstampDialer(base *net.Dialer, abortiveClose bool) func(ctx context.Context, network, addr string) (net.Conn, error) {
	if base == nil {
		base = &net.Dialer{}
	}
	kstampWarm()
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dialStamped(ctx, base, network, addr)
		if err == nil && abortiveClose {
			abortOnClose(c)
		}
		return c, err
	}
}

// dialStamped dials with base, enabling receive stamps before connect(2).
func dialStamped(ctx context.Context, base *net.Dialer, network, addr string) (net.Conn, error) {
	var dial kstampDial
	d := *base
	d.ControlContext = dial.control(base)
	d.Control = nil
	c, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	return dial.wrap(c), nil
}

// kstampDial is one dial's state, written by the Control hook of each socket
// tried (several when a name resolves to several addresses, hence atomics:
// the last attempt's values win). The handshake's round trip is kept with
// its socket's descriptor, so that wrap takes it only from the socket that
// won, even when attempts race (IPv6 against IPv4).
type kstampDial struct {
	mode  atomic.Int32
	inq   atomic.Bool  // TCP_INQ took: recvmsg reports the bytes (and FIN) still queued
	start atomic.Int64 // unix ns: the SYN's departure as connect places it
	rtt   atomic.Pointer[socketRTT]
}

// socketRTT is the handshake's round trip as connect read it on socket fd,
// when the handshake completed within connect(2).
type socketRTT struct {
	fd  uintptr
	rtt time.Duration
}

func (k *kstampDial) control(base *net.Dialer) func(ctx context.Context, network, address string, c syscall.RawConn) error {
	return func(ctx context.Context, network, address string, c syscall.RawConn) error {
		switch {
		case base.ControlContext != nil:
			if err := base.ControlContext(ctx, network, address, c); err != nil {
				return err
			}
		case base.Control != nil:
			if err := base.Control(network, address, c); err != nil {
				return err
			}
		}
		if network != "tcp4" && network != "tcp6" {
			return nil
		}
		var mode int32
		var inq bool
		if err := c.Control(func(fd uintptr) { mode, inq = enableRXStamps(int(fd)) }); err != nil {
			mode = stampNone
		}
		k.mode.Store(mode)
		k.inq.Store(inq)
		k.rtt.Store(nil) // an earlier attempt's descriptor number may be this socket's now
		if mode == stampNone {
			return nil
		}
		if base.LocalAddr != nil {
			// net binds after this hook: connecting here would take the
			// port first and make that bind fail.
			k.start.Store(time.Now().UnixNano())
			return nil
		}
		return k.connect(network, address, c)
	}
}

// enableRXStamps asks for software receive stamps, SO_TIMESTAMPING first and
// SO_TIMESTAMPNS where that is refused; it returns which one took. Where
// stamps took it also asks for TCP_INQ (Linux 4.18+), with which each stamped
// recvmsg says how much is still queued behind the byte it read, FIN
// included: that tells a stamp merged with a FIN without a getsockopt per
// call (see finAfterRead).
func enableRXStamps(fd int) (mode int32, inq bool) {
	switch {
	case syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_TIMESTAMPING,
		sofTimestampingRxSoftware|sofTimestampingSoftware) == nil:
		mode = stampTSING
	case syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_TIMESTAMPNS, 1) == nil:
		mode = stampTSNS
	default:
		return stampNone, false
	}
	return mode, syscall.SetsockoptInt(fd, syscall.IPPROTO_TCP, tcpInq, 1) == nil
}

// wrap returns c wrapped when it is a TCP connection with stamps enabled,
// and c itself otherwise.
func (k *kstampDial) wrap(c net.Conn) net.Conn {
	tcp, ok := c.(*net.TCPConn)
	mode := int(k.mode.Load())
	if !ok || mode == stampNone {
		return c
	}
	rc, err := tcp.SyscallConn()
	if err != nil {
		return c
	}
	kc := &kstampConn{Conn: tcp, tcp: tcp, rc: rc, mode: mode, inq: k.inq.Load(), connStart: k.start.Load()}
	kc.readFn = kc.readReady
	// The handshake's round trip, as connect read it on this socket when the
	// handshake completed within connect(2) (loopback, local bridges);
	// otherwise it is read now, one getsockopt. No data has moved yet, so
	// both read the same sample. handshakeRTT gives 0 when it has none.
	var rtt time.Duration
	_ = rc.Control(func(fd uintptr) {
		if r := k.rtt.Load(); r != nil && r.fd == fd {
			rtt = r.rtt
			return
		}
		rtt, _ = handshakeRTT(fd)
	})
	if rtt > 0 && kc.connStart != 0 {
		est := kc.connStart + int64(rtt)
		if est <= time.Now().UnixNano() { // a stamp from the future is a clock step: keep none
			kc.established = est
		}
	}
	return kc
}

// kstampConn is a TCP connection whose first data read after each
// markRequest takes the kernel's receive stamp of that data. All other reads
// are plain read(2) calls on the same poller path: deadlines and
// non-blocking behaviour are the runtime's own (syscall.RawConn.Read).
//
// Only Read, Write and the embedded net.Conn methods are offered:
// ReadFrom/WriteTo (splice, sendfile) would bypass the stamps.
type kstampConn struct {
	net.Conn // the *net.TCPConn: Close, addresses, deadlines
	tcp      *net.TCPConn
	rc       syscall.RawConn
	mode     int
	inq      bool // TCP_INQ is on: stamped reads learn what is queued behind them

	connStart   int64 // unix ns: the SYN's departure (kstampDial.connect)
	established int64 // unix ns of the handshake's end as the kernel measured it; 0 if unknown

	marks     atomic.Int64 // requests marked on this connection
	awaiting  atomic.Bool  // the next data read takes the first-byte stamp
	wantStart atomic.Bool  // the next write sets start (reused connections)
	start     atomic.Int64 // unix ns: the current request's zero
	rx        atomic.Int64 // unix ns: kernel receive stamp of the first response byte

	// Read state, reused so that a read allocates nothing; rmu serialises
	// concurrent Reads (net.Conn allows them, net/http does not use them).
	rmu    sync.Mutex
	buf    []byte
	n      int
	err    error
	readFn func(fd uintptr) bool
	oob    [oobWords]uint64 // uint64 words keep cmsg headers aligned
}

// kstampMark marks the start of a request on c, which the trigger calls when
// it got the connection and before the request is written (httptrace's
// GotConn). It returns the connection to read the stamps from later, or nil
// when c takes no stamps (not ours: another OS, not TCP, TLS, refused).
func kstampMark(c net.Conn) *kstampConn {
	kc, ok := c.(*kstampConn)
	if !ok {
		return nil
	}
	kc.markRequest()
	return kc
}

// markRequest resets the first-byte capture for a new request. The request's
// zero is the connect time on the connection's first request and the next
// write's time on later ones.
func (c *kstampConn) markRequest() {
	c.rx.Store(0)
	if c.marks.Add(1) == 1 {
		c.wantStart.Store(false)
		c.start.Store(c.connStart)
	} else {
		c.start.Store(0)
		c.wantStart.Store(true)
	}
	c.awaiting.Store(true)
}

// stamps returns the current request's stamps, or false when the kernel gave
// no first-byte stamp (c nil, the response not read yet, no control message).
func (c *kstampConn) stamps() (kstamps, bool) {
	if c == nil {
		return kstamps{}, false
	}
	rx, start := c.rx.Load(), c.start.Load()
	if rx == 0 || start == 0 {
		return kstamps{}, false
	}
	s := kstamps{Start: time.Unix(0, start), FirstByte: time.Unix(0, rx), Fresh: c.marks.Load() == 1}
	if s.Fresh && c.established != 0 {
		s.Established = time.Unix(0, c.established)
	}
	return s, true
}

// Write notes the request's zero on its first write after a mark on a reused
// connection, then writes as the TCP connection does.
func (c *kstampConn) Write(p []byte) (int, error) {
	if c.wantStart.Load() && c.wantStart.CompareAndSwap(true, false) {
		c.start.Store(time.Now().UnixNano())
	}
	return c.tcp.Write(p)
}

// CloseWrite shuts down the writing side, as (*net.TCPConn).CloseWrite.
func (c *kstampConn) CloseWrite() error { return c.tcp.CloseWrite() }

// SetLinger sets SO_LINGER, as (*net.TCPConn).SetLinger.
func (c *kstampConn) SetLinger(sec int) error { return c.tcp.SetLinger(sec) }

// CloseRead shuts down the reading side, as (*net.TCPConn).CloseRead.
func (c *kstampConn) CloseRead() error { return c.tcp.CloseRead() }
