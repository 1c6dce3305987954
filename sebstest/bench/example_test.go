package bench_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/fixtures"
	"github.com/gosebs/sebs/sebstest"
	"github.com/gosebs/sebs/sebstest/bench"
)

// benchmarkSleep is a benchmark as it would sit in a _test.go file, there named
// func BenchmarkSleep(b *testing.B): the sleep fixture in warm mode, two calls at a time, each output
// checked by the fixture's validator.
func benchmarkSleep(b *testing.B) {
	sleep, err := fixtures.Lookup("sleep")
	if err != nil {
		b.Fatal(err)
	}
	input := sleep.Input(fixtures.SizeTest)
	fn := sebstest.New(b, sebstest.Fixture("sleep", sebs.LanguageGo))
	bench.Run(b, []*sebstest.Function{fn}, bench.Spec{
		Mode:        bench.ModeWarm,
		Concurrency: 2,
		Payload:     input,
		Validate:    func(out json.RawMessage) error { return sleep.Validate(input, out) },
		Benchmark:   "sleep", Language: "go", Size: "test",
	})
}

// Run the benchmark once, as go test -bench would, and list the metrics it reports besides ns/op: the
// per-call means (/call), the percentiles, and the count of cold calls left out.
func ExampleRun() {
	r := testing.Benchmark(benchmarkSleep)
	fmt.Println("iterations > 0:", r.N > 0)
	for _, name := range slices.Sorted(maps.Keys(r.Extra)) {
		fmt.Println(name)
	}
	// Output:
	// iterations > 0: true
	// client-ns/call
	// cold-excluded
	// first-byte-ns/call
	// http-startup-ns/call
	// p50-client-ns
	// p95-client-ns
	// p99-client-ns
	// server-ns/call
}

// A Recorder writes every call to samples.jsonl as it comes (in blocks), and upstream's experiments.json and
// perf-cost/result.csv on Close. Create one per test process in TestMain (RecorderFromEnv reads the folder
// from SEBS_RESULTS_DIR), pass it in Spec.Recorder, and close it after m.Run.
func ExampleRecorder() {
	dir, _ := os.MkdirTemp("", "results")
	defer os.RemoveAll(dir)
	rec, err := bench.NewRecorder(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	begin := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	res := &sebs.ExecutionResult{RequestID: "r1", Output: map[string]any{"request_id": "r1", "is_cold": false}}
	res.Times.SetClient(begin, begin.Add(time.Millisecond), time.Millisecond)
	s := sebs.Sample{Benchmark: "sleep", Function: "sleep", Language: "go", Mode: "warm", Size: "test",
		RequestID: "r1", Begin: begin, ClientNS: int64(time.Millisecond)}
	if err := rec.Record(s, res, 128); err != nil {
		fmt.Println(err)
		return
	}
	if err := rec.Close(); err != nil {
		fmt.Println(err)
		return
	}
	samples, err := sebs.ReadSamples(filepath.Join(dir, "samples.jsonl"))
	fmt.Println("samples:", len(samples), samples[0].RequestID, err)
	for _, f := range []string{"experiments.json", "perf-cost/result.csv"} {
		_, err := os.Stat(filepath.Join(dir, f))
		fmt.Println(f, "written:", err == nil)
	}
	// Output:
	// samples: 1 r1 <nil>
	// experiments.json written: true
	// perf-cost/result.csv written: true
}
