// Command sebs-plot draws the SVG report of a benchmark run from the samples.jsonl in its results directory
// (the directory SEBS_RESULTS_DIR named during the run).
//
// Usage:
//
//	sebs-plot [-o report.svg] [-benchmark b,...] [-lang l,...] [-size s,...] [-mode m,...] <results dir>
//
// It writes one SVG file, <results dir>/report.svg unless -o names another file (a PNG image when that
// name ends in .png). The report has one section per benchmark, one above the other; each shows the
// client-time CDF per language, size and mode, cold against warm client times per language and size, and
// the phases of the client time (connect, server, wait, read) as stacked bars; see package
// github.com/gosebs/sebs/plot. A benchmark whose calls returned a "measurement" with times (upstream's
// storage benchmarks: download_time, compute_time, upload_time) gets one more row: those times per call and
// the throughput of the downloads and uploads; sebs-plot also prints these figures as a table after the
// path it wrote. The filter flags, each a comma-separated list, keep only the samples of those benchmarks,
// languages, sizes or modes: for example "-benchmark sleep -o sleep.svg" draws the sleep benchmark alone.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/gosebs/sebs/plot"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the command with its arguments and outputs, returning the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sebs-plot", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "write the report to this file instead of <results dir>/report.svg (PNG when it ends in .png)")
	var keep plot.Filter
	fs.Func("benchmark", "keep only these benchmarks (comma-separated)", list(&keep.Benchmarks))
	fs.Func("lang", "keep only these languages (comma-separated, e.g. go,python)", list(&keep.Languages))
	fs.Func("size", "keep only these sizes (comma-separated, e.g. test,small)", list(&keep.Sizes))
	fs.Func("mode", "keep only these modes (comma-separated: warm, sequential, cold, burst)", list(&keep.Modes))
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: sebs-plot [-o report.svg] [-benchmark b,...] [-lang l,...] [-size s,...] [-mode m,...] <results dir>")
		fmt.Fprintln(stderr, "Draws the SVG report of a benchmark run from <results dir>/samples.jsonl: one section per benchmark.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	path := plot.ReportPath(fs.Arg(0), *out)
	samples, err := plot.Load(fs.Arg(0), keep)
	if err == nil {
		err = plot.Save(path, samples)
	}
	if err != nil {
		fmt.Fprintln(stderr, "sebs-plot:", err)
		return 1
	}
	fmt.Fprintln(stdout, "wrote", path)
	if err := plot.MeasurementTable(stdout, samples); err != nil {
		fmt.Fprintln(stderr, "sebs-plot:", err)
		return 1
	}
	return 0
}

// list is a flag that appends the comma-separated values it is given to *dst.
func list(dst *[]string) func(string) error {
	return func(v string) error {
		for _, item := range strings.Split(v, ",") {
			if item = strings.TrimSpace(item); item != "" {
				*dst = append(*dst, item)
			}
		}
		if len(*dst) == 0 {
			return fmt.Errorf("empty list")
		}
		return nil
	}
}
