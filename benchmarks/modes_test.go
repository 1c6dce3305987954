package benchmarks

import (
	"path/filepath"
	"testing"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/fixtures"
	"github.com/gosebs/sebs/sebstest"
	"github.com/gosebs/sebs/sebstest/bench"
)

// These regression tests run short benchmarks with testing.Benchmark (the default -benchtime) and read
// every call back from a Recorder's samples.jsonl: the modes must do what their names promise.

// modeRun benchmarks dynamic-html at size test in mode over fns, recording to a fresh folder, and returns
// the benchmark result and the samples read back.
func modeRun(t *testing.T, mode bench.Mode, fns []*sebstest.Function, concurrency int) (testing.BenchmarkResult, []sebs.Sample) {
	t.Helper()
	bm, err := fixtures.Lookup("dynamic-html")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	rec, err := bench.NewRecorder(dir)
	if err != nil {
		t.Fatal(err)
	}
	input := bm.Input(fixtures.SizeTest)
	r := testing.Benchmark(func(b *testing.B) {
		bench.Run(b, fns, bench.Spec{
			Mode: mode, Concurrency: concurrency, Payload: input,
			Validate:  bm.Validator(input),
			Benchmark: bm.Name, Language: "go", Size: "test", Recorder: rec,
		})
	})
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	if r.N == 0 {
		t.Fatalf("%s benchmark failed (no iteration completed)", mode)
	}
	samples, err := sebs.ReadSamples(filepath.Join(dir, "samples.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	return r, samples
}

func htmlFunctions(t *testing.T, n int) []*sebstest.Function {
	t.Helper()
	sebstest.RequireDocker(t)
	bm, err := fixtures.Lookup("dynamic-html")
	if err != nil {
		t.Fatal(err)
	}
	fns := make([]*sebstest.Function, n)
	for i := range fns {
		fns[i] = startFunction(t, bm, "go", config{})
	}
	return fns
}

func TestColdModeSamplesAreAllVerifiedCold(t *testing.T) {
	r, samples := modeRun(t, bench.ModeCold, htmlFunctions(t, 1), 0)
	if len(samples) != r.N {
		t.Fatalf("%d samples for %d cold iterations", len(samples), r.N)
	}
	for i, s := range samples {
		if !s.IsCold || s.ColdStart == nil || s.ColdStart.Start <= 0 || s.ColdStart.Ready <= 0 || s.Error != "" {
			t.Errorf("sample %d not a verified cold call with its cold start: %+v", i, s)
		}
	}
	if r.Extra["coldstart-ns/start"] <= 0 {
		t.Errorf("coldstart-ns/start = %v, want > 0", r.Extra["coldstart-ns/start"])
	}
}

func TestWarmModeExcludesColdSamples(t *testing.T) {
	r, samples := modeRun(t, bench.ModeWarm, htmlFunctions(t, 1), 1)
	if len(samples) != r.N {
		t.Fatalf("%d samples for %d warm iterations", len(samples), r.N)
	}
	cold := 0
	for _, s := range samples {
		if s.IsCold {
			cold++
		}
	}
	// The fresh container's first call is cold; warm mode keeps it out of the times and counts it.
	if cold != 1 || r.Extra["cold-excluded"] != float64(cold) || !samples[0].IsCold {
		t.Errorf("%d cold samples (first cold: %v), cold-excluded %v; want the first call only", cold, samples[0].IsCold, r.Extra["cold-excluded"])
	}
	if r.N > 1 && r.Extra["client-ns/call"] <= 0 {
		t.Errorf("client-ns/call = %v from %d warm calls", r.Extra["client-ns/call"], r.N-1)
	}
}

func TestBurstModeTwoColdSamplesPerIteration(t *testing.T) {
	fns := htmlFunctions(t, 2)
	r, samples := modeRun(t, bench.ModeBurst, fns, 2)
	if len(samples) != 2*r.N {
		t.Fatalf("%d samples for %d burst iterations of 2", len(samples), r.N)
	}
	for it := range r.N {
		a, b := samples[2*it], samples[2*it+1]
		if !a.IsCold || !b.IsCold || a.ColdStart == nil || b.ColdStart == nil {
			t.Errorf("iteration %d: samples %+v and %+v are not both cold", it, a, b)
		}
	}
	if r.Extra["coldstart-ns/start"] <= 0 {
		t.Errorf("coldstart-ns/start %v, want > 0", r.Extra["coldstart-ns/start"])
	}
}
