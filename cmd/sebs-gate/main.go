// Command sebs-gate fails when a benchmark run regressed against a base run.
//
// Usage:
//
//	sebs-gate [-threshold 0.10] [-alpha 0.05] [-units sec/op,client-ns/op,...] base.txt head.txt
//
// Both files hold Go benchmark output with several results per benchmark (-count 10 or more, base and
// head interleaved). For every benchmark and metric in both, it prints the medians, the relative change
// and the Mann-Whitney U-test's p-value, and exits 1 when any metric is significantly worse (p < alpha)
// by more than the threshold; exit 2 is a usage or input error. `make gate` runs the whole procedure.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/gosebs/sebs/internal/gate"
)

func main() {
	threshold := flag.Float64("threshold", 0.10, "relative slowdown of a median that fails the gate")
	alpha := flag.Float64("alpha", 0.05, "significance level of the U-test")
	units := flag.String("units", strings.Join(gate.DefaultUnits, ","), "comma-separated metrics to gate on (lower is better)")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: sebs-gate [flags] base.txt head.txt")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 2 {
		flag.Usage()
		os.Exit(2)
	}
	base, err := os.Open(flag.Arg(0))
	if err != nil {
		fail(err)
	}
	defer base.Close()
	head, err := os.Open(flag.Arg(1))
	if err != nil {
		fail(err)
	}
	defer head.Close()
	verdicts, err := gate.Compare(base, head, gate.Config{Units: strings.Split(*units, ","), Threshold: *threshold, Alpha: *alpha})
	if err != nil {
		fail(err)
	}
	if len(verdicts) == 0 {
		fail(fmt.Errorf("no benchmark metric is in both %s and %s: nothing to compare", flag.Arg(0), flag.Arg(1)))
	}
	regressed := 0
	for _, v := range verdicts {
		fmt.Println(v)
		if v.Regressed {
			regressed++
		}
	}
	if regressed > 0 {
		fmt.Printf("sebs-gate: %d metric(s) regressed by more than %.0f%% (p < %.2f)\n", regressed, 100**threshold, *alpha)
		os.Exit(1)
	}
	fmt.Printf("sebs-gate: no significant regression above %.0f%% in %d metric(s)\n", 100**threshold, len(verdicts))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "sebs-gate:", err)
	os.Exit(2)
}
