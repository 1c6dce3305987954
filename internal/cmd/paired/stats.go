package main

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"text/tabwriter"
)

// A row is one value's ratio to the baseline (an implementation's, by default) in one unit of one
// sub-benchmark, over the processes that measured both.
type row struct {
	group, value, unit string
	ratios             []float64 // one per process, sorted
	median             float64
	lo, hi, conf       float64 // the confidence interval of the median and its confidence; NaN when too few
	geomean            float64
	p                  float64 // Wilcoxon signed-rank, two-sided, of log ratio 0
}

// compare pairs every value of the key (every implementation) with base, process by process, in the
// given units (every unit both have when units is empty), and returns the rows sorted by sub-benchmark,
// value and unit. A process's ratio is its blocks' median: its blocks share the process, the container and
// that minute of the machine, so they are not independent, and the statistics are over the processes.
func compare(procs []process, base string, units []string) []row {
	type rowKey struct{ group, value, unit string }
	ratios := map[rowKey][]float64{}
	for _, p := range procs {
		inProc := map[rowKey][]float64{}
		for _, blk := range p {
			for c, vals := range blk {
				if c.value == base {
					continue
				}
				baseVals := blk[cell{c.group, base}]
				for unit, m := range vals {
					b := baseVals[unit]
					if b == nil || (len(units) > 0 && !slices.Contains(units, unit)) {
						continue
					}
					// A ratio is only defined for positive values (its log is taken); others are left out.
					if r := m.value() / b.value(); r > 0 && !math.IsInf(r, 0) && !math.IsNaN(r) {
						k := rowKey{c.group, c.value, unit}
						inProc[k] = append(inProc[k], r)
					}
				}
			}
		}
		for k, rs := range inProc {
			slices.Sort(rs)
			ratios[k] = append(ratios[k], median(rs))
		}
	}
	rows := make([]row, 0, len(ratios))
	for k, rs := range ratios {
		rows = append(rows, summarise(k.group, k.value, k.unit, rs))
	}
	slices.SortFunc(rows, func(a, b row) int {
		return cmp.Or(cmp.Compare(a.group, b.group), cmp.Compare(a.value, b.value), cmp.Compare(a.unit, b.unit))
	})
	return rows
}

// summarise computes a row's statistics from its ratios.
func summarise(group, value, unit string, ratios []float64) row {
	rs := slices.Clone(ratios)
	slices.Sort(rs)
	r := row{group: group, value: value, unit: unit, ratios: rs, median: median(rs), p: signedRankP(rs)}
	r.lo, r.hi, r.conf = medianCI(rs, 0.95)
	var logSum float64
	for _, x := range rs {
		logSum += math.Log(x)
	}
	r.geomean = math.Exp(logSum / float64(len(rs)))
	return r
}

// median returns the median of sorted xs.
func median(xs []float64) float64 {
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}

// medianCI returns a distribution-free confidence interval for the median of sorted xs, from their
// order statistics (the sign test's interval): the innermost pair x(k), x(n+1-k) whose coverage,
// 1 - 2·P(Binomial(n, ½) < k), is still at least level, and that coverage. With too few values for level
// it returns NaNs.
func medianCI(xs []float64, level float64) (lo, hi, conf float64) {
	n := len(xs)
	lo, hi, conf = math.NaN(), math.NaN(), math.NaN()
	cdf := 0.0                       // P(B ≤ k-1)
	logPMF := -float64(n) * math.Ln2 // log P(B = k-1), starting at k = 1; in logs, as 2^-n underflows past n = 1074
	for k := 1; 2*k <= n+1; k++ {
		cdf += math.Exp(logPMF)
		if c := 1 - 2*cdf; c >= level {
			lo, hi, conf = xs[k-1], xs[n-k], c
		} else {
			break
		}
		logPMF += math.Log(float64(n-k+1) / float64(k))
	}
	return lo, hi, conf
}

// signedRankP is the two-sided p-value of the Wilcoxon signed-rank test that the logs of ratios are
// centred on 0, computed exactly (ties get their average rank; ratios of exactly 1 are left out). It is 1
// when no ratio differs from 1.
func signedRankP(ratios []float64) float64 {
	var d []float64
	for _, r := range ratios {
		if l := math.Log(r); l != 0 {
			d = append(d, l)
		}
	}
	n := len(d)
	if n == 0 {
		return 1
	}
	slices.SortFunc(d, func(a, b float64) int { return cmp.Compare(math.Abs(a), math.Abs(b)) })
	// Doubled ranks, so that the average rank of a tie is an integer.
	ranks := make([]int, n)
	for i := 0; i < n; {
		j := i
		for j+1 < n && math.Abs(d[j+1]) == math.Abs(d[i]) {
			j++
		}
		for k := i; k <= j; k++ {
			ranks[k] = i + j + 2
		}
		i = j + 1
	}
	w, total := 0, 0
	for i, x := range d {
		total += ranks[i]
		if x > 0 {
			w += ranks[i]
		}
	}
	// The null distribution of the positive rank sum: each rank's sign is a fair coin.
	dist := make([]float64, total+1)
	dist[0] = 1
	top := 0
	for _, rk := range ranks {
		top += rk
		for s := top; s >= 0; s-- {
			v := dist[s] / 2
			if s >= rk {
				v += dist[s-rk] / 2
			}
			dist[s] = v
		}
	}
	var below, above float64
	for s, pr := range dist {
		if s <= w {
			below += pr
		}
		if s >= w {
			above += pr
		}
	}
	return min(1, 2*min(below, above))
}

// printRows writes the rows as a table.
func printRows(w io.Writer, rows []row, key, base string) error {
	fmt.Fprintf(w, "ratio of each /%s= to /%s=%s, paired within each process (within each block of it, then the blocks' median; n: processes that measured both)\n", key, key, base)
	fmt.Fprintln(w, "CI: the sign test's distribution-free interval for the median, at the coverage shown (at least 95%); "+
		"p: Wilcoxon signed-rank test of ratio 1, which can fall below 0.05 while the CI holds 1")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "benchmark\t%s\tunit\tn\tmedian\tCI\tgeomean\trange\tp\n", key)
	for _, r := range rows {
		ci := "(too few)"
		if !math.IsNaN(r.lo) {
			ci = fmt.Sprintf("[%.3f, %.3f] (%.0f%%)", r.lo, r.hi, math.Floor(100*r.conf))
		}
		p := fmt.Sprintf("%.3f", r.p)
		if r.p < 0.001 {
			p = "<0.001"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%.3f\t%s\t%.3f\t%.3f–%.3f\t%s\n", r.group, r.value, r.unit,
			len(r.ratios), r.median, ci, r.geomean, r.ratios[0], r.ratios[len(r.ratios)-1], p)
	}
	return tw.Flush()
}
