package sebs

import (
	"net"
	"time"
)

// Kernel receive timestamps (issue 16): the trigger's dialer wraps each TCP
// connection so that the time the kernel received the first byte of each
// response is read with that byte (SO_TIMESTAMPING software RX stamps on
// Linux), and the time the connection was established comes from the
// kernel's own measurement of the handshake (TCP_INFO's round-trip time).
// Elsewhere, and on connections the wrapper cannot stamp, the trigger keeps
// its user-space trace; each result says which was used.

// Values of a result's timestamp source.
const (
	// timestampKernel: first byte and startup come from kernel stamps.
	timestampKernel = "kernel"
	// timestampUser: they come from the user-space trace (httptrace).
	timestampUser = "user"
)

// kstamps is what the kernel saw of one request on one connection. All times
// are wall-clock (CLOCK_REALTIME), the clock of kernel receive stamps.
type kstamps struct {
	// Start is the request's zero: on a fresh connection the SYN's
	// departure, placed from connect(2)'s return and the kernel's handshake
	// round trip (see kstampDial.connect); on a reused connection the wall
	// clock just before the request's first write(2).
	Start time.Time
	// Established is when the handshake completed as the kernel measured it
	// (Start plus the SYN to SYN-ACK round trip from TCP_INFO); zero on a
	// reused connection or when the kernel had no round-trip sample (a
	// retransmitted SYN).
	Established time.Time
	// FirstByte is the kernel's receive time of the first response byte read
	// after the request was marked.
	FirstByte time.Time
	// Fresh is true when the request was the connection's first.
	Fresh bool
}

// firstByte returns the time from Start to the first response byte, or false
// when there is no usable stamp (none received, or a clock step put it
// before Start).
func (s kstamps) firstByte() (time.Duration, bool) {
	if s.FirstByte.IsZero() || s.Start.IsZero() {
		return 0, false
	}
	d := s.FirstByte.Sub(s.Start)
	return d, d > 0
}

// startup returns the time from Start to the established connection (the
// kernel's handshake round trip), or false when there is none: a reused
// connection, or no round-trip sample.
func (s kstamps) startup() (time.Duration, bool) {
	if s.Established.IsZero() || s.Start.IsZero() {
		return 0, false
	}
	return s.Established.Sub(s.Start), true
}

// abortOnClose makes closing c send a reset instead of a FIN (SO_LINGER 0),
// for a trigger that opens a fresh connection per call without asking the
// server to close (no "Connection: close"), so that the server never sends
// its FIN right behind the response. Such a FIN arrives before the client
// reads, and the kernel then merges it into the response's packet and gives
// that packet the FIN's receive time: on loopback 15 µs after the first byte
// really arrived. The client closing first would leave a TIME_WAIT socket
// per call on the client, and fresh calls at more than about 470 a second
// to one address would run out of ports within a minute; a reset leaves
// none. It is sent after the whole response was read, and the project's
// servers ignore it. Connections without SetLinger (not TCP) are left as
// they are.
func abortOnClose(c net.Conn) {
	if tcp, ok := c.(interface{ SetLinger(sec int) error }); ok {
		_ = tcp.SetLinger(0)
	}
}
