package sebstest_test

import (
	"encoding/json"
	"testing"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/fixtures"
	"github.com/gosebs/sebs/sebstest"
)

// A benchmark of the sleep fixture in warm mode, two calls at a time, each output checked by the
// fixture's validator. Run it with go test -bench; it needs a Docker engine.
func ExampleBench() {
	benchmarkSleep := func(b *testing.B) {
		sleep, err := fixtures.Lookup("sleep")
		if err != nil {
			b.Fatal(err)
		}
		input := sleep.Input(fixtures.SizeTest)
		fn := sebstest.New(b, sebstest.Fixture("sleep", sebs.LanguageGo))
		sebstest.Bench(b, []*sebstest.Function{fn}, sebstest.BenchSpec{
			Mode:        sebstest.ModeWarm,
			Concurrency: 2,
			Payload:     input,
			Validate:    func(out json.RawMessage) error { return sleep.Validate(input, out) },
			Benchmark:   "sleep", Language: "go", Size: "test",
		})
	}
	_ = benchmarkSleep // in a _test.go file: func BenchmarkSleep(b *testing.B) { ... }
}

// Record every call to a folder: create one Recorder per test process in TestMain and close it after the
// tests, so experiments.json and perf-cost/result.csv are written.
func ExampleRecorderFromEnv() {
	testMain := func(m *testing.M) int {
		rec, err := sebstest.RecorderFromEnv() // nil unless SEBS_RESULTS_DIR is set
		if err != nil {
			panic(err)
		}
		code := m.Run() // benchmarks pass rec in BenchSpec.Recorder
		if err := rec.Close(); err != nil {
			panic(err)
		}
		return code
	}
	_ = testMain
}
