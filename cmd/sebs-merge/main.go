// Command sebs-merge merges the results folders of several benchmark runs, typically the shards of one
// make bench spread over machines (make bench SHARD=k/n RESULTS=out/shard-k), into one folder:
//
//	sebs-merge [-no-report] <merged dir> <results dir>...
//
// It writes <merged dir>/experiments.json (every invocation, upstream's ExperimentResult), perf-cost/result.csv
// (every row), samples.jsonl (every sample, in the order the folders are given) and report.svg (package plot,
// as sebs-plot draws it), and prints the counts. The merged folder must be new: nothing is overwritten.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/gosebs/sebs/plot"
	"github.com/gosebs/sebs/sebstest/bench"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the command with its arguments and outputs, returning the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sebs-merge", flag.ContinueOnError)
	fs.SetOutput(stderr)
	noReport := fs.Bool("no-report", false, "do not draw report.svg")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: sebs-merge [-no-report] <merged dir> <results dir>...")
		fmt.Fprintln(stderr, "Merges the results folders of benchmark runs (e.g. shards) into a new folder.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() < 2 {
		fs.Usage()
		return 2
	}
	out, srcs := fs.Arg(0), fs.Args()[1:]
	if err := bench.Merge(out, srcs...); err != nil {
		fmt.Fprintln(stderr, "sebs-merge:", err)
		return 1
	}
	c, err := count(out)
	if err != nil {
		fmt.Fprintln(stderr, "sebs-merge: read back the merged files:", err)
		return 1
	}
	fmt.Fprintf(stdout, "merged %d folders into %s: %d invocations of %d functions in experiments.json, %d rows in perf-cost/result.csv, %d samples\n",
		len(srcs), out, c.invocations, c.functions, c.rows, c.samples)
	if *noReport {
		return 0
	}
	path, err := plot.WriteReport(out, "", plot.Filter{})
	if err != nil {
		fmt.Fprintln(stderr, "sebs-merge: the files are merged, but the report is not:", err)
		return 1
	}
	fmt.Fprintln(stdout, "wrote", path)
	return 0
}

// counts is what a merged folder holds.
type counts struct{ invocations, functions, rows, samples int }

// count reads the merged files back.
func count(dir string) (counts, error) {
	res, err := bench.ReadResults(dir)
	if err != nil {
		return counts{}, err
	}
	c := counts{rows: len(res.Rows), samples: len(res.Samples)}
	if res.Experiments != nil {
		for _, calls := range res.Experiments.Invocations {
			c.functions++
			c.invocations += len(calls)
		}
	}
	return c, nil
}
