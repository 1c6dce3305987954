package bench

import "testing"

// logf logs a line to the benchmark's output only under go test -v: a b.Log in a normal run adds a
// "--- BENCH" block to the output benchstat reads. What a line says must also be visible in the metrics
// (cold-excluded, for instance), so nothing is lost without -v.
func (bn *bencher) logf(format string, args ...any) {
	bn.b.Helper()
	if testing.Verbose() {
		bn.b.Logf(format, args...)
	}
}
