//go:build !linux

package sebs

import (
	"context"
	"net"
)

// kstampDialer returns base's DialContext: receive timestamps are read on
// Linux only, and the trigger keeps its user-space trace elsewhere. With
// abortiveClose, TCP connections end with a reset (see [abortOnClose]).
func kstampDialer(base *net.Dialer, abortiveClose bool) func(ctx context.Context, network, addr string) (net.Conn, error) {
	if base == nil {
		base = &net.Dialer{}
	}
	if !abortiveClose {
		return base.DialContext
	}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := base.DialContext(ctx, network, addr)
		if err == nil {
			abortOnClose(c)
		}
		return c, err
	}
}

// kstampConn takes no stamps outside Linux; a nil one reports none.
type kstampConn struct{}

// kstampMark returns nil: no connection takes stamps outside Linux.
func kstampMark(net.Conn) *kstampConn { return nil }

// stamps reports none.
func (*kstampConn) stamps() (kstamps, bool) { return kstamps{}, false }

// kstampWarm does nothing outside Linux.
func kstampWarm() {}
