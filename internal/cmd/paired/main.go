// Command paired prints, for benchmark output from several processes run one after another (make
// bench-fidelity's), the ratio of each implementation to a baseline measured in the same process,
// summarised over the processes: their median with a distribution-free 95% confidence interval, the
// geometric mean, the range, and a Wilcoxon signed-rank test of "the ratio is 1".
//
//	go run ./internal/cmd/paired [-key impl] [-base net-http] [-units sec/op,calls/s] file...
//
// benchstat compares every run of one implementation with every run of the other, so a machine that
// slows down during the run widens both and hides a small difference; a process measures all its
// implementations within a minute of each other, so their ratio cancels most of that drift. A process
// starts at each "goos:" line that go test prints before its benchmarks. Within a process, the rounds
// of one implementation (the /round= key) are averaged; sub-benchmarks that differ only in the key
// (default /impl=) and /round= are paired.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the command with its arguments and outputs, returning the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("paired", flag.ContinueOnError)
	fs.SetOutput(stderr)
	key := fs.String("key", "impl", "the sub-benchmark key whose values are compared")
	base := fs.String("base", "net-http", "the value of -key that the others are divided by")
	units := fs.String("units", "", "comma-separated units to compare, e.g. sec/op,calls/s (default: every unit both have)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: paired [-key impl] [-base net-http] [-units u1,u2] file...")
		fmt.Fprintln(stderr, "Prints each implementation's ratio to the baseline, paired within each process of the benchmark output.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	var procs []process
	for _, name := range fs.Args() {
		data, err := os.ReadFile(name)
		if err != nil {
			fmt.Fprintf(stderr, "paired: %v\n", err)
			return 1
		}
		p, err := readProcesses(data, name, *key)
		if err != nil {
			fmt.Fprintf(stderr, "paired: %v\n", err)
			return 1
		}
		procs = append(procs, p...)
	}
	var want []string
	if *units != "" {
		want = strings.Split(*units, ",")
	}
	rows := compare(procs, *base, want)
	if len(rows) == 0 {
		fmt.Fprintf(stderr, "paired: no sub-benchmark has both /%s=%s and another /%s= value in one process; check -key and -base\n",
			*key, *base, *key)
		return 1
	}
	if err := printRows(stdout, rows, *key, *base); err != nil {
		fmt.Fprintf(stderr, "paired: %v\n", err)
		return 1
	}
	return 0
}
