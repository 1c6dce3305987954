package benchmarks

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"testing"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/fixtures"
	"github.com/gosebs/sebs/sebstest"
	"github.com/gosebs/sebs/sebstest/bench"
)

// BenchmarkHarnessOverhead measures what the harness costs per call: bench.Run in warm mode (one
// call at a time, every output validated, every sample kept) against a plain net/http loop posting the
// same body to the same warm container, in the same run, with the same connection mode. The target is a
// ratio of at most 1.05 (ns/op of impl=sebstest over impl=net-http). impl=trigger, a plain loop over the
// function's sebs.HTTPTrigger, splits that cost between the trigger (its httptrace hooks and JSON decoding)
// and Bench. Each runs twice, in the order A B C C B A (round=1, round=2); pool the rounds and repeat the process, since a busy machine drifts:
//
//	go test -c -o bench.test ./benchmarks/
//	for i in 1 2 3 4; do ./bench.test -test.run '^$' -test.bench HarnessOverhead; done > overhead.txt
//	go tool benchstat -col /impl -ignore /round overhead.txt
//
// The payload sleeps 0 s, so the call is as short as it gets and the harness's share as large as it gets.
// Memory sampling is off, as it is by default outside this suite.
// warmUpCalls is how many calls in each connection mode warm a container up before anything is measured.
const warmUpCalls = 500

func BenchmarkHarnessOverhead(b *testing.B) {
	sebstest.RequireDocker(b)
	bm, err := fixtures.Lookup("sleep")
	if err != nil {
		b.Fatal(err)
	}
	fn := startFunction(b, bm, "go", config{})
	input := map[string]any{"sleep": 0}
	body, err := json.Marshal(input)
	if err != nil {
		b.Fatal(err)
	}
	// Warm up: the first few hundred calls after a container starts are slower (measured: the first
	// sub-benchmark of a process ran 15% slower than the same one a round later), which would otherwise
	// weigh on whichever implementation runs first. The first call also takes the cold start away.
	for _, keep := range []bool{false, true} {
		fn.HTTPTrigger().KeepAlive = keep
		for range warmUpCalls {
			if _, err := fn.Invoke(context.Background(), body); err != nil {
				b.Fatal(err)
			}
		}
	}
	fn.HTTPTrigger().Close()
	url := "http://" + fn.URL + "/"
	harness := func(keep bool) func(b *testing.B) {
		return func(b *testing.B) {
			fn.HTTPTrigger().KeepAlive = keep
			defer fn.HTTPTrigger().Close()
			bench.Run(b, []*sebstest.Function{fn}, bench.Spec{
				Mode: bench.ModeWarm, Payload: body,
				Validate: func(out json.RawMessage) error { return bm.Validate(input, out) },
			})
		}
	}
	plain := func(keep bool) func(b *testing.B) {
		return func(b *testing.B) {
			hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: !keep}}
			defer hc.CloseIdleConnections()
			for b.Loop() {
				if err := plainPost(hc, url, body); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	trigger := func(keep bool) func(b *testing.B) {
		return func(b *testing.B) {
			tr := sebs.NewHTTPTrigger(fn.URL)
			tr.KeepAlive = keep
			defer tr.Close()
			ctx := b.Context()
			for b.Loop() {
				if _, err := tr.Invoke(ctx, body); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	for _, keep := range []bool{false, true} {
		conn := "conn=fresh"
		if keep {
			conn = "conn=keepalive"
		}
		// ABBA: the second round runs the pair in the other order, so a drift of the machine during the
		// run weighs on both alike.
		b.Run(conn+"/impl=sebstest/round=1", harness(keep))
		b.Run(conn+"/impl=trigger/round=1", trigger(keep))
		b.Run(conn+"/impl=net-http/round=1", plain(keep))
		b.Run(conn+"/impl=net-http/round=2", plain(keep))
		b.Run(conn+"/impl=trigger/round=2", trigger(keep))
		b.Run(conn+"/impl=sebstest/round=2", harness(keep))
	}
}

// plainPost is the baseline: the least a hand-written client does to get a function's result: one POST,
// the status checked, the JSON answer decoded into a map (as the root package's BenchmarkNetHTTP does).
func plainPost(hc *http.Client, url string, body []byte) error {
	resp, err := hc.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return &statusError{resp.StatusCode}
	}
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

type statusError struct{ code int }

func (e *statusError) Error() string { return "plain POST: HTTP status " + strconv.Itoa(e.code) }
