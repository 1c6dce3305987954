//go:build linux

package sebs

import (
	"net/netip"
	"os"
	"syscall"
	"time"
)

// connect sends the SYN itself, from the dialer's Control hook, to learn when
// the SYN left: net's own connect(2), which follows the hook, then finds the
// socket connected (EISCONN) or connecting (EALREADY) and carries on as
// usual (waiting, deadlines, SO_ERROR).
//
// The request's zero (k.start) is the SYN's departure as closely as user
// space can place it. connect(2) first does work of its own (choosing a port
// among the TIME_WAIT sockets, routing, netfilter): 7 to 12 µs on the
// development machine, which a wire observer does not count, so the wall
// clock before connect(2) is too early. When the handshake completes within
// connect(2), as on loopback and local bridges, the SYN left the handshake's
// round trip (TCP_INFO, measured by the kernel from the SYN's own transmit
// time) before connect returned; otherwise it left just before connect
// returned.
//
// Where the address cannot be turned into a socket address here (a zoned
// IPv6 address), the zero is the wall clock before net's connect(2).
func (k *kstampDial) connect(network, address string, c syscall.RawConn) error {
	sa := sockaddr(network, address)
	if sa == nil {
		k.start.Store(time.Now().UnixNano())
		return nil
	}
	var before, after int64
	var cerr error
	var rtt time.Duration
	var done bool
	var sock uintptr
	err := c.Control(func(fd uintptr) {
		before = time.Now().UnixNano()
		cerr = syscall.Connect(int(fd), sa)
		after = time.Now().UnixNano()
		rtt, done = handshakeRTT(fd)
		sock = fd
	})
	if err != nil {
		return err
	}
	switch cerr {
	case nil, syscall.EINPROGRESS, syscall.EINTR, syscall.EALREADY:
	default:
		return os.NewSyscallError("connect", cerr)
	}
	// A non-blocking connect(2) reports EINPROGRESS even when the handshake
	// completed before it returned (the SYN-ACK waits in the socket's backlog
	// until the call releases the socket); TCP_INFO then has the round trip.
	zero := after
	if done {
		zero -= int64(rtt)
		k.rtt.Store(&socketRTT{fd: sock, rtt: rtt}) // for wrap, which need not ask again
	}
	// The SYN left between before and zero. Normally that window is the
	// kernel's own work around the handshake, 10 to 20 µs here; a longer one
	// means this thread was descheduled in between, and then nothing tells
	// where the SYN is in it: take its start, which can only make the first
	// byte later, never earlier than the truth.
	if zero < before || zero-before > int64(maxConnectSlack) {
		zero = before
	}
	k.start.Store(zero)
	return nil
}

// maxConnectSlack bounds the window in which connect(2) sent the SYN, above
// which the window's start is taken for the SYN (see connect).
const maxConnectSlack = 40 * time.Microsecond

// sockaddr returns the socket address for a dial's "ip:port", or nil when
// it has none here (a zone, or a family that is not the socket's).
func sockaddr(network, address string) syscall.Sockaddr {
	ap, err := netip.ParseAddrPort(address)
	if err != nil || ap.Addr().Zone() != "" {
		return nil
	}
	ip := ap.Addr()
	switch {
	case network == "tcp4" && ip.Unmap().Is4():
		return &syscall.SockaddrInet4{Port: int(ap.Port()), Addr: ip.Unmap().As4()}
	case network == "tcp6":
		return &syscall.SockaddrInet6{Port: int(ap.Port()), Addr: ip.As16()}
	}
	return nil
}
