package bench

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gosebs/sebs"
)

// TestTallyMatchesCalls adds more calls than a block holds, some cold and some cold-started, and checks
// every figure report uses against the same figures computed from the calls kept whole, in both the
// warm mode (cold calls left out) and another.
func TestTallyMatchesCalls(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	calls := make([]sebs.Sample, 3*chunkLen+17)
	for i := range calls {
		s := &calls[i]
		s.ClientNS, s.HTTPStartupNS = rng.Int64N(1e7), rng.Int64N(1e5)
		s.FirstByteNS, s.ServerNS = rng.Int64N(1e7), rng.Int64N(1e6)
		s.MemoryPeakBytes = rng.Uint64N(1 << 30)
		s.IsCold = rng.IntN(10) == 0
		if rng.IntN(7) == 0 {
			s.ColdStart = &sebs.Startup{Create: time.Duration(rng.Int64N(1e8)), Start: time.Duration(rng.Int64N(1e8))}
		}
	}
	for _, warm := range []bool{true, false} {
		var got tally
		for i := range calls {
			got.add(&calls[i], warm)
		}
		// The reference: the calls the metrics count, then each figure summed over them in order.
		kept := slices.Clone(calls)
		if warm {
			kept = slices.DeleteFunc(kept, func(s sebs.Sample) bool { return s.IsCold })
		}
		sum := func(of func(sebs.Sample) int64) (total float64) {
			for _, s := range kept {
				total += float64(of(s))
			}
			return total
		}
		want := tally{
			calls: len(calls), n: len(kept), coldExcluded: len(calls) - len(kept),
			client:    sum(func(s sebs.Sample) int64 { return s.ClientNS }),
			startup:   sum(func(s sebs.Sample) int64 { return s.HTTPStartupNS }),
			firstByte: sum(func(s sebs.Sample) int64 { return s.FirstByteNS }),
			server:    sum(func(s sebs.Sample) int64 { return s.ServerNS }),
		}
		clients := make([]int64, 0, len(kept))
		for _, s := range kept {
			clients = append(clients, s.ClientNS)
		}
		for _, s := range calls { // cold starts and memory count every call, cold or not
			want.peak = max(want.peak, s.MemoryPeakBytes)
			if s.ColdStart != nil {
				want.coldStarts++
				want.coldStartSum += float64(s.ColdStart.Total())
			}
		}
		slices.Sort(clients)
		require.Equal(t, clients, got.sortedClients(), "warm=%v: client times", warm)
		require.Equal(t, len(clients), got.clients.len(), "warm=%v", warm)
		got.clients, want.clients = chunks[int64]{}, chunks[int64]{}
		require.Equal(t, want, got, "warm=%v", warm)
		if warm {
			require.Positive(t, got.coldExcluded, "the case must have cold calls to leave out")
		}
	}
}

// TestTallyEmpty: a tally of no calls sorts to an empty slice.
func TestTallyEmpty(t *testing.T) {
	var c tally
	require.Empty(t, c.sortedClients())
	require.Zero(t, c.clients.len())
}

// TestChunksOrder: values come back in the order added, across blocks, with their index, and a loop over
// all may stop early.
func TestChunksOrder(t *testing.T) {
	var c chunks[int]
	n := 2*chunkLen + 3
	for i := range n {
		c.add(i * 7)
	}
	require.Equal(t, n, c.len())
	seen := 0
	for i, v := range c.all() {
		require.Equal(t, i*7, v)
		seen++
	}
	require.Equal(t, n, seen)
	got := c.slice()
	require.Len(t, got, n)
	require.Equal(t, (n-1)*7, got[n-1])
	for i := range c.all() {
		if i == chunkLen {
			break
		}
	}
}
