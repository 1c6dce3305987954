package plot

import (
	"slices"
)

// group is the successful samples of one series (or variant, where a panel does not split by mode).
type group struct {
	label   string
	samples []Sample
}

// section is the samples of one benchmark: one section of the report.
type section struct {
	name      string
	ok        []Sample
	failed    int
	functions bool // the benchmark ran more than one function: labels name them
}

// benchmarkOf names a sample's benchmark, its function when the sample has no benchmark.
func benchmarkOf(s Sample) string {
	if s.Benchmark != "" {
		return s.Benchmark
	}
	return s.Function
}

// sections splits samples by benchmark, in name order, leaving failed invocations out (but counted).
func sections(samples []Sample) []section {
	var out []section
	for _, g := range groupBy(samples, benchmarkOf) {
		ok, failed := succeeded(g.samples)
		fns := map[string]bool{}
		for _, s := range ok {
			fns[s.Function] = true
		}
		out = append(out, section{name: g.label, ok: ok, failed: failed, functions: len(fns) > 1})
	}
	return out
}

// groupBy splits samples by label, in label order.
func groupBy(samples []Sample, label func(Sample) string) []group {
	byLabel := map[string][]Sample{}
	for _, s := range samples {
		byLabel[label(s)] = append(byLabel[label(s)], s)
	}
	labels := make([]string, 0, len(byLabel))
	for l := range byLabel {
		labels = append(labels, l)
	}
	slices.Sort(labels)
	groups := make([]group, len(labels))
	for i, l := range labels {
		groups[i] = group{label: l, samples: byLabel[l]}
	}
	return groups
}

// succeeded returns the samples that did not fail, and how many did.
func succeeded(samples []Sample) (ok []Sample, failed int) {
	for _, s := range samples {
		if s.Failed() {
			failed++
			continue
		}
		ok = append(ok, s)
	}
	return ok, failed
}

// clientMS returns the client times of samples in milliseconds, sorted.
func clientMS(samples []Sample) []float64 {
	ms := make([]float64, len(samples))
	for i, s := range samples {
		ms[i] = nsToMS(s.ClientNS)
	}
	slices.Sort(ms)
	return ms
}

func nsToMS(ns int64) float64 { return float64(ns) / 1e6 }

// wideSpread says whether values (all positive) are better shown on a log scale: the largest over 20 times
// the smallest.
func wideSpread(values []float64) bool {
	if len(values) == 0 {
		return false
	}
	return slices.Max(values) > 20*slices.Min(values)
}
