package sebs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gosebs/sebs"
)

// The benchmarks compare HTTPTrigger.Invoke with the plain net/http work a
// client must do for the same call (encode the payload, POST it, read the
// body, decode the JSON), against one httptest server, per connection mode.
// Run them together:
//
//	go test -run '^$' -bench 'HTTPTrigger|NetHTTP' -benchmem -count 6 .

var benchPayload = map[string]any{"sleep": 0.001}

func benchServer(b *testing.B) *httptest.Server {
	resp := []byte(wireOK)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(resp)
	}))
	b.Cleanup(srv.Close)
	return srv
}

var benchModes = []struct {
	name      string
	keepAlive bool
}{{"fresh", false}, {"keepalive", true}}

func BenchmarkHTTPTrigger(b *testing.B) {
	srv := benchServer(b)
	for _, mode := range benchModes {
		b.Run("mode="+mode.name, func(b *testing.B) {
			tr := sebs.NewHTTPTrigger(srv.Listener.Addr().String())
			tr.KeepAlive = mode.keepAlive
			defer tr.Close()
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				r, err := tr.Invoke(ctx, benchPayload)
				if err != nil || r.RequestID != "req-1" {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkNetHTTP(b *testing.B) {
	srv := benchServer(b)
	for _, mode := range benchModes {
		b.Run("mode="+mode.name, func(b *testing.B) {
			tr := &http.Transport{DisableKeepAlives: !mode.keepAlive, Proxy: nil}
			client := &http.Client{Transport: tr}
			defer tr.CloseIdleConnections()
			b.ReportAllocs()
			for b.Loop() {
				body, err := json.Marshal(benchPayload)
				if err != nil {
					b.Fatal(err)
				}
				resp, err := client.Post(srv.URL, "application/json", bytes.NewReader(body))
				if err != nil {
					b.Fatal(err)
				}
				data, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil {
					b.Fatal(err)
				}
				var out map[string]any
				if err := json.Unmarshal(data, &out); err != nil || out["request_id"] != "req-1" {
					b.Fatal(err)
				}
			}
		})
	}
}
