package reliability

import "testing"

// TestParseWrk reads wrk 4.1's summary, with and without its error lines, and rejects output without a
// rate.
func TestParseWrk(t *testing.T) {
	out := `Running 3s test @ http://127.0.0.1:33000/
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.31ms    1.02ms  12.00ms   80.00%
    Req/Sec     6.90k   300.00     7.20k    70.00%
  20840 requests in 3.00s, 4.50MB read
  Socket errors: connect 0, read 12, write 0, timeout 0
  Non-2xx or 3xx responses: 3
Requests/sec:   6946.12
Transfer/sec:      1.50MB
`
	r, err := parseWrk([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	want := wrkResult{Requests: 20840, PerSecond: 6946.12, Non2xx: 3, SocketErrors: "Socket errors: connect 0, read 12, write 0, timeout 0"}
	if r != want {
		t.Errorf("parseWrk = %+v, want %+v", r, want)
	}
	if _, err := parseWrk([]byte("unable to connect to 127.0.0.1:1 Connection refused\n")); err == nil {
		t.Error("parseWrk accepted output without Requests/sec")
	}
	if _, err := parseWrk([]byte("Requests/sec: lots\n")); err == nil {
		t.Error("parseWrk accepted an unparsable rate")
	}
}
