//go:build linux && !386

package sebs

import (
	"syscall"
	"time"
	"unsafe"
)

// tcpEstablished is TCP_ESTABLISHED, tcpi_state of a connection that has
// not received a FIN.
const tcpEstablished = 1

// tcpInfo reads the socket's TCP_INFO, or returns false.
func tcpInfo(fd uintptr, info *syscall.TCPInfo) bool {
	size := uint32(syscall.SizeofTCPInfo)
	_, _, errno := syscall.Syscall6(syscall.SYS_GETSOCKOPT, fd, syscall.IPPROTO_TCP, syscall.TCP_INFO,
		uintptr(unsafe.Pointer(info)), uintptr(unsafe.Pointer(&size)), 0)
	return errno == 0 && size >= syscall.SizeofTCPInfo
}

// handshakeRTT returns the kernel's round-trip sample of the handshake (SYN
// sent to SYN-ACK received, in microseconds from TCP_INFO), read right after
// connect(2) completed and before any data, so the smoothed RTT is still that
// one sample. It returns false when there is none: the handshake has not
// completed, the getsockopt failed, or the SYN was retransmitted (the kernel
// takes no sample then).
func handshakeRTT(fd uintptr) (time.Duration, bool) {
	var info syscall.TCPInfo
	if !tcpInfo(fd, &info) || info.Rtt == 0 || info.Total_retrans != 0 {
		return 0, false
	}
	return time.Duration(info.Rtt) * time.Microsecond, true
}

// finReceived reports whether the peer's FIN has arrived (or the state could
// not be read). A FIN that arrives before the response's first packet was
// read is merged into that packet, which then carries the FIN's receive
// time: its stamp is not the first byte's.
func finReceived(fd uintptr) bool {
	var info syscall.TCPInfo
	return !tcpInfo(fd, &info) || info.State != tcpEstablished
}
