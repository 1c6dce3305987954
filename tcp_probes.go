package sebs

import "time"

// keepAliveIdle is how long a trigger's connection may sit silent before the
// kernel sends TCP keep-alive probes (net.Dialer.KeepAlive).
const keepAliveIdle = 30 * time.Second

// probeVerdict is the earliest the probes can end a silent connection:
// keepAliveIdle, then package net's default 9 probes 15 s apart.
const probeVerdict = keepAliveIdle + 9*15*time.Second

// wantProbes reports whether a trigger's connections are dialed with TCP
// keep-alive probes. A fresh connection lives for one call, and when the
// trigger's Timeout (at most probeVerdict) bounds that call, the probes can
// never end it before the Timeout does; nor do they keep it open through a
// middlebox within that time (NATs hold a silent TCP connection for hours,
// RFC 5382; cloud load balancers for 4 minutes or more; Docker's bridge and
// published ports never drop one). Dialing those without probes saves four
// setsockopt calls a call, a tenth of a fresh call's system calls (issue
// 16). Reused connections sit idle between calls, where the probes find a
// peer that went away: they keep them, as do calls with no Timeout or a
// longer one.
func wantProbes(keepAlive bool, timeout time.Duration) bool {
	return keepAlive || timeout <= 0 || timeout > probeVerdict
}
