package benchmarks

import (
	"encoding/json"
	"testing"

	"github.com/gosebs/sebs/fixtures"
	"github.com/gosebs/sebs/sebstest"
)

// These regression tests run short benchmarks with testing.Benchmark (the default -benchtime) and read
// every call back from a Recorder's samples.jsonl: the modes must do what their names promise.

// modeRun benchmarks dynamic-html at size test in mode over fns, recording to a fresh folder, and returns
// the benchmark result and the samples read back.
func modeRun(t *testing.T, mode sebstest.Mode, fns []*sebstest.Function, concurrency int) (testing.BenchmarkResult, []sebstest.Sample) {
	t.Helper()
	bm, err := fixtures.Lookup("dynamic-html")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	rec, err := sebstest.NewRecorder(dir)
	if err != nil {
		t.Fatal(err)
	}
	input := bm.Input(fixtures.SizeTest)
	r := testing.Benchmark(func(b *testing.B) {
		sebstest.Bench(b, fns, sebstest.BenchSpec{
			Mode: mode, Concurrency: concurrency, Payload: input,
			Validate:  func(out json.RawMessage) error { return bm.Validate(input, out) },
			Benchmark: bm.Name, Language: "go", Size: "test", Recorder: rec,
		})
	})
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	if r.N == 0 {
		t.Fatalf("%s benchmark failed (no iteration completed)", mode)
	}
	samples, err := sebstest.ReadSamples(dir)
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
	r, samples := modeRun(t, sebstest.ModeCold, htmlFunctions(t, 1), 0)
	if len(samples) != r.N {
		t.Fatalf("%d samples for %d cold iterations", len(samples), r.N)
	}
	for i, s := range samples {
		if !s.IsCold || s.ColdStart == nil || s.ColdStart.StartNS <= 0 || s.ColdStart.ReadyNS <= 0 || s.Error != "" {
			t.Errorf("sample %d not a verified cold call with its cold start: %+v", i, s)
		}
	}
	if r.Extra["cold/op"] != 1 {
		t.Errorf("cold/op = %v, want 1", r.Extra["cold/op"])
	}
}

func TestWarmModeExcludesColdSamples(t *testing.T) {
	r, samples := modeRun(t, sebstest.ModeWarm, htmlFunctions(t, 1), 1)
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
	if r.N > 1 && r.Extra["client-ns/op"] <= 0 {
		t.Errorf("client-ns/op = %v from %d warm calls", r.Extra["client-ns/op"], r.N-1)
	}
}

func TestBurstModeTwoColdSamplesPerIteration(t *testing.T) {
	fns := htmlFunctions(t, 2)
	r, samples := modeRun(t, sebstest.ModeBurst, fns, 2)
	if len(samples) != 2*r.N {
		t.Fatalf("%d samples for %d burst iterations of 2", len(samples), r.N)
	}
	for it := range r.N {
		a, b := samples[2*it], samples[2*it+1]
		if !a.IsCold || !b.IsCold || a.ColdStart == nil || b.ColdStart == nil {
			t.Errorf("iteration %d: samples %+v and %+v are not both cold", it, a, b)
		}
	}
	if r.Extra["cold/op"] != 1 || r.Extra["coldstart-ns/op"] <= 0 {
		t.Errorf("cold/op %v, coldstart-ns/op %v", r.Extra["cold/op"], r.Extra["coldstart-ns/op"])
	}
}
