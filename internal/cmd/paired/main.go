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
// of one implementation (the /round= key) are averaged, and so are the runs of go test -count N (which
// all print in one process: run processes, not counts); sub-benchmarks that differ only in the key
// (default /impl=) and /round= are paired. Results named with a /block= element (BenchmarkHarnessOverhead's
// -sebs.blocks) are paired within their block, and the process's ratio is its blocks' median: a less noisy
// figure per process, while the statistics stay over the processes, which are independent. Units are
// benchfmt's: ns/op reads as sec/op, cpu-ns/call as cpu-sec/call. Ratios are of positive values only; a
// malformed benchmark line is left out with a warning.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
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
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
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
		p, warnings, err := readProcesses(data, name, *key)
		for _, w := range warnings {
			fmt.Fprintf(stderr, "paired: warning: %s\n", w)
		}
		if err != nil {
			fmt.Fprintf(stderr, "paired: %v\n", err)
			return 1
		}
		procs = append(procs, p...)
	}
	var want []string
	for u := range strings.SplitSeq(*units, ",") {
		if u = strings.TrimSpace(u); u != "" {
			want = append(want, u)
		}
	}
	seen := unitsSeen(procs)
	for _, u := range want {
		if !seen[u] {
			fmt.Fprintf(stderr, "paired: warning: no result has the unit %q (units are benchfmt's: ns/op reads as sec/op)\n", u)
		}
	}
	rows := compare(procs, *base, want)
	if len(rows) == 0 {
		fmt.Fprintf(stderr, "paired: nothing to compare: %s\n", whyNoRows(procs, seen, *key, *base, want))
		return 1
	}
	if err := printRows(stdout, rows, *key, *base); err != nil {
		fmt.Fprintf(stderr, "paired: %v\n", err)
		return 1
	}
	return 0
}

// unitsSeen returns every unit the processes' results have.
func unitsSeen(procs []process) map[string]bool {
	seen := map[string]bool{}
	for _, p := range procs {
		for _, units := range allCells(p) {
			for u := range units {
				seen[u] = true
			}
		}
	}
	return seen
}

// whyNoRows says why compare found nothing to pair, and what to check; seen is unitsSeen(procs).
func whyNoRows(procs []process, seen map[string]bool, key, base string, units []string) string {
	if len(procs) == 0 {
		return fmt.Sprintf("no result has a /%s= element in its name (check the files, and -key)", key)
	}
	values := map[string]bool{}
	for _, p := range procs {
		for c := range allCells(p) {
			values[c.value] = true
		}
	}
	names := slices.Sorted(maps.Keys(values))
	if !values[base] {
		return fmt.Sprintf("no result has /%s=%s (values seen: %s; check -base)", key, base, strings.Join(names, ", "))
	}
	if len(names) == 1 {
		return fmt.Sprintf("every result has /%s=%s: there is nothing to divide by it (check -key)", key, base)
	}
	if len(units) > 0 {
		return fmt.Sprintf("no unit named in -units is in both /%s=%s and another value in one process (units seen: %s)",
			key, base, strings.Join(slices.Sorted(maps.Keys(seen)), ", "))
	}
	return fmt.Sprintf("/%s=%s and the other values never ran in one process, under the same sub-benchmark name", key, base)
}

// allCells returns every cell of a process's blocks, with its units (one block's, where blocks share a cell).
func allCells(p process) map[cell]map[string]*mean {
	all := map[cell]map[string]*mean{}
	for _, b := range p {
		maps.Copy(all, b)
	}
	return all
}
