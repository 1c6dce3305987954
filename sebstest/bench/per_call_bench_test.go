package bench

import (
	"testing"
	"time"

	"github.com/gosebs/sebs/sebstest"
)

// BenchmarkPerCallWork is what bench.Run adds to each warm call with no Recorder, on one real result of
// the sleep fixture's shape: the call's deadline (begin and end) and finish (the output's validation by
// the fixture's validator, the sample, the tallies), against the call itself on an in-process keep-alive
// server (impl=call, and impl=call-deadline under that deadline, as bench.Run makes it). Issue 16 wants
// bench.Run within 1.02× of bare net/http on a container: a container call takes 150 to 900 µs here, so
// that bound is 3 to 18 µs a call.
//
//	go test -run '^$' -bench BenchmarkPerCallWork -benchmem -count 3 ./sebstest/bench/
func BenchmarkPerCallWork(b *testing.B) {
	fn, _ := loggingServer(b)
	body, validate := sleepZeroCall(b)
	res, err := fn.Invoke(b.Context(), body)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("impl=call", func(b *testing.B) {
		for b.Loop() {
			if _, err := fn.Invoke(b.Context(), body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=call-deadline", func(b *testing.B) {
		// The call as bench.Run makes it: under its callers' reused deadline rather than the trigger's own.
		dl := newCallDeadline(b.Context(), time.Minute)
		defer dl.close()
		for b.Loop() {
			_, err := fn.Invoke(dl.begin(), body)
			dl.end()
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=run-work", func(b *testing.B) {
		bn, err := newBencher(b, []*sebstest.Function{fn}, Spec{Mode: ModeWarm, Payload: body, Validate: validate})
		if err != nil {
			b.Fatal(err)
		}
		dl := newCallDeadline(b.Context(), time.Minute)
		defer dl.close()
		for b.Loop() {
			_ = dl.begin()
			dl.end()
			if err := bn.finish(outcome{fn: fn, res: res}); err != nil {
				b.Fatal(err)
			}
		}
		if bn.tally.n != b.N {
			b.Fatalf("tallied %d calls, want %d", bn.tally.n, b.N)
		}
	})
}
