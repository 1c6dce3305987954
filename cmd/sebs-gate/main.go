// Command sebs-gate compares the benchmarks of two versions of a Go module and fails on a significant
// regression.
//
// Run from a module's root, it benchmarks a base revision against the working tree on this machine:
//
//	go run github.com/gosebs/sebs/cmd/sebs-gate@latest -base origin/main ./bench
//	go tool sebs-gate -base origin/main ./bench -- -sebs.modes=sequential   # after go get -tool github.com/gosebs/sebs/cmd/sebs-gate
//
// It checks the base out in a temporary git work tree, builds both test binaries with `go test -c`, runs
// them in -count interleaved rounds (default 10; the order alternates, so drift on a busy machine hits both
// alike), writes base.txt and head.txt (-o), prints a benchstat comparison (the module's `go tool benchstat`
// if it has one) and one verdict per gated metric. Flags after "--" go to both test binaries.
//
// Given two files of benchmark output instead (`sebs-gate compare base.txt head.txt`, or any two .txt
// files), it only compares them, for CI scripts that run the benchmarks themselves.
//
// A metric regresses when the Mann-Whitney U-test's p is below -alpha (0.05) and the median got worse by
// more than -threshold (10%). The gated metrics (-units) are sec/op, the per-call client-ns/call,
// http-startup-ns/call, first-byte-ns/call and server-ns/call, p95-client-ns, coldstart-ns/start and
// allocs/op; benchstat shows them tidied ("client-sec/call"), and either form may be passed. Exit status:
// 0 no significant regression, 1 a gated metric regressed, 2 a usage or run error (`go tool sebs-gate`
// and a built binary pass it on; `go run` turns every failure into 1). An interrupt (Ctrl-C) stops the
// benchmarks and removes the work tree.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/gosebs/sebs/internal/gate"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is the whole command; it returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	inv, err := parseArgs(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "sebs-gate:", err)
		return 2
	}
	if inv.compareFiles() {
		vs, err := gate.CompareFiles(inv.baseFile, inv.headFile, inv.run.Gate)
		if err != nil {
			fmt.Fprintln(stderr, "sebs-gate:", err)
			return 2
		}
		return verdicts(stdout, vs, inv.run.Gate)
	}
	o := inv.run
	o.Progress = stderr
	rep, err := gate.Run(ctx, o)
	if err != nil {
		fmt.Fprintln(stderr, "sebs-gate:", err)
		return 2
	}
	fmt.Fprintf(stderr, "sebs-gate: results in %s and %s\n", rep.BaseFile, rep.HeadFile)
	if err := gate.PrintComparison(ctx, stdout, o.Dir, rep.BaseFile, rep.HeadFile); err != nil {
		fmt.Fprintln(stderr, "sebs-gate:", err)
	}
	fmt.Fprintln(stdout)
	return verdicts(stdout, rep.Verdicts, o.Gate)
}

// verdicts prints one line per gated metric and a summary, and returns 1 if any regressed.
func verdicts(w io.Writer, vs []gate.Verdict, cfg gate.Config) int {
	fmt.Fprintf(w, "sebs-gate: gated metrics (a regression: p < %.2f and slower by more than %.0f%%)\n", cfg.Alpha, 100*cfg.Threshold)
	regressed := 0
	for _, v := range vs {
		fmt.Fprintln(w, v)
		if v.Regressed {
			regressed++
		}
	}
	if regressed > 0 {
		fmt.Fprintf(w, "sebs-gate: %d metric(s) regressed by more than %.0f%% (p < %.2f)\n", regressed, 100*cfg.Threshold, cfg.Alpha)
		return 1
	}
	fmt.Fprintf(w, "sebs-gate: no significant regression above %.0f%% in %d metric(s)\n", 100*cfg.Threshold, len(vs))
	return 0
}
