//go:build linux

package sebs

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// stampedCall is one request through a kstamp transport: the stamps and the
// user-space trace of the same call.
type stampedCall struct {
	t0, connectStart   time.Time // user space, wall and monotonic
	gotConn, firstByte time.Time
	conn               net.Conn
	reused             bool
	st                 kstamps
	stamped            bool
	body               []byte
}

// kstampClient returns a client dialling through kstampDialer, configured as
// the trigger should be: fresh connections are not kept (no "Connection:
// close" on the wire) and end with a reset.
func kstampClient(t testing.TB, keepAlive bool) *http.Client {
	waitStamping(t)
	tr := &http.Transport{DialContext: kstampDialer(&net.Dialer{}, !keepAlive), Proxy: nil}
	if !keepAlive {
		tr.MaxIdleConnsPerHost = -1
	}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// doStamped POSTs to url, marking the request in GotConn as the trigger will.
func doStamped(t testing.TB, client *http.Client, url string) stampedCall {
	t.Helper()
	var c stampedCall
	var kc *kstampConn
	trace := &httptrace.ClientTrace{
		GotConn: func(info httptrace.GotConnInfo) {
			c.gotConn, c.conn, c.reused = time.Now(), info.Conn, info.Reused
			kc = kstampMark(info.Conn)
		},
		GotFirstResponseByte: func() { c.firstByte = time.Now() },
		ConnectStart:         func(string, string) { c.connectStart = time.Now() },
	}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace),
		http.MethodPost, url, bytes.NewReader([]byte(`{}`)))
	if err != nil {
		t.Fatal(err)
	}
	c.t0 = time.Now()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	if c.body, err = io.ReadAll(resp.Body); err != nil {
		t.Fatalf("read body: %v", err)
	}
	c.st, c.stamped = kc.stamps()
	return c
}

// checkKernelFirstByte asserts what must hold for every stamped call: the
// kernel saw the first byte after the request's zero, before user space did,
// and within a sane bound.
func checkKernelFirstByte(t *testing.T, c stampedCall) time.Duration {
	t.Helper()
	if !c.stamped {
		t.Fatalf("no kernel stamp for a TCP call (conn %T)", c.conn)
	}
	fb, ok := c.st.firstByte()
	if !ok {
		t.Fatalf("kernel first byte unusable: start %v, first byte %v", c.st.Start, c.st.FirstByte)
	}
	user := c.firstByte.Sub(c.t0)
	if fb <= 0 || fb > user || fb > 5*time.Second {
		t.Errorf("kernel first byte %v: want in (0, user-space %v]", fb, user)
	}
	if !c.st.FirstByte.Before(c.firstByte.Round(0)) {
		t.Errorf("kernel received the first byte at %v, after user space saw it at %v", c.st.FirstByte, c.firstByte)
	}
	return fb
}

func okServer(t testing.TB) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestKstampFreshConnections(t *testing.T) {
	srv := okServer(t)
	client := kstampClient(t, false)
	for i := range 10 {
		c := doStamped(t, client, srv.URL)
		if string(c.body) != `{"ok":true}` || c.reused || !c.st.Fresh {
			t.Fatalf("call %d: body %q, reused %v, fresh %v", i, c.body, c.reused, c.st.Fresh)
		}
		fb := checkKernelFirstByte(t, c)
		if !c.st.Start.After(c.t0.Round(0)) {
			t.Errorf("call %d: connect started at %v, before the call at %v", i, c.st.Start, c.t0)
		}
		up, ok := c.st.startup()
		if !ok || up <= 0 || up >= fb {
			t.Errorf("call %d: kernel handshake %v (known %v): want in (0, first byte %v)", i, up, ok, fb)
		}
		if userUp := c.gotConn.Sub(c.t0); ok && up > userUp {
			t.Errorf("call %d: kernel handshake %v longer than the user-space dial %v", i, up, userUp)
		}
	}
}

func TestKstampKeepAliveMarksEachRequest(t *testing.T) {
	srv := okServer(t)
	client := kstampClient(t, true)
	first := doStamped(t, client, srv.URL)
	checkKernelFirstByte(t, first)
	for i := range 5 {
		c := doStamped(t, client, srv.URL)
		if !c.reused || c.st.Fresh || c.conn != first.conn {
			t.Fatalf("request %d: reused %v, fresh %v, same conn %v: want the first request's connection",
				i+2, c.reused, c.st.Fresh, c.conn == first.conn)
		}
		checkKernelFirstByte(t, c)
		if !c.st.Start.After(c.t0.Round(0)) || !c.st.FirstByte.After(first.st.FirstByte) {
			t.Errorf("request %d: start %v (call at %v), first byte %v (first request's %v): stale stamps",
				i+2, c.st.Start, c.t0, c.st.FirstByte, first.st.FirstByte)
		}
		if !c.st.Established.IsZero() {
			t.Errorf("request %d on a reused connection has an established time %v", i+2, c.st.Established)
		}
	}
}

func TestKstampMarkResetsCapture(t *testing.T) {
	srv := okServer(t)
	client := kstampClient(t, true)
	c := doStamped(t, client, srv.URL)
	kc := kstampMark(c.conn)
	if kc == nil {
		t.Fatalf("a TCP connection from kstampDialer is %T, not stamped", c.conn)
	}
	if st, ok := kc.stamps(); ok {
		t.Errorf("stamps right after a new mark: %+v, want none until the response arrives", st)
	}
}

var stampingOnce sync.Once

// waitStamping returns once the kernel stamps received packets, which it
// switches on from a work queue some time after the first socket asks, so
// that a test's first call is stamped: single bytes cross a loopback
// connection until one arrives stamped, for at most 5 s (a test that needs
// stamps then fails on its own).
func waitStamping(t testing.TB) {
	stampingOnce.Do(func() {
		kstampWarm()
		kc, s := dialPair(t)
		buf := []byte{0}
		for deadline := time.Now().Add(5 * time.Second); kc.rx.Load() == 0 && time.Now().Before(deadline); {
			kc.markRequest()
			if _, err := s.Write(buf); err != nil {
				t.Fatal(err)
			}
			if _, err := kc.Read(buf); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// pipeConn dials a listener through kstampDialer, once the kernel stamps,
// and returns both ends.
func pipeConn(t testing.TB) (*kstampConn, net.Conn) {
	t.Helper()
	waitStamping(t)
	return dialPair(t)
}

// dialPair dials a listener through kstampDialer and returns both ends.
func dialPair(t testing.TB) (*kstampConn, net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	accepted := make(chan net.Conn, 1)
	go func() {
		s, err := ln.Accept()
		if err != nil {
			close(accepted)
			return
		}
		accepted <- s
	}()
	c, err := kstampDialer(&net.Dialer{}, false)(context.Background(), "tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	s, ok := <-accepted
	if !ok {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { s.Close() })
	kc, ok := c.(*kstampConn)
	if !ok {
		t.Fatalf("kstampDialer returned %T for TCP", c)
	}
	return kc, s
}

func TestKstampReadDeadline(t *testing.T) {
	kc, _ := pipeConn(t) // the server never answers
	kstampMark(kc)
	if err := kc.SetReadDeadline(time.Now().Add(50 * time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	n, err := kc.Read(make([]byte, 16))
	var ne net.Error
	if n != 0 || !errors.As(err, &ne) || !ne.Timeout() || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read from a silent server: n=%d, err=%v; want a timeout error", n, err)
	}
	if waited := time.Since(start); waited > 5*time.Second {
		t.Errorf("the 50 ms deadline fired after %v", waited)
	}
	if _, ok := kc.stamps(); ok {
		t.Error("stamps reported for a request that got no answer")
	}
}

func TestKstampHTTPTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	client := kstampClient(t, false)
	client.Timeout = 100 * time.Millisecond
	_, err := client.Post(srv.URL, "application/json", bytes.NewReader([]byte(`{}`)))
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("POST to a server that never answers: %v; want a timeout", err)
	}
}

func TestKstampReadsLargeAndEOF(t *testing.T) {
	kc, s := pipeConn(t)
	want := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB: many segments, many reads
	kstampMark(kc)
	go func() { _, _ = s.Write(want) }()
	got := make([]byte, len(want))
	if _, err := io.ReadFull(kc, got); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("read %d bytes, equal %v, err %v", len(got), bytes.Equal(got, want), err)
	}
	if _, ok := kc.stamps(); !ok {
		t.Error("no stamp for the first byte of the data")
	}
	s.Close()
	if n, err := kc.Read(make([]byte, 8)); n != 0 || err != io.EOF {
		t.Errorf("read after the peer closed: %d, %v; want 0, io.EOF", n, err)
	}
}

func TestKstampUnixSocketFallsBack(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "s")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	dial := kstampDialer(&net.Dialer{}, false)
	tr := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return dial(ctx, "unix", sock)
	}}
	t.Cleanup(tr.CloseIdleConnections)
	c := doStamped(t, &http.Client{Transport: tr}, "http://unix/")
	if string(c.body) != `{"ok":true}` {
		t.Fatalf("body over the unix socket: %q", c.body)
	}
	if c.stamped || kstampMark(c.conn) != nil {
		t.Errorf("a unix socket (%T) reported kernel stamps; want the user-space fallback", c.conn)
	}
}

func TestKstampReadAllocatesNothing(t *testing.T) {
	kc, s := pipeConn(t)
	msg, buf := []byte("response"), make([]byte, 64)
	for _, marked := range []bool{false, true} {
		allocs := testing.AllocsPerRun(200, func() {
			if marked {
				kstampMark(kc)
			}
			if _, err := s.Write(msg); err != nil {
				t.Fatal(err)
			}
			if n, err := io.ReadFull(kc, buf[:len(msg)]); err != nil || n != len(msg) {
				t.Fatalf("read %d, %v", n, err)
			}
		})
		if allocs != 0 {
			t.Errorf("marked=%v: %v allocations per read, want 0", marked, allocs)
		}
	}
}

// TestKstampDropsStampMergedWithFIN reads a response that arrived with the
// server's FIN behind it, in one read that drains the queue (TCP_INQ decides)
// and in reads too small to drain it (TCP_INFO decides): neither may keep the
// stamp. Without the FIN, both keep it.
func TestKstampDropsStampMergedWithFIN(t *testing.T) {
	for _, tc := range []struct {
		name string
		read int // buffer size of each read
		fin  bool
	}{
		{"drained/fin", 512, true},
		{"partial/fin", 3, true},
		{"drained/open", 512, false},
		{"partial/open", 3, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kc, s := pipeConn(t)
			if !kc.inq {
				t.Error("TCP_INQ did not take on this Linux (4.18 and later have it): FINs cost a getsockopt per call")
			}
			kstampMark(kc)
			const response = "response"
			if _, err := s.Write([]byte(response)); err != nil {
				t.Fatal(err)
			}
			if tc.fin {
				s.Close() // the FIN follows the response before the client reads
				waitFIN(t, kc)
			} else {
				waitQueued(t, kc, len(response))
			}
			got := make([]byte, 0, len(response))
			buf := make([]byte, tc.read)
			for len(got) < len(response) {
				n, err := kc.Read(buf)
				got = append(got, buf[:n]...)
				if err != nil {
					t.Fatalf("read %q, %v", got, err)
				}
			}
			if string(got) != response {
				t.Fatalf("read %q, want %q", got, response)
			}
			st, ok := kc.stamps()
			if tc.fin && ok {
				t.Errorf("stamps %+v for a response read after the FIN arrived: the stamp may be the FIN's", st)
			}
			if !tc.fin && !ok {
				t.Error("no stamp for a response read with no FIN behind it")
			}
		})
	}
}

// waitFIN waits until kc's peer FIN has arrived.
func waitFIN(t *testing.T, kc *kstampConn) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for fin := false; !fin; {
		if err := kc.rc.Control(func(fd uintptr) { fin = finReceived(fd) }); err != nil {
			t.Fatal(err)
		}
		if !fin && time.Now().After(deadline) {
			t.Fatal("the server's FIN did not arrive within 5 s")
		}
	}
}

// fionread is FIONREAD (SIOCINQ for TCP) of asm-generic/ioctls.h: the bytes
// queued for reading.
const fionread = 0x541B

// waitQueued waits until n bytes are queued on kc, unread.
func waitQueued(t *testing.T, kc *kstampConn, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for queued := 0; queued < n; {
		if err := kc.rc.Control(func(fd uintptr) {
			var q int32
			if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, fd, fionread, uintptr(unsafe.Pointer(&q))); errno == 0 {
				queued = int(q)
			}
		}); err != nil {
			t.Fatal(err)
		}
		if queued < n && time.Now().After(deadline) {
			t.Fatalf("%d of %d bytes arrived within 5 s", queued, n)
		}
	}
}

func TestFinAfterRead(t *testing.T) {
	kc := &kstampConn{buf: make([]byte, 10)} // room for 9 bytes after the first
	for _, tc := range []struct {
		name string
		msg  cmsgs
		rest int
		want bool
	}{
		{"fin behind the rest", cmsgs{inq: 5, haveInq: true}, 4, true},
		{"fin alone", cmsgs{inq: 1, haveInq: true}, 0, true},
		{"nothing behind", cmsgs{inq: 0, haveInq: true}, 0, false},
		{"the rest, no fin", cmsgs{inq: 4, haveInq: true}, 4, false},
		{"more arrived after recvmsg", cmsgs{inq: 2, haveInq: true}, 6, false},
	} {
		if got := kc.finAfterRead(-1, tc.msg, tc.rest); got != tc.want {
			t.Errorf("%s: finAfterRead = %v, want %v", tc.name, got, tc.want)
		}
	}
	// Where the count cannot decide, it asks TCP_INFO, which fails on fd -1: that says yes.
	for _, tc := range []struct {
		name string
		msg  cmsgs
		rest int
	}{
		{"no TCP_INQ", cmsgs{}, 4},
		{"buffer filled", cmsgs{inq: 20, haveInq: true}, 9},
		{"read failed", cmsgs{inq: 1, haveInq: true}, -1},
	} {
		if !kc.finAfterRead(-1, tc.msg, tc.rest) {
			t.Errorf("%s: finAfterRead decided without TCP_INFO", tc.name)
		}
	}
}

func TestKstampAbortiveClose(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c, err := kstampDialer(&net.Dialer{}, true)(context.Background(), "tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	s, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c.Close()
	if err := s.SetReadDeadline(time.Now().Add(5 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Read(make([]byte, 1)); !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("server read after an abortive close: %v, want ECONNRESET (no FIN, no TIME_WAIT)", err)
	}
}

func TestKstampDialRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	_, err = kstampDialer(&net.Dialer{}, false)(context.Background(), "tcp", addr)
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("dial %s with nothing listening: %v, want ECONNREFUSED", addr, err)
	}
}

func TestKstampDialerKeepsLocalAddr(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	base := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)}}
	c, err := kstampDialer(base, false)(context.Background(), "tcp", ln.Addr().String())
	if err != nil {
		t.Fatalf("dial with a local address: %v", err)
	}
	defer c.Close()
	kc, ok := c.(*kstampConn)
	if !ok {
		t.Fatalf("a TCP connection with a local address came back as %T, not stamped", c)
	}
	// net's own connect(2) placed the SYN here, so the handshake's round
	// trip is read when the connection is wrapped, not taken from ours.
	if runtime.GOARCH == "386" {
		return // no TCP_INFO there (kstamp_tcpinfo_linux_386.go)
	}
	if kc.established == 0 || kc.established < kc.connStart {
		t.Errorf("established %d, connect %d: want the kernel's handshake end after the connect", kc.established, kc.connStart)
	}
}

func TestKstampIPv6(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	ln, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback here: %v", err)
	}
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	c := doStamped(t, kstampClient(t, false), srv.URL)
	checkKernelFirstByte(t, c)
	if up, ok := c.st.startup(); !ok || up <= 0 {
		t.Errorf("IPv6 handshake %v (known %v): want a kernel round trip", up, ok)
	}
}

// TestKstampWrapTakesItsSocketsRTT checks that wrap takes the handshake's
// round trip that connect read only from the socket it wraps: a value kept
// for another descriptor (a losing attempt of a raced dial) is read again.
func TestKstampWrapTakesItsSocketsRTT(t *testing.T) {
	if runtime.GOARCH == "386" {
		t.Skip("no TCP_INFO on linux/386")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	const kept = 7 * time.Millisecond // far from any loopback round trip
	for _, same := range []bool{true, false} {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		rc, err := c.(*net.TCPConn).SyscallConn()
		if err != nil {
			t.Fatal(err)
		}
		var fd uintptr
		_ = rc.Control(func(f uintptr) { fd = f })
		var k kstampDial
		k.mode.Store(stampTSING)
		start := time.Now().Add(-time.Second).UnixNano()
		k.start.Store(start)
		if !same {
			fd++
		}
		k.rtt.Store(&socketRTT{fd: fd, rtt: kept})
		kc, ok := k.wrap(c).(*kstampConn)
		if !ok {
			t.Fatalf("wrap returned %T", k.wrap(c))
		}
		got := time.Duration(kc.established - start)
		switch {
		case same && got != kept:
			t.Errorf("the socket's own kept round trip: established %v after the start, want %v", got, kept)
		case !same && (got == kept || got <= 0):
			t.Errorf("another socket's kept round trip: established %v after the start, want this socket's own", got)
		}
		c.Close()
	}
}
