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
		var want tally
		var clients []int64
		for _, s := range calls {
			want.calls++
			want.peak = max(want.peak, s.MemoryPeakBytes)
			if s.ColdStart != nil {
				want.coldStarts++
				want.coldStartSum += float64(s.ColdStart.Total())
			}
			if warm && s.IsCold {
				want.coldExcluded++
				continue
			}
			want.n++
			want.client += float64(s.ClientNS)
			want.startup += float64(s.HTTPStartupNS)
			want.firstByte += float64(s.FirstByteNS)
			want.server += float64(s.ServerNS)
			clients = append(clients, s.ClientNS)
		}
		slices.Sort(clients)
		require.Equal(t, clients, got.clients.sorted(), "warm=%v: client times", warm)
		require.Equal(t, len(clients), got.clients.len(), "warm=%v", warm)
		got.clients, want.clients = chunks{}, chunks{}
		require.Equal(t, want, got, "warm=%v", warm)
		if warm {
			require.Positive(t, got.coldExcluded, "the case must have cold calls to leave out")
		}
	}
}

// TestChunksEmpty: a tally of no calls sorts to an empty slice.
func TestChunksEmpty(t *testing.T) {
	var c chunks
	require.Empty(t, c.sorted())
	require.Zero(t, c.len())
}
