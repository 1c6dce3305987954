// Package gate decides whether a benchmark run regressed against a base run: for each benchmark and
// each metric that matters, it compares the two samples with the Mann-Whitney U-test (as benchstat does)
// and calls it a regression when the change is significant and the median got worse by more than a
// threshold. Every metric it gates on is one where lower is better.
package gate

import (
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"

	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchmath"
	"golang.org/x/perf/benchunit"
)

// DefaultUnits are the metrics gated on by default (DESIGN.md, "Metric units"): wall time per iteration,
// the per-call client, HTTP startup, first-byte and server times and the 95th percentile of the client
// time that the benchmark helpers report, the mean cold start, and allocations per iteration. Units are
// matched after benchunit's tidying, so "client-ns/call" and "client-sec/call" name the same metric.
var DefaultUnits = []string{
	"sec/op", "client-ns/call", "http-startup-ns/call", "first-byte-ns/call", "server-ns/call",
	"p95-client-ns", "coldstart-ns/start", "allocs/op",
}

// TidyUnit is the name a unit has in benchstat's output and in a Verdict: benchunit's tidied form, which
// turns "ns" in the numerator into "sec" ("client-ns/call" becomes "client-sec/call", "ns/op" becomes
// "sec/op") and leaves other units alone.
func TidyUnit(unit string) string {
	_, tidy := benchunit.Tidy(1, strings.TrimSpace(unit))
	return tidy
}

// Config says what counts as a regression.
type Config struct {
	// Units lists the metrics to gate on, as benchmarks print them ("client-ns/call") or tidied
	// ("client-sec/call").
	Units []string
	// Threshold is the relative slowdown of the median that fails the gate, e.g. 0.10 for 10%.
	Threshold float64
	// Alpha is the significance level of the U-test, e.g. 0.05.
	Alpha float64
}

// DefaultConfig gates DefaultUnits, failing on a significant (p < 0.05) slowdown of more than 10%.
func DefaultConfig() Config {
	return Config{Units: slices.Clone(DefaultUnits), Threshold: 0.10, Alpha: 0.05}
}

func (c Config) validate() error {
	if c.Threshold < 0 || c.Alpha <= 0 || c.Alpha >= 1 {
		return fmt.Errorf("gate: threshold %v must be ≥ 0 and alpha %v in (0,1)", c.Threshold, c.Alpha)
	}
	if len(c.Units) == 0 {
		return fmt.Errorf("gate: no metric to gate on: pass -units, e.g. %s", strings.Join(DefaultUnits, ","))
	}
	return nil
}

// Verdict is the comparison of one benchmark's metric between base and head.
type Verdict struct {
	Benchmark string
	Unit      string  // as tidied by benchunit ("client-sec/call")
	Base      float64 // median of the base sample
	Head      float64 // median of the head sample
	Delta     float64 // (Head-Base)/Base
	P         float64 // U-test p-value
	N1, N2    int     // sample sizes
	// Significant is P < Alpha: the two samples differ beyond what chance explains.
	Significant bool
	// Regressed is Significant, and worse by more than the threshold: the gate fails.
	Regressed bool
}

// String renders a verdict as one line of the gate's report. The last column says what the change is:
// REGRESSED (fails the gate), "slower, within threshold", "faster", or "~" (not significant).
func (v Verdict) String() string {
	mark := "~"
	switch {
	case v.Regressed:
		mark = "REGRESSED"
	case v.Significant && v.Delta > 0:
		mark = "slower, within threshold"
	case v.Significant && v.Delta < 0:
		mark = "faster"
	}
	cls := benchunit.ClassOf(v.Unit)
	return fmt.Sprintf("%-50s %-22s base %-9s head %-9s %+7.2f%%  p=%.3f n=%d+%d  %s",
		v.Benchmark, v.Unit, benchunit.Scale(v.Base, cls), benchunit.Scale(v.Head, cls), 100*v.Delta, v.P, v.N1, v.N2, mark)
}

var procsSuffix = regexp.MustCompile(`-\d+$`)

// samples reads benchmark results and groups their values by benchmark name (without the -GOMAXPROCS
// suffix) and tidied unit, keeping only the given units (all of them when units is nil).
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
			if units != nil && !units[v.Unit] {
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

// CompareFiles is Compare on two files of benchmark output.
func CompareFiles(basePath, headPath string, cfg Config) ([]Verdict, error) {
	base, err := os.Open(basePath)
	if err != nil {
		return nil, fmt.Errorf("open the base results: %w", err)
	}
	defer base.Close()
	head, err := os.Open(headPath)
	if err != nil {
		return nil, fmt.Errorf("open the head results: %w", err)
	}
	defer head.Close()
	vs, err := Compare(base, head, cfg)
	if err == nil && len(vs) == 0 {
		err = fmt.Errorf("no gated metric (%s) of any benchmark is in both %s and %s: nothing to compare; "+
			"check that both ran the same benchmarks, or pass -units", strings.Join(cfg.Units, ","), basePath, headPath)
	}
	return vs, err
}

// Compare reads a base and a head run (Go benchmark format) and returns a verdict for every benchmark
// and gated metric found in both, sorted by benchmark and unit.
func Compare(base, head io.Reader, cfg Config) ([]Verdict, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	units := map[string]bool{}
	for _, u := range cfg.Units {
		units[TidyUnit(u)] = true
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
		v.Significant = cmp.P < cfg.Alpha
		v.Regressed = v.Significant && v.Delta > cfg.Threshold
		verdicts = append(verdicts, v)
	}
	return verdicts, nil
}
