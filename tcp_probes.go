package sebs

import "time"

// TCP keep-alive as a trigger's dialer sets it: probes after keepAliveIdle
// of silence (net.Dialer.KeepAlive), then package net's defaults, a probe
// every keepAliveInterval, keepAliveCount unanswered before the kernel gives
// the connection up (TestKeepAliveDefaults reads them off a socket).
const (
	keepAliveIdle     = 30 * time.Second
	keepAliveInterval = 15 * time.Second
	keepAliveCount    = 9
)

// probesGiveUpAfter is how long a silent connection lasts before unanswered
// keep-alive probes end it.
const probesGiveUpAfter = keepAliveIdle + keepAliveCount*keepAliveInterval

// wantProbes reports whether a trigger's connections are dialed with TCP
// keep-alive probes. A fresh connection lives for one call. When a positive
// Timeout of at most probesGiveUpAfter bounds that call, unanswered probes
// cannot end it before the Timeout does, and they do not keep it open
// through middleboxes that drop silent connections either (NATs hold one for
// hours, RFC 5382; load balancers that drop one sooner, as AWS's Classic
// Load Balancer after 60 s, count only data, not probes; Docker's bridge and
// published ports never drop one). What is given up: a peer that lost the
// connection but still answers (restarted on the same address) would reset
// it at the first probe, 30 s into a silent call; without probes that call
// fails at its Timeout instead. Dialing without them saves four setsockopt
// calls a call (issue 16). Reused connections keep the probes, as do calls
// with no Timeout or a longer one.
func wantProbes(keepAlive bool, timeout time.Duration) bool {
	return keepAlive || timeout <= 0 || timeout > probesGiveUpAfter
}
