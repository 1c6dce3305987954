package bench

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/sebstest"
)

// BenchmarkRunCost is what Run and the trigger add to a call, measured without a container: the function is
// an in-process server answering as the Go sleep fixture does, so a call costs tens of µs and the harness's
// own microseconds stand out of the noise that a container's call (150–600 µs here) buries them in.
// impl=net-http is a bare loop (POST, decode the JSON), impl=trigger a sebs.HTTPTrigger loop, impl=run
// Run's warm mode with the sleep fixture's validator, no Recorder, and impl=run-recorded the same with
// a Recorder (its files written when the loop ends, off the clock). The difference of ns/op between two
// impls is what one adds per call; divided by a container call's time it gives the ratio the issue-16
// target is about:
//
//	go test -run '^$' -bench BenchmarkRunCost -count 6 ./sebstest/bench/ > cost.txt
//	go tool benchstat -col /impl cost.txt
func BenchmarkRunCost(b *testing.B) {
	var calls atomic.Int64
	srv := sleepServer(b, &calls)
	body, validate := sleepZeroCall(b)
	for _, keep := range []bool{true, false} {
		conn := map[bool]string{true: "keepalive", false: "fresh"}[keep]
		b.Run("conn="+conn+"/impl=net-http", func(b *testing.B) {
			hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: !keep}}
			defer hc.CloseIdleConnections()
			for b.Loop() {
				resp, err := hc.Post(srv.URL, "application/json", bytes.NewReader(body))
				if err != nil {
					b.Fatal(err)
				}
				var out map[string]any
				err = json.NewDecoder(resp.Body).Decode(&out)
				resp.Body.Close()
				if err != nil || resp.StatusCode != http.StatusOK {
					b.Fatalf("status %d, %v", resp.StatusCode, err)
				}
			}
		})
		b.Run("conn="+conn+"/impl=trigger", func(b *testing.B) {
			tr := sebs.NewHTTPTrigger(srv.URL)
			tr.KeepAlive = keep
			defer tr.Close()
			for b.Loop() {
				if _, err := tr.Invoke(b.Context(), body); err != nil {
					b.Fatal(err)
				}
			}
		})
		for _, recorded := range []bool{false, true} {
			impl := map[bool]string{false: "run", true: "run-recorded"}[recorded]
			b.Run("conn="+conn+"/impl="+impl, func(b *testing.B) {
				opts := []sebstest.Option{sebstest.WithName("cost-" + conn), sebstest.WithProgress(io.Discard)}
				if keep {
					opts = append(opts, sebstest.WithKeepAlive())
				}
				fn, err := sebstest.Endpoint(srv.URL, opts...)
				if err != nil {
					b.Fatal(err)
				}
				defer fn.Stop(b.Context())
				var rec *Recorder
				if recorded {
					if rec, err = NewRecorder(b.TempDir()); err != nil {
						b.Fatal(err)
					}
				}
				Run(b, []*sebstest.Function{fn}, Spec{Mode: ModeWarm, Payload: body, Validate: validate,
					Recorder: rec, Benchmark: "sleep", Language: "go", Size: "zero"})
				if err := rec.Close(); err != nil {
					b.Fatal(err)
				}
			})
		}
	}
}
