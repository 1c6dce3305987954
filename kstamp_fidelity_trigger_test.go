//go:build fidelity && linux

package sebs

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// TestKstampFidelityTrigger is the observer check through the trigger
// itself (make fidelity): fresh-connection calls of an HTTPTrigger, their
// results' first byte and startup (kernel) and detail's user-space times
// against the capture's SYN, SYN-ACK and first response packet. The server
// answers each call with the client's port, which names the call's
// connection in the capture.
func TestKstampFidelityTrigger(t *testing.T) {
	calls := fidelityCalls(t)
	waitStamping(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		_, port, _ := net.SplitHostPort(r.RemoteAddr)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"begin":"1735787045.100000","end":"1735787045.101234","request_id":"r","is_cold":false,"result":{"output":{"port":%s}}}`, port)
	}))
	t.Cleanup(srv.Close)
	srvPort := uint16(srv.Listener.Addr().(*net.TCPAddr).Port)
	pcap := filepath.Join(t.TempDir(), "trigger.pcap")
	stop := startTcpdump(t, pcap, srvPort)
	tr := NewHTTPTrigger(srv.URL)
	t.Cleanup(tr.Close)
	type call struct {
		res  *ExecutionResult
		port uint16
	}
	var got []call
	seen := map[uint16]int{}
	for range calls {
		res, err := tr.Invoke(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		out, _ := res.Output["result"].(map[string]any)["output"].(map[string]any)
		p, err := strconv.Atoi(fmt.Sprint(out["port"]))
		if err != nil {
			t.Fatalf("the server's answer has no client port: %v", res.Output)
		}
		got = append(got, call{res, uint16(p)})
		seen[uint16(p)]++
	}
	var recs []capturedCall
	for _, c := range got {
		if seen[c.port] == 1 { // a port two connections used: the capture mixes them
			recs = append(recs, capturedCall{port: c.port})
		}
	}
	conns := waitCaptured(t, pcap, srvPort, recs)
	stop()
	var k, u, kUp, uUp []time.Duration
	users := 0
	for _, c := range got {
		cc := conns[c.port]
		if seen[c.port] != 1 || cc == nil {
			continue
		}
		capFB, capUp := cc.FirstData.Sub(cc.SYN), cc.SYNACK.Sub(cc.SYN)
		fb := time.Duration(*c.res.Times.HTTPFirstByteReturn * 1e9)
		up := time.Duration(*c.res.Times.HTTPStartup * 1e9)
		d := c.res.Detail
		if d.TimestampSource != timestampKernel {
			users++
			u, uUp = append(u, fb-capFB), append(uUp, up-capUp)
			continue
		}
		k, kUp = append(k, fb-capFB), append(kUp, up-capUp)
		u, uUp = append(u, time.Duration(d.FirstByteUserNS)-capFB), append(uUp, time.Duration(d.StartupUserNS)-capUp)
	}
	fmt.Printf("fidelity: %d fresh-connection HTTPTrigger calls on loopback (%d told apart), result minus capture (SYN = 0), median / p95:\n", calls, len(k)+users)
	printExcess("first byte, result (kernel stamps)", k)
	km, kp := printExcess("  as an absolute error (what the target bounds)", abs(k))
	printExcess("first byte, detail.first_byte_user_ns (user space)", u)
	printExcess("startup, result (kernel handshake)", kUp)
	printExcess("startup, detail.startup_user_ns (user space)", uUp)
	fmt.Printf("  results with timestamp_source \"user\": %d\n", users)
	requireFidelity(t, len(k), users, calls, km, kp)
}
