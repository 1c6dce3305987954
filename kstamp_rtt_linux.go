//go:build linux && !386

package sebs

import (
	"syscall"
	"time"
	"unsafe"
)

// handshakeRTT returns the kernel's round-trip sample of the handshake (SYN
// sent to SYN-ACK received, in microseconds from TCP_INFO), read right after
// connect(2) completed and before any data, so the smoothed RTT is still that
// one sample. It returns false when there is none: the getsockopt failed, or
// the SYN was retransmitted (the kernel takes no sample then).
func handshakeRTT(fd uintptr) (time.Duration, bool) {
	var info syscall.TCPInfo
	size := uint32(syscall.SizeofTCPInfo)
	_, _, errno := syscall.Syscall6(syscall.SYS_GETSOCKOPT, fd, syscall.IPPROTO_TCP, syscall.TCP_INFO,
		uintptr(unsafe.Pointer(&info)), uintptr(unsafe.Pointer(&size)), 0)
	if errno != 0 || size < syscall.SizeofTCPInfo || info.Rtt == 0 || info.Total_retrans != 0 {
		return 0, false
	}
	return time.Duration(info.Rtt) * time.Microsecond, true
}
