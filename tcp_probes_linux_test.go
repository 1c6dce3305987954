//go:build linux

package sebs

import (
	"context"
	"net"
	"net/http"
	"net/http/httptrace"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestTriggerKeepAliveProbes checks which of a trigger's connections carry
// TCP keep-alive probes, on the socket itself: fresh connections whose call a
// Timeout within probesGiveUpAfter bounds go without them; reused ones, and calls
// with no Timeout or a longer one, keep them.
func TestTriggerKeepAliveProbes(t *testing.T) {
	srv := okServer(t)
	// One trigger throughout: changing its fields rebuilds its transport.
	trig := &HTTPTrigger{URL: srv.URL}
	t.Cleanup(trig.Close)
	for _, tc := range []struct {
		keepAlive bool
		timeout   time.Duration
		want      bool
	}{
		{false, 60 * time.Second, false},
		{false, probesGiveUpAfter, false},
		{false, probesGiveUpAfter + time.Second, true},
		{false, 0, true},
		{true, 60 * time.Second, true},
	} {
		trig.KeepAlive, trig.Timeout = tc.keepAlive, tc.timeout
		client, target, err := trig.setup()
		if err != nil {
			t.Fatal(err)
		}
		var conn net.Conn
		trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) { conn = info.Conn }}
		req, err := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace),
			http.MethodPost, target, strings.NewReader(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("keep-alive %v, timeout %v: %v", tc.keepAlive, tc.timeout, err)
		}
		// Read the option while the connection is open: a fresh one closes
		// with the body.
		got := sockoptInt(t, conn, syscall.SOL_SOCKET, syscall.SO_KEEPALIVE) != 0
		resp.Body.Close()
		if got != tc.want {
			t.Errorf("keep-alive %v, timeout %v: SO_KEEPALIVE %v, want %v", tc.keepAlive, tc.timeout, got, tc.want)
		}
	}
}

// sockoptInt reads an integer socket option off a connection (one the
// trigger dialed, or a plain TCP one).
func sockoptInt(t *testing.T, c net.Conn, level, opt int) int {
	t.Helper()
	var rc syscall.RawConn
	var err error
	switch c := c.(type) {
	case *kstampConn:
		rc = c.rc
	case syscall.Conn:
		rc, err = c.SyscallConn()
	default:
		t.Fatalf("connection %T has no socket to read", c)
	}
	if err != nil {
		t.Fatal(err)
	}
	var v int
	var gerr error
	if err := rc.Control(func(fd uintptr) { v, gerr = syscall.GetsockoptInt(int(fd), level, opt) }); err != nil {
		t.Fatal(err)
	}
	if gerr != nil {
		t.Fatalf("getsockopt %d/%d: %v", level, opt, gerr)
	}
	return v
}

// TestKeepAliveDefaults reads off a socket dialed as a trigger dials (probes
// after keepAliveIdle) the interval and count that probesGiveUpAfter assumes
// are package net's defaults.
func TestKeepAliveDefaults(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c, err := (&net.Dialer{KeepAlive: keepAliveIdle}).Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	got := map[string]int{}
	for name, opt := range map[string]int{"TCP_KEEPIDLE": syscall.TCP_KEEPIDLE, "TCP_KEEPINTVL": syscall.TCP_KEEPINTVL, "TCP_KEEPCNT": syscall.TCP_KEEPCNT} {
		got[name] = sockoptInt(t, c, syscall.IPPROTO_TCP, opt)
	}
	want := map[string]int{"TCP_KEEPIDLE": int(keepAliveIdle / time.Second), "TCP_KEEPINTVL": int(keepAliveInterval / time.Second), "TCP_KEEPCNT": keepAliveCount}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("%s = %d, want %d: probesGiveUpAfter no longer matches package net", name, got[name], w)
		}
	}
}
