package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/gosebs/sebs/internal/gate"
)

// invocation is a parsed command line: either a whole comparison of a package (Package set) or a
// comparison of two result files (BaseFile and HeadFile set).
type invocation struct {
	run                gate.Options
	baseFile, headFile string
}

// compareFiles reports whether the command line names two result files rather than a package.
func (inv invocation) compareFiles() bool { return inv.baseFile != "" }

const usage = `usage:
  sebs-gate [flags] PACKAGE [-- TEST-BINARY-FLAGS]
      benchmark the base revision (-base) and the working tree of PACKAGE, interleaved, and compare them
  sebs-gate [flags] compare BASE.txt HEAD.txt
  sebs-gate [flags] BASE.txt HEAD.txt
      compare two files of Go benchmark output

Run it from your module's root, e.g.
  go run github.com/gosebs/sebs/cmd/sebs-gate@latest -base origin/main ./bench -- -myflag=x
Exit status: 0 no significant regression, 1 a gated metric regressed, 2 a usage or run error.

flags:
`

// parseArgs parses the command line (without the program name). Flags may come before or after the
// package or file names; everything after "--" goes to the test binaries.
func parseArgs(args []string, stderr io.Writer) (invocation, error) {
	inv := invocation{run: gate.Options{Gate: gate.DefaultConfig()}}
	o := &inv.run
	fs := flag.NewFlagSet("sebs-gate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	fs.StringVar(&o.Base, "base", "HEAD", "git revision to compare the working tree against (branch, tag, origin/main, commit)")
	fs.StringVar(&o.Bench, "bench", ".", "regular expression of the benchmarks to run (-test.bench)")
	fs.IntVar(&o.Count, "count", 10, fmt.Sprintf("interleaved rounds, one run of each version a round (at least %d)", gate.MinCount))
	fs.StringVar(&o.Benchtime, "benchtime", "1s", "time or iterations per benchmark and run (-test.benchtime), e.g. 1s or 20x")
	fs.BoolVar(&o.Benchmem, "benchmem", false, "report allocations of every benchmark (-test.benchmem)")
	fs.StringVar(&o.OutDir, "o", "", "directory for base.txt and head.txt (default: a new temporary directory)")
	fs.Float64Var(&o.Gate.Threshold, "threshold", o.Gate.Threshold, "relative slowdown of a median that fails the gate")
	fs.Float64Var(&o.Gate.Alpha, "alpha", o.Gate.Alpha, "significance level of the Mann-Whitney U-test")
	units := fs.String("units", strings.Join(gate.DefaultUnits, ","), "comma-separated metrics to gate on, lower is better (ns and sec forms both match)")

	var names []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return inv, err
		}
		rest := fs.Args()
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			o.TestArgs = rest
			break
		}
		if len(rest) == 0 {
			break
		}
		names = append(names, rest[0])
		args = rest[1:]
	}
	o.Gate.Units = strings.Split(*units, ",")
	explicit := len(names) > 0 && names[0] == "compare"
	if explicit {
		names = names[1:]
		if len(names) != 2 {
			return inv, usageError(fs, "compare takes two result files, base and head, got %d", len(names))
		}
	}
	switch {
	case explicit || len(names) == 2 && strings.HasSuffix(names[0], ".txt") && strings.HasSuffix(names[1], ".txt"):
		inv.baseFile, inv.headFile = names[0], names[1]
		if len(o.TestArgs) > 0 {
			return inv, usageError(fs, "flags after -- are for test binaries, and comparing two files runs none")
		}
	case len(names) == 1:
		o.Package = names[0]
	case len(names) == 0:
		return inv, usageError(fs, "name the benchmark package (e.g. ./bench), or two result files to compare")
	default:
		return inv, usageError(fs, "one benchmark package at a time, or two .txt result files; got %q", names)
	}
	return inv, nil
}

// errUsage marks a command line that cannot run.
var errUsage = errors.New("usage")

func usageError(fs *flag.FlagSet, format string, args ...any) error {
	fs.Usage()
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, args...))
}
