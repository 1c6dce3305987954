package benchmarks

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestABBA(t *testing.T) {
	impls := []string{"a", "b", "c"}
	for _, tc := range []struct {
		rotate int
		want   []string
	}{
		{0, []string{"a", "b", "c", "c", "b", "a"}},
		{1, []string{"b", "c", "a", "a", "c", "b"}},
		{5, []string{"c", "a", "b", "b", "a", "c"}},
		{-1, []string{"c", "a", "b", "b", "a", "c"}},
	} {
		if diff := cmp.Diff(tc.want, abba(impls, tc.rotate)); diff != "" {
			t.Errorf("abba(%v, %d): -want +got\n%s", impls, tc.rotate, diff)
		}
	}
	// Over len(impls) processes, each implementation takes each place once.
	places := map[string]map[int]int{}
	for r := range len(impls) {
		for i, impl := range abba(impls, r)[:len(impls)] {
			if places[impl] == nil {
				places[impl] = map[int]int{}
			}
			places[impl][i]++
		}
	}
	for _, impl := range impls {
		for i := range impls {
			if places[impl][i] != 1 {
				t.Errorf("over %d rotations %s ran in place %d %d times, want once", len(impls), impl, i, places[impl][i])
			}
		}
	}
	if abba(nil, 3) != nil {
		t.Error("abba of no implementations is not empty")
	}
}

// TestOverheadName: BenchmarkHarnessOverhead's block is in the name only when there are several, and paired reads it from there.
func TestOverheadName(t *testing.T) {
	if got, want := blockName("path=bridge/conn=fresh", 1, 1, "trigger", 2), "path=bridge/conn=fresh/impl=trigger/round=2"; got != want {
		t.Errorf("one block: got %q, want %q", got, want)
	}
	if got, want := blockName("path=published/conn=keepalive", 3, 8, "net-http", 1),
		"path=published/conn=keepalive/block=3/impl=net-http/round=1"; got != want {
		t.Errorf("block 3 of 8: got %q, want %q", got, want)
	}
}

// TestLoadName: BenchmarkLoadOverhead's block, like the overhead benchmark's, is named only when there are
// several, between the concurrency and the implementation, where paired finds it.
func TestLoadName(t *testing.T) {
	if got, want := blockName("conc=64", 1, 1, "wrk", 2), "conc=64/impl=wrk/round=2"; got != want {
		t.Errorf("one block: got %q, want %q", got, want)
	}
	if got, want := blockName("conc=64", 2, 3, "sebstest", 1), "conc=64/block=2/impl=sebstest/round=1"; got != want {
		t.Errorf("block 2 of 3: got %q, want %q", got, want)
	}
}
