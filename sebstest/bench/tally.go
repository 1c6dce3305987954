package bench

import (
	"slices"

	"github.com/gosebs/sebs"
)

// tally is what report needs of the calls, summed as each call finishes (issue 16): the sums of the
// per-call metrics and every client time (for the percentiles), rather than a record per call that the
// caller's path copied whenever the slice grew. Sums are taken in completion order, as a loop over the
// kept calls took them, so the metrics are the same to the last bit.
type tally struct {
	calls        int // every call finished, cold or not
	n            int // calls in the time metrics: all but warm mode's cold calls
	coldExcluded int // warm mode's cold calls, left out of every other metric

	client, startup, firstByte, server float64
	coldStarts                         int
	coldStartSum                       float64
	peak                               uint64
	clients                            chunks[int64] // the client time of each call counted in n
}

// add counts the call s; warm says the mode leaves cold calls out.
func (t *tally) add(s *sebs.Sample, warm bool) {
	t.calls++
	t.peak = max(t.peak, s.MemoryPeakBytes)
	if s.ColdStart != nil {
		t.coldStarts++
		t.coldStartSum += float64(s.ColdStart.Total())
	}
	if warm && s.IsCold {
		t.coldExcluded++
		return
	}
	t.n++
	t.client += float64(s.ClientNS)
	t.startup += float64(s.HTTPStartupNS)
	t.firstByte += float64(s.FirstByteNS)
	t.server += float64(s.ServerNS)
	t.clients.add(s.ClientNS)
}

// sortedClients returns the client times kept, in ascending order, in a new slice.
func (t *tally) sortedClients() []int64 {
	all := t.clients.slice()
	slices.Sort(all)
	return all
}
