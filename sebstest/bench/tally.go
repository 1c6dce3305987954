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
	clients                            chunks // the client time of each call counted in n
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

// chunks keeps int64s in fixed-size blocks: adding one never copies the ones before it, and a long run's
// memory grows a block at a time instead of doubling.
type chunks struct {
	full [][]int64
	cur  []int64
}

// chunkLen is the number of values in a block (32 KB).
const chunkLen = 4096

func (c *chunks) add(v int64) {
	if len(c.cur) == cap(c.cur) {
		if c.cur != nil {
			c.full = append(c.full, c.cur)
		}
		c.cur = make([]int64, 0, chunkLen)
	}
	c.cur = append(c.cur, v)
}

// len is the number of values kept.
func (c *chunks) len() int { return len(c.full)*chunkLen + len(c.cur) }

// sorted returns every value kept, in ascending order, in a new slice.
func (c *chunks) sorted() []int64 {
	all := make([]int64, 0, c.len())
	for _, b := range c.full {
		all = append(all, b...)
	}
	all = append(all, c.cur...)
	slices.Sort(all)
	return all
}
