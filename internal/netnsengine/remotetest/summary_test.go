//go:build linux

package remotetest

import (
	"slices"
	"testing"
)

// TestSummaryCounts checks the counting of a -test.v output: passes, failures (with their lines),
// skips and benchmark result lines, with subtests' lines counted too.
func TestSummaryCounts(t *testing.T) {
	out := []byte(`=== RUN   TestA
--- PASS: TestA (0.01s)
=== RUN   TestB
    --- FAIL: TestB/sub (0.00s)
--- FAIL: TestB (0.02s)
--- SKIP: TestC (0.00s)
BenchmarkSleep/warm-2         	       3	   1234567 ns/op
BenchmarkSleep
FAIL
`)
	pass, fail, skip, failures := summary(out)
	if pass != 2 || fail != 2 || skip != 1 {
		t.Errorf("summary = %d passed, %d failed, %d skipped; want 2, 2, 1", pass, fail, skip)
	}
	if want := []string{"--- FAIL: TestB/sub (0.00s)", "--- FAIL: TestB (0.02s)"}; !slices.Equal(failures, want) {
		t.Errorf("failures = %q, want %q", failures, want)
	}
	lines := benchLines(out)
	if len(lines) != 1 {
		t.Fatalf("benchLines = %q, want the one result line", lines)
	}
	if v, ok := metric(lines[0], "ns/op"); !ok || v != 1234567 {
		t.Errorf("metric(ns/op) = %v, %v; want 1234567, true", v, ok)
	}
	if _, ok := metric(lines[0], "peak-mem-B"); ok {
		t.Errorf("metric(peak-mem-B) found in a line without it")
	}
	if got := tail([]byte("a\nb\nc\n"), 2); got != "b\nc" {
		t.Errorf("tail = %q, want %q", got, "b\nc")
	}
}
