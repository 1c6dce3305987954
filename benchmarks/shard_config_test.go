package benchmarks

import (
	"slices"
	"strings"
	"testing"

	"github.com/gosebs/sebs/sebstest/bench"
)

func TestParseShard(t *testing.T) {
	if s, err := parseShard(" 2/4 "); err != nil || s != (shard{k: 2, n: 4}) {
		t.Errorf("parseShard(2/4) = %+v, %v", s, err)
	}
	if s, err := parseShard(""); err != nil || s != (shard{}) {
		t.Errorf("parseShard(\"\") = %+v, %v; want the whole suite", s, err)
	}
	for _, bad := range []string{"0/2", "3/2", "2", "a/b", "1/0", "-1/2"} {
		if _, err := parseShard(bad); err == nil || !strings.Contains(err.Error(), "k/n") {
			t.Errorf("parseShard(%q) error %v, want one asking for k/n", bad, err)
		}
	}
}

// TestShardsPartitionTheSuite: every unit of the whole suite is in exactly one shard of n, for several n,
// and the assignment is the one pinned here (it must not change between machines or releases, or shards
// run on machines at different commits would overlap).
func TestShardsPartitionTheSuite(t *testing.T) {
	names := []string{"sleep", "dynamic-html", "graph-pagerank", "graph-mst", "graph-bfs"}
	for _, n := range []int{1, 2, 3, 4, 7} {
		perShard := make([]int, n)
		for _, name := range names {
			for _, lang := range []string{"go", "python"} {
				for _, mode := range bench.Modes() {
					in := 0
					for k := 1; k <= n; k++ {
						if (shard{k: k, n: n}).keeps(name, lang, mode) {
							in++
							perShard[k-1]++
						}
					}
					if in != 1 {
						t.Errorf("%s/%s/%s is in %d of %d shards, want 1", name, lang, mode, in, n)
					}
				}
			}
		}
		if n <= 4 && slices.Contains(perShard, 0) {
			t.Errorf("%d shards of 40 units: %v per shard, one is empty", n, perShard)
		}
	}
	s := shard{k: 3, n: 3}
	if got := s.modes("sleep", "go", []bench.Mode{bench.ModeWarm, bench.ModeSequential, bench.ModeCold}); !slices.Equal(got, []bench.Mode{bench.ModeWarm}) {
		t.Errorf("shard 3/3 runs sleep/go in %v, want [warm] (the pinned assignment)", got)
	}
}
