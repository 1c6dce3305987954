package plot

import (
	"math"
	"slices"
	"strings"
)

// A sample's measurement is the "measurement" object its handler returned (issue 14): upstream's benchmarks
// time their own steps in microseconds under keys ending in "_time" (download_time, compute_time,
// upload_time for the storage benchmarks; graph_generating_time for the graph ones) and give the bytes moved
// under keys ending in "_size" (download_size, upload_size). A step with both a time and a size is a transfer,
// whose throughput per call is size / time.
const (
	timeSuffix = "_time"
	sizeSuffix = "_size"
)

// stepOrder is the order of a storage call's steps; other steps follow, sorted.
var stepOrder = []string{"download", "compute", "upload"}

// measured returns the samples whose measurement holds at least one time.
func measured(samples []Sample) []Sample {
	var out []Sample
	for _, s := range samples {
		for k := range s.Measurement {
			if strings.HasSuffix(k, timeSuffix) {
				out = append(out, s)
				break
			}
		}
	}
	return out
}

// timedSteps returns the steps the samples' measurements time ("download" for download_time), in stepOrder.
func timedSteps(samples []Sample) []string {
	set := map[string]bool{}
	for _, s := range samples {
		for k := range s.Measurement {
			if step, ok := strings.CutSuffix(k, timeSuffix); ok {
				set[step] = true
			}
		}
	}
	return ordered(set, stepOrder)
}

// transfers returns the timed steps that also have a size in some sample: those with a throughput.
func transfers(samples []Sample) []string {
	var out []string
	for _, step := range timedSteps(samples) {
		for _, s := range samples {
			if _, ok := s.Measurement[step+sizeSuffix]; ok {
				out = append(out, step)
				break
			}
		}
	}
	return out
}

// stepMS returns the times of a step in the samples that measured it, in ms, sorted.
func stepMS(samples []Sample, step string) []float64 {
	var ms []float64
	for _, s := range samples {
		if us, ok := s.Measurement[step+timeSuffix]; ok {
			ms = append(ms, us/1e3)
		}
	}
	slices.Sort(ms)
	return ms
}

// stepBytes returns the sizes of a step in the samples that measured it, in bytes, sorted.
func stepBytes(samples []Sample, step string) []float64 {
	var b []float64
	for _, s := range samples {
		if size, ok := s.Measurement[step+sizeSuffix]; ok {
			b = append(b, size)
		}
	}
	slices.Sort(b)
	return b
}

// throughputMBps returns the throughput of a step per call, size over time, in MB/s (10⁶ bytes per second,
// which is bytes per µs), sorted. Calls without both figures, or with a time of 0, are left out.
func throughputMBps(samples []Sample, step string) []float64 {
	var out []float64
	for _, s := range samples {
		us, okT := s.Measurement[step+timeSuffix]
		size, okS := s.Measurement[step+sizeSuffix]
		if okT && okS && us > 0 {
			out = append(out, size/us)
		}
	}
	slices.Sort(out)
	return out
}

// spread is the median and 95th percentile of some values, by nearest rank (as the benchmarks' p50 and p95
// metrics); n is how many values there were.
type spread struct {
	n           int
	median, p95 float64
}

// spreadOf returns the spread of sorted values; n = 0 and NaN figures when there are none.
func spreadOf(sorted []float64) spread {
	return spread{n: len(sorted), median: nearestRank(sorted, 50), p95: nearestRank(sorted, 95)}
}

// nearestRank returns the p-th percentile of sorted: the value at 1-based rank ceil(p/100 × n); NaN when
// sorted is empty.
func nearestRank(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}
