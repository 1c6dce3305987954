package benchmarks

import (
	"flag"
	"slices"
)

// rotateFlag turns the order in which the overhead and load benchmarks run their implementations.
var rotateFlag = flag.Int("sebs.rotate", 0, "rotate the order of BenchmarkHarnessOverhead's and BenchmarkLoadOverhead's "+
	"implementations by N places (make bench-fidelity passes each process's number, so that every implementation "+
	"runs in every place equally often)")

// blocksFlag splits BenchmarkHarnessOverhead into short interleaved blocks.
var blocksFlag = flag.Int("sebs.blocks", 1, "run BenchmarkHarnessOverhead in N blocks, named /block=k/, each a short ABBA "+
	"of every path and connection mode turned one place further, for ratios paired within each block (use with a "+
	"fixed -test.benchtime count such as 400x; make bench-fidelity does)")

// loadBlocksFlag splits BenchmarkLoadOverhead into interleaved blocks.
var loadBlocksFlag = flag.Int("sebs.load-blocks", 1, "run BenchmarkLoadOverhead in N blocks, named /block=k/, each an ABBA "+
	"of its implementations turned one place further, for ratios paired within each block (make bench-fidelity does)")

// abba returns the order of one process's sub-benchmarks over impls: impls turned by rotate places, then the
// same backwards (A B C C B A). Within a process the mirror cancels a steady drift; across processes the turn
// gives each implementation each place equally often when the processes number a multiple of len(impls).
// Without the turn the first implementation always ran first and last, where a process is slowest (the first
// sub-benchmark after the warm-up grows the heap and the connection pool, the last one follows wrk's or the
// fresh connections' churn), and the overhead figures charged that to it (issue 16).
func abba(impls []string, rotate int) []string {
	n := len(impls)
	if n == 0 {
		return nil
	}
	k := ((rotate % n) + n) % n
	order := append(slices.Clone(impls[k:]), impls[:k]...)
	back := slices.Clone(order)
	slices.Reverse(back)
	return append(order, back...)
}
