package sebs

import "time"

// handshakeRTT has no getsockopt syscall to call on linux/386 (socketcall
// multiplexes it there and package syscall does not expose it): connections
// report no kernel-side established time, and the trigger keeps the
// user-space one.
func handshakeRTT(uintptr) (time.Duration, bool) { return 0, false }

// finReceived cannot tell on linux/386 (see handshakeRTT) and says yes:
// stamps are dropped rather than possibly carrying a FIN's receive time.
func finReceived(uintptr) bool { return true }
