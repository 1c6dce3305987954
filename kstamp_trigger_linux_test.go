//go:build linux

package sebs

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// wireServer answers every POST with a valid SeBS response and counts the
// requests that asked the server to close the connection.
func wireServer(t *testing.T, closes *atomic.Int32) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if r.Close {
			closes.Add(1)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"begin":"1735787045.100000","end":"1735787045.101234","request_id":"r","is_cold":false,"result":{"output":{}}}`)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestHTTPTriggerKernelTimes: on Linux the trigger reports first byte (and,
// on fresh connections, startup) from kernel stamps, keeps the user-space
// times in Detail, never sends "Connection: close", and the kernel times lie
// within the call.
func TestHTTPTriggerKernelTimes(t *testing.T) {
	waitStamping(t)
	for _, keepAlive := range []bool{false, true} {
		name := map[bool]string{false: "fresh", true: "keepalive"}[keepAlive]
		t.Run(name, func(t *testing.T) {
			var closes atomic.Int32
			srv := wireServer(t, &closes)
			tr := NewHTTPTrigger(srv.URL)
			tr.KeepAlive = keepAlive
			t.Cleanup(tr.Close)
			const calls = 20
			kernel := 0
			for i := range calls {
				r, err := tr.Invoke(context.Background(), nil)
				if err != nil {
					t.Fatal(err)
				}
				d := r.Detail
				if d.ConnectionReused != (keepAlive && i > 0) {
					t.Errorf("call %d: connection reused %v", i, d.ConnectionReused)
				}
				switch d.TimestampSource {
				case timestampUser:
					if d.FirstByteUserNS != 0 || d.StartupUserNS != 0 {
						t.Errorf("call %d: user-space times %d/%d kept beside user-space times", i, d.FirstByteUserNS, d.StartupUserNS)
					}
					continue
				case timestampKernel:
				default:
					t.Fatalf("call %d: timestamp source %q", i, d.TimestampSource)
				}
				kernel++
				fb := time.Duration(*r.Times.HTTPFirstByteReturn * 1e9)
				client := time.Duration(r.Times.Client) * time.Microsecond
				if fb <= 0 || fb > client+time.Microsecond || d.FirstByteUserNS <= 0 {
					t.Errorf("call %d: kernel first byte %v, user %v ns, client %v", i, fb, d.FirstByteUserNS, client)
				}
				up := time.Duration(*r.Times.HTTPStartup * 1e9)
				if up < 0 || up > fb {
					t.Errorf("call %d: startup %v outside [0, first byte %v]", i, up, fb)
				}
				if d.ConnectionReused && up != 0 {
					t.Errorf("call %d: reused connection with kernel times has startup %v, want 0 (its zero is the write)", i, up)
				}
				if !keepAlive && up == time.Duration(d.StartupUserNS) {
					t.Errorf("call %d: fresh connection kept the user-space startup %v", i, up)
				}
			}
			// A stamp can be lost to a packet merged with another; nearly all calls must have one.
			if kernel < calls-2 {
				t.Errorf("%d of %d calls had kernel stamps", kernel, calls)
			}
			if n := closes.Load(); n != 0 {
				t.Errorf("%d requests asked the server to close: a server FIN would take over the response's stamp", n)
			}
		})
	}
}
