// Package gate decides whether a benchmark run regressed against a base run: for each benchmark and
// each metric that matters, it compares the two samples with the Mann-Whitney U-test (as benchstat does)
// and calls it a regression when the change is significant and the median got worse by more than a
// threshold. Every metric it gates on is one where lower is better.
package gate

import (
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strings"

	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchmath"
	"golang.org/x/perf/benchunit"
)

// DefaultUnits are the metrics gated on by default: wall time per iteration, and the client, HTTP
// startup, first-byte, server and cold-start times the benchmark helpers report.
var DefaultUnits = []string{
	"sec/op", "client-ns/op", "http-startup-ns/op", "first-byte-ns/op", "server-ns/op",
	"p95-client-ns", "coldstart-ns/op", "allocs/op",
}

// Config says what counts as a regression.
type Config struct {
	// Units lists the metrics to gate on, as benchmarks print them ("client-ns/op").
	Units []string
	// Threshold is the relative slowdown of the median that fails the gate, e.g. 0.10 for 10%.
	Threshold float64
	// Alpha is the significance level of the U-test, e.g. 0.05.
	Alpha float64
}

// Verdict is the comparison of one benchmark's metric between base and head.
type Verdict struct {
	Benchmark string
	Unit      string  // as tidied by benchunit ("client-sec/op")
	Base      float64 // median of the base sample
	Head      float64 // median of the head sample
	Delta     float64 // (Head-Base)/Base
	P         float64 // U-test p-value
	N1, N2    int     // sample sizes
	Regressed bool    // significant, and worse by more than the threshold
}

// String renders a verdict as one line of the gate's report.
func (v Verdict) String() string {
	mark := "ok"
	if v.Regressed {
		mark = "REGRESSED"
	} else if v.P >= 0 && v.Delta > 0 {
		mark = "ok (within threshold or not significant)"
	}
	return fmt.Sprintf("%-60s %-22s base %-12.4g head %-12.4g %+7.2f%%  p=%.3f n=%d+%d  %s",
		v.Benchmark, v.Unit, v.Base, v.Head, 100*v.Delta, v.P, v.N1, v.N2, mark)
}

var procsSuffix = regexp.MustCompile(`-\d+$`)

// samples reads benchmark results and groups their values by benchmark name (without the -GOMAXPROCS
// suffix) and tidied unit.
func samples(r io.Reader, name string, units map[string]bool) (map[[2]string][]float64, error) {
	out := map[[2]string][]float64{}
	br := benchfmt.NewReader(r, name)
	for br.Scan() {
		res, ok := br.Result().(*benchfmt.Result)
		if !ok {
			continue // a config line or a syntax error, which Err reports at the end if fatal
		}
		bench := procsSuffix.ReplaceAllString(string(res.Name.Full()), "")
		for _, v := range res.Values {
			if !units[v.Unit] {
				continue
			}
			k := [2]string{bench, v.Unit}
			out[k] = append(out[k], v.Value)
		}
	}
	if err := br.Err(); err != nil {
		return nil, fmt.Errorf("read benchmark results from %s: %w", name, err)
	}
	return out, nil
}

// Compare reads a base and a head run (Go benchmark format) and returns a verdict for every benchmark
// and gated metric found in both, sorted by benchmark and unit.
func Compare(base, head io.Reader, cfg Config) ([]Verdict, error) {
	if cfg.Threshold < 0 || cfg.Alpha <= 0 || cfg.Alpha >= 1 {
		return nil, fmt.Errorf("gate: threshold %v must be ≥ 0 and alpha %v in (0,1)", cfg.Threshold, cfg.Alpha)
	}
	units := map[string]bool{}
	for _, u := range cfg.Units {
		_, tidy := benchunit.Tidy(1, strings.TrimSpace(u))
		units[tidy] = true
	}
	b, err := samples(base, "base", units)
	if err != nil {
		return nil, err
	}
	h, err := samples(head, "head", units)
	if err != nil {
		return nil, err
	}
	keys := make([][2]string, 0, len(h))
	for k := range h {
		if _, ok := b[k]; ok {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		return keys[i][0] < keys[j][0] || keys[i][0] == keys[j][0] && keys[i][1] < keys[j][1]
	})
	verdicts := make([]Verdict, 0, len(keys))
	for _, k := range keys {
		s1 := benchmath.NewSample(slices.Clone(b[k]), &benchmath.DefaultThresholds)
		s2 := benchmath.NewSample(slices.Clone(h[k]), &benchmath.DefaultThresholds)
		cmp := benchmath.AssumeNothing.Compare(s1, s2)
		m1 := benchmath.AssumeNothing.Summary(s1, 0.95).Center
		m2 := benchmath.AssumeNothing.Summary(s2, 0.95).Center
		v := Verdict{Benchmark: k[0], Unit: k[1], Base: m1, Head: m2, P: cmp.P, N1: cmp.N1, N2: cmp.N2}
		if m1 != 0 {
			v.Delta = (m2 - m1) / m1
		}
		v.Regressed = cmp.P < cfg.Alpha && v.Delta > cfg.Threshold
		verdicts = append(verdicts, v)
	}
	return verdicts, nil
}
