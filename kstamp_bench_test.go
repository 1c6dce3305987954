//go:build linux

package sebs

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"testing"
)

// BenchmarkKstampConn: one request/response round trip on a loopback TCP
// connection, plain against stamped (marked before each request, so each
// response's first read takes the stamp). Compare with
// go tool benchstat -col /impl.
func BenchmarkKstampConn(b *testing.B) {
	for _, impl := range []string{"plain", "kstamp"} {
		b.Run("impl="+impl, func(b *testing.B) {
			kc, s := pipeConn(b)
			var c net.Conn = kc
			if impl == "plain" {
				c = kc.tcp
			}
			go func() { _, _ = io.Copy(s, s) }() // echo
			msg, buf := bytes.Repeat([]byte("x"), 64), make([]byte, 64)
			b.ReportAllocs()
			for b.Loop() {
				if impl == "kstamp" {
					kc.markRequest()
				}
				if _, err := c.Write(msg); err != nil {
					b.Fatal(err)
				}
				if _, err := io.ReadFull(c, buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkKstampHTTP: a POST to an httptest server through net/http with the
// trace the trigger uses, plain dialer against kstampDialer, fresh and
// keep-alive connections.
func BenchmarkKstampHTTP(b *testing.B) {
	srv := okServer(b)
	for _, mode := range []string{"fresh", "keepalive"} {
		for _, impl := range []string{"plain", "kstamp"} {
			b.Run("mode="+mode+"/impl="+impl, func(b *testing.B) {
				fresh := mode == "fresh"
				dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
					c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
					if err == nil && fresh {
						abortOnClose(c)
					}
					return c, err
				}
				if impl == "kstamp" {
					dial = kstampDialer(&net.Dialer{}, fresh)
				}
				tr := &http.Transport{DialContext: dial}
				if fresh {
					tr.MaxIdleConnsPerHost = -1
				}
				defer tr.CloseIdleConnections()
				client := &http.Client{Transport: tr}
				var kc *kstampConn
				trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) { kc = kstampMark(info.Conn) }}
				ctx := httptrace.WithClientTrace(context.Background(), trace)
				body := []byte(`{}`)
				missed := 0
				b.ReportAllocs()
				for b.Loop() {
					req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL, bytes.NewReader(body))
					resp, err := client.Do(req)
					if err != nil {
						b.Fatal(err)
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if _, ok := kc.stamps(); impl == "kstamp" && !ok {
						missed++
					}
				}
				b.ReportMetric(float64(missed), "unstamped")
			})
		}
	}
}

// BenchmarkKstampRead: the cost of one 512-byte read from data already
// queued on a loopback connection: the plain TCP connection, the wrapper
// between requests (unmarked: one read(2)), and the wrapper's first read of
// a response (marked: recvmsg of one byte with its stamp, then read(2)).
func BenchmarkKstampRead(b *testing.B) {
	for _, impl := range []string{"plain", "kstamp", "kstamp-marked"} {
		b.Run("impl="+impl, func(b *testing.B) {
			kc, s := pipeConn(b)
			var c net.Conn = kc
			if impl == "plain" {
				c = kc.tcp
			}
			go func() { _, _ = io.Copy(s, zeros{}) }()
			buf := make([]byte, 512)
			b.ReportAllocs()
			for b.Loop() {
				if impl == "kstamp-marked" {
					kc.markRequest()
				}
				if _, err := io.ReadFull(c, buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// zeros is an endless reader of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
