package main

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gosebs/sebs/sebstest"
	"github.com/gosebs/sebs/sebstest/bench"
)

// shardArgs is a small Go-only suite for the shard test: 4 units (sleep and dynamic-html, warm and
// sequential) which the 3 shards split 1 (sleep/sequential), 2 (dynamic-html) and 1 (sleep/warm), so that
// sleep's container serves its cold first call in a different mode in a shard than in the whole run.
var shardArgs = []string{"-test.run", "^$", "-test.bench", "^Benchmark(Sleep|DynamicHTML)$", "-test.benchtime", "3x",
	"-sebs.sizes=test", "-sebs.modes=warm,sequential", "-sebs.python=false", "-sebs.nodejs=false", "-sebs.lambda=false", "-sebs.memory=0", "-sebs.concurrency=2"}

// TestShardsMergedEqualOneRun runs the suite once whole and once as 3 shards (three processes, as three
// machines would), merges the shards with sebs-merge, and compares the merged files' counts with the
// whole run's: invocations per function in experiments.json, rows per type in result.csv, samples per
// function, mode and coldness in samples.jsonl.
func TestShardsMergedEqualOneRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the benchmark suite four times")
	}
	sebstest.RequireDocker(t)
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "benchmarks.test")
	build := exec.Command(goCommand(), "test", "-c", "-o", bin, "./benchmarks/")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the benchmarks: %v\n%s", err, out)
	}
	runSuite := func(name string, extra ...string) string {
		dir := filepath.Join(tmp, name)
		cmd := exec.Command(bin, append(slices.Clone(shardArgs), extra...)...)
		cmd.Dir = filepath.Join(root, "benchmarks")
		cmd.Env = append(os.Environ(), "SEBS_RESULTS_DIR="+dir)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("benchmark run %s: %v\n%s", name, err, out)
		}
		t.Logf("%s:\n%s", name, benchLines(out))
		return dir
	}
	whole := runSuite("whole")
	var shards []string
	for k := 1; k <= 3; k++ {
		shards = append(shards, runSuite(fmt.Sprintf("shard%d", k), fmt.Sprintf("-sebs.shard=%d/3", k)))
	}
	merged := filepath.Join(tmp, "merged")
	var stdout, stderr bytes.Buffer
	if code := run(append([]string{merged}, shards...), &stdout, &stderr); code != 0 {
		t.Fatalf("sebs-merge exit %d: %s", code, stderr.String())
	}
	t.Log(stdout.String())
	if _, err := os.Stat(filepath.Join(merged, "report.svg")); err != nil {
		t.Error(err)
	}

	want, got := tally(t, whole), tally(t, merged)
	for _, key := range slices.Sorted(maps.Keys(want)) {
		if got[key] != want[key] {
			t.Errorf("%s: %d merged, %d in the whole run", key, got[key], want[key])
		}
	}
	if len(got) != len(want) {
		t.Errorf("merged keys %v, whole-run keys %v", slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)))
	}
	units := map[string]int{} // benchmark/mode → number of shards that ran it
	for _, dir := range shards {
		ran := map[string]bool{}
		res, err := bench.ReadResults(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range res.Samples {
			ran[s.Benchmark+"/"+s.Mode] = true
		}
		if len(ran) == 0 {
			t.Errorf("shard %s ran nothing", dir)
		}
		for u := range ran {
			units[u]++
		}
	}
	if len(units) != 4 || slices.ContainsFunc(slices.Collect(maps.Values(units)), func(n int) bool { return n != 1 }) {
		t.Errorf("units per shard count %v: want each of the 4 units in exactly one shard", units)
	}
}

// tally counts what a results folder holds, by key: "exp <function>" invocations, "csv <type> cold=<b>"
// rows, "samples <function> <mode> cold=<b>" samples.
func tally(t *testing.T, dir string) map[string]int {
	t.Helper()
	res, err := bench.ReadResults(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, s := range res.Samples {
		out[fmt.Sprintf("samples %s %s cold=%t", s.Function, s.Mode, s.IsCold)]++
	}
	if res.Experiments == nil {
		t.Fatalf("%s has no experiments.json", dir)
	}
	for fn, calls := range res.Experiments.Invocations {
		out["exp "+fn] = len(calls)
	}
	for _, r := range res.Rows {
		out[fmt.Sprintf("csv %s cold=%t", r.Type, r.IsCold)]++
	}
	return out
}

// benchLines keeps the benchmark result lines of a run's output.
func benchLines(out []byte) string {
	var b strings.Builder
	for line := range strings.SplitSeq(string(out), "\n") {
		if strings.HasPrefix(line, "Benchmark") {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

// goCommand is the go command to build with: $GO (as the Makefile passes it) or go.
func goCommand() string {
	if g := os.Getenv("GO"); g != "" {
		return g
	}
	return "go"
}
