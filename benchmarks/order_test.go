package benchmarks

import (
	"flag"
	"fmt"
	"slices"
	"testing"
)

// rotateFlag turns the order in which the overhead and load benchmarks run their implementations.
var rotateFlag = flag.Int("sebs.rotate", 0, "rotate the order of BenchmarkHarnessOverhead's and BenchmarkLoadOverhead's "+
	"implementations by N places (make bench-fidelity passes each process's number, so that every implementation "+
	"runs in every place equally often)")

// blocksFlag splits BenchmarkHarnessOverhead and BenchmarkLoadOverhead into interleaved blocks.
var blocksFlag = flag.Int("sebs.blocks", 1, "run BenchmarkHarnessOverhead and BenchmarkLoadOverhead in N blocks, named "+
	"/block=k/, each an ABBA of the implementations (the overhead's: of every path and connection mode) turned one place "+
	"further, for ratios paired within each block (for the overhead use a fixed -test.benchtime count such as 400x; "+
	"make bench-fidelity does)")

// blockCount returns -sebs.blocks, failing b when it is below 1.
func blockCount(b *testing.B) int {
	if *blocksFlag < 1 {
		b.Fatalf("-sebs.blocks %d: give 1 or more blocks", *blocksFlag)
	}
	return *blocksFlag
}

// blockName is the name of a sub-benchmark of a benchmark run in blocks: its other elements (level), then
// its block, its implementation and its round. The block is named only when there are several, so that a
// run without -sebs.blocks keeps the names it always had.
func blockName(level string, block, blocks int, impl string, round int) string {
	if blocks > 1 {
		return fmt.Sprintf("%s/block=%d/impl=%s/round=%d", level, block, impl, round)
	}
	return fmt.Sprintf("%s/impl=%s/round=%d", level, impl, round)
}

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
