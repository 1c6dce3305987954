package bench

import (
	"math"
	"time"

	"github.com/gosebs/sebs"
)

// sample turns a call into the record Run keeps and Recorder writes.
func (bn *bencher) sample(o outcome, err error) sebs.Sample {
	s := sebs.Sample{
		Benchmark: bn.spec.Benchmark,
		Function:  o.fn.Name,
		Language:  bn.spec.Language,
		Mode:      string(bn.spec.Mode),
		Size:      bn.spec.Size,
	}
	if err != nil {
		s.Error = err.Error()
	}
	if o.cold != nil {
		st := *o.cold
		s.ColdStart = &st
	}
	res := o.res
	if res == nil {
		s.Begin = time.Now()
		return s
	}
	s.RequestID = res.RequestID
	s.IsCold = res.Stats.ColdStart
	s.Begin = res.Times.ClientBegin
	s.ClientNS = int64(res.Times.ClientDuration())
	s.HTTPStartupNS = int64(res.Times.HTTPStartupDuration())
	s.FirstByteNS = int64(res.Times.FirstByteDuration())
	s.ServerNS = int64(res.Times.BenchmarkDuration())
	s.Measurement = handlerMeasurement(res) // issue 14: the handler's own figures (storage times, sizes)
	if d := res.Detail; d != nil {
		s.ConnectionReused = d.ConnectionReused
		if d.HandlerNS > 0 {
			s.ServerNS = d.HandlerNS
		}
		for _, m := range d.MemorySamples {
			s.MemoryPeakBytes = max(s.MemoryPeakBytes, m.Bytes)
		}
	}
	if s.MemoryPeakBytes == 0 && res.Stats.MemoryUsed != nil {
		s.MemoryPeakBytes = uint64(*res.Stats.MemoryUsed * (1 << 20))
	}
	return s
}

// report computes the metrics from the calls' tally and reports them; see Run for their definitions.
func (bn *bencher) report() {
	t := &bn.tally
	bn.coldExcluded += t.coldExcluded
	peak := max(t.peak, bn.peakMemory())
	b := bn.b
	if t.n > 0 {
		fn := float64(t.n)
		b.ReportMetric(t.client/fn, "client-ns/call")
		b.ReportMetric(t.startup/fn, "http-startup-ns/call")
		b.ReportMetric(t.firstByte/fn, "first-byte-ns/call")
		if t.server > 0 { // functions that report no handler time (Lambda's have provider-exec-ns/call) get none
			b.ReportMetric(t.server/fn, "server-ns/call")
		}
		clients := t.sortedClients()
		b.ReportMetric(float64(nearestRank(clients, 50)), "p50-client-ns")
		b.ReportMetric(float64(nearestRank(clients, 95)), "p95-client-ns")
		b.ReportMetric(float64(nearestRank(clients, 99)), "p99-client-ns")
	} else if t.calls > 0 {
		bn.logf("bench: %s mode: all %d calls were cold, so no time metrics; run longer (-benchtime) or warm the function first",
			bn.spec.Mode, t.calls)
	}
	if bn.spec.Mode == ModeWarm {
		b.ReportMetric(float64(bn.coldExcluded), "cold-excluded")
	}
	if t.coldStarts > 0 {
		b.ReportMetric(t.coldStartSum/float64(t.coldStarts), "coldstart-ns/start")
	}
	if peak > 0 {
		b.ReportMetric(float64(peak), "peak-mem-B")
	}
	bn.provider.report(b)
}

// peakMemory is the largest memory sample any function took during the loop, 0 when none sampled.
func (bn *bencher) peakMemory() uint64 {
	var peak uint64
	for _, fn := range bn.fns {
		for _, m := range fn.MemorySamples() {
			if !m.Time.Before(bn.loopBegin) && !m.Time.After(bn.loopEnd) {
				peak = max(peak, m.Bytes)
			}
		}
	}
	return peak
}

// nearestRank returns the p-th percentile of sorted by the nearest-rank method: the element at 1-based
// rank ceil(p/100 × n). It returns 0 for an empty slice.
func nearestRank(sorted []int64, p float64) int64 {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}
