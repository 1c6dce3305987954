package bench

import (
	"encoding/json"
	"errors"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/sebstest"
)

func TestNearestRank(t *testing.T) {
	sorted := []int64{15, 20, 35, 40, 50}
	for _, tc := range []struct {
		p    float64
		want int64
	}{{5, 15}, {30, 20}, {40, 20}, {50, 35}, {95, 50}, {99, 50}, {100, 50}, {0, 15}} {
		if got := nearestRank(sorted, tc.p); got != tc.want {
			t.Errorf("nearestRank(%v, %v) = %d, want %d", sorted, tc.p, got, tc.want)
		}
	}
	if got := nearestRank(nil, 50); got != 0 {
		t.Errorf("nearestRank(nil) = %d, want 0", got)
	}
	hundred := make([]int64, 100)
	for i := range hundred {
		hundred[i] = int64(i + 1)
	}
	if got := nearestRank(hundred, 99); got != 99 {
		t.Errorf("p99 of 1..100 = %d, want 99", got)
	}
}

func TestParseMode(t *testing.T) {
	for _, m := range Modes() {
		got, err := ParseMode(" " + strings.ToUpper(string(m)) + " ")
		if err != nil || got != m {
			t.Errorf("ParseMode(%q) = %q, %v", m, got, err)
		}
	}
	if _, err := ParseMode(""); err == nil {
		t.Errorf("ParseMode(\"\") accepted: an empty flag value names no mode (Spec.Mode's zero value is ModeWarm)")
	}
	if _, err := ParseMode("lukewarm"); err == nil || !strings.Contains(err.Error(), "cold, warm, burst or sequential") {
		t.Errorf("ParseMode(lukewarm) error = %v, want one listing the modes", err)
	}
}

// benchFunctions starts n sleep functions for the test, stopped when it ends.
func benchFunctions(t *testing.T, n int) []*sebstest.Function {
	t.Helper()
	fns := make([]*sebstest.Function, n)
	for i := range fns {
		fns[i] = sebstest.New(t, sebstest.Fixture("sleep", sebs.LanguageGo), sebstest.WithProgress(io.Discard))
	}
	return fns
}

var sleepZero = map[string]any{"sleep": 0}

// sleepValid checks the sleep fixture's handler return, {"result": 0}.
func sleepValid(out json.RawMessage) error {
	var v struct{ Result *float64 }
	if err := json.Unmarshal(out, &v); err != nil {
		return err
	}
	if v.Result == nil || *v.Result != 0 {
		return errors.New("want {\"result\": 0}, got " + string(out))
	}
	return nil
}

// benchRecorded runs Run over fns with spec (its payload, validator and recorder set here: sleep 0,
// checked, recorded to a fresh folder), fails the test if no iteration completed, and returns the result
// and the samples read back.
func benchRecorded(t *testing.T, fns []*sebstest.Function, spec Spec) (testing.BenchmarkResult, []sebs.Sample) {
	t.Helper()
	dir := t.TempDir()
	rec, err := NewRecorder(dir)
	if err != nil {
		t.Fatal(err)
	}
	spec.Payload, spec.Validate, spec.Recorder = sleepZero, sleepValid, rec
	r := testing.Benchmark(func(b *testing.B) { Run(b, fns, spec) })
	samples := closeAndReadSamples(t, rec)
	if r.N == 0 {
		t.Fatalf("%s benchmark failed", spec.Mode)
	}
	return r, samples
}

// closeAndReadSamples closes rec and returns the samples it wrote.
func closeAndReadSamples(t *testing.T, rec *Recorder) []sebs.Sample {
	t.Helper()
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	samples, err := sebs.ReadSamples(filepath.Join(rec.Dir(), samplesFile))
	if err != nil {
		t.Fatal(err)
	}
	return samples
}

func TestBenchWarmExcludesColdSamples(t *testing.T) {
	r, samples := benchRecorded(t, benchFunctions(t, 1), Spec{Mode: ModeWarm, Concurrency: 2,
		Benchmark: "sleep", Language: "go", Size: "test"})
	// The fresh container's first call was cold: excluded and counted.
	if got := r.Extra["cold-excluded"]; got != 1 {
		t.Errorf("cold-excluded = %v, want 1 (the first call of a fresh container)", got)
	}
	for _, unit := range []string{"client-ns/call", "http-startup-ns/call", "first-byte-ns/call", "server-ns/call",
		"p50-client-ns", "p95-client-ns", "p99-client-ns"} {
		if _, ok := r.Extra[unit]; !ok {
			t.Errorf("metric %s not reported; got %v", unit, r.Extra)
		}
	}
	if r.Extra["p50-client-ns"] > r.Extra["p95-client-ns"] || r.Extra["p95-client-ns"] > r.Extra["p99-client-ns"] {
		t.Errorf("percentiles out of order: %v", r.Extra)
	}
	if len(samples) != 2*r.N {
		t.Errorf("%d samples for %d iterations of 2 calls", len(samples), r.N)
	}
	cold := 0
	for _, s := range samples {
		if s.IsCold {
			cold++
		}
		if s.ColdStart != nil || s.Mode != "warm" || s.RequestID == "" || s.ClientNS <= 0 {
			t.Errorf("warm sample %+v", s)
		}
	}
	if cold != 1 {
		t.Errorf("%d cold samples, want 1", cold)
	}
}

func TestBenchColdSamplesAreAllCold(t *testing.T) {
	r, samples := benchRecorded(t, benchFunctions(t, 1), Spec{Mode: ModeCold})
	if r.Extra["coldstart-ns/start"] <= 0 {
		t.Errorf("coldstart-ns/start = %v, want > 0", r.Extra["coldstart-ns/start"])
	}
	if _, ok := r.Extra["cold/op"]; ok {
		t.Errorf("cold/op is gone (a count per iteration moves with the function's speed); got %v", r.Extra)
	}
	if len(samples) != r.N {
		t.Errorf("%d samples for %d iterations", len(samples), r.N)
	}
	for _, s := range samples {
		if !s.IsCold || s.ColdStart == nil || s.ColdStart.Ready <= 0 || s.ColdStart.FirstByte <= s.ColdStart.Ready {
			t.Errorf("cold sample not verified cold or without phases: %+v %+v", s, s.ColdStart)
		}
	}
}

func TestBenchBurstColdStartsEveryFunction(t *testing.T) {
	r, samples := benchRecorded(t, benchFunctions(t, 2), Spec{Mode: ModeBurst})
	if len(samples) != 2*r.N {
		t.Fatalf("%d samples for %d iterations of 2 calls", len(samples), r.N)
	}
	for i := 0; i < len(samples); i += 2 {
		a, b := samples[i], samples[i+1]
		if !a.IsCold || !b.IsCold || a.Function == "" || a.ColdStart == nil || b.ColdStart == nil {
			t.Errorf("iteration %d: burst samples not both cold with phases: %+v / %+v", i/2, a, b)
		}
	}
	if r.Extra["coldstart-ns/start"] <= 0 {
		t.Errorf("coldstart-ns/start = %v, want > 0", r.Extra["coldstart-ns/start"])
	}
}

func TestBenchSequentialDiscardsWarmUp(t *testing.T) {
	r, samples := benchRecorded(t, benchFunctions(t, 1), Spec{Mode: ModeSequential})
	if len(samples) != r.N {
		t.Errorf("%d samples for %d iterations: the warm-up call must not be recorded", len(samples), r.N)
	}
	for _, s := range samples {
		if s.IsCold {
			t.Errorf("cold sample %+v: the warm-up call took the cold start", s)
		}
	}
}

// TestSpecModeParsedOnce: Spec.Mode "Warm" behaves exactly as ModeWarm (cold calls excluded and counted,
// samples labelled "warm"), and an unknown mode is rejected.
func TestSpecModeParsedOnce(t *testing.T) {
	fn := &sebstest.Function{LocalFunction: &sebs.LocalFunction{}}
	var b testing.B
	bn, err := newBencher(&b, []*sebstest.Function{fn}, Spec{Mode: " Warm", Payload: sleepZero})
	if err != nil || bn.spec.Mode != ModeWarm || bn.conc != 1 {
		t.Fatalf("newBencher(Mode \" Warm\") = mode %q conc %d, %v; want warm, 1", bn.spec.Mode, bn.conc, err)
	}
	if _, err := newBencher(&b, []*sebstest.Function{fn}, Spec{Mode: "Tepid"}); err == nil {
		t.Errorf("unknown mode accepted")
	}
	r, samples := benchRecorded(t, benchFunctions(t, 1), Spec{Mode: "WARM"})
	if got := r.Extra["cold-excluded"]; got != 1 {
		t.Errorf("cold-excluded = %v with Mode \"WARM\", want 1 as ModeWarm gives", got)
	}
	for _, s := range samples {
		if s.Mode != string(ModeWarm) {
			t.Errorf("sample mode %q, want %q", s.Mode, ModeWarm)
		}
	}
}

func TestBenchFailsOnInvalidOutput(t *testing.T) {
	fns := benchFunctions(t, 1)
	calls := 0
	r := testing.Benchmark(func(b *testing.B) {
		Run(b, fns, Spec{Mode: ModeWarm, Payload: sleepZero, Validate: func(json.RawMessage) error {
			calls++
			return errors.New("wrong on purpose")
		}})
	})
	if r.N != 0 || calls != 1 {
		t.Errorf("benchmark with a failing validator ran %d iterations after %d validations; want it to stop at the first", r.N, calls)
	}
}

// TestBenchConcurrentCallersStopAtFailure: with concurrent callers, a failed validation ends the benchmark
// and the callers, leaving at most the calls already under way (two per caller: one in flight, one handed
// out) to finish; VerifyTestMain then finds no caller left running.
func TestBenchConcurrentCallersStopAtFailure(t *testing.T) {
	fns := benchFunctions(t, 1)
	const conc, failAt = 4, 20
	var validations atomic.Int64
	r := testing.Benchmark(func(b *testing.B) {
		Run(b, fns, Spec{Mode: ModeWarm, Concurrency: conc, Payload: sleepZero, Validate: func(out json.RawMessage) error {
			if validations.Add(1) >= failAt {
				return errors.New("wrong on purpose")
			}
			return sleepValid(out)
		}})
	})
	if n := validations.Load(); r.N != 0 || n < failAt || n > failAt+2*conc {
		t.Errorf("benchmark failing at validation %d ran %d iterations and %d validations; want it failed, "+
			"with at most %d more validations", failAt, r.N, n, 2*conc)
	}
}

// TestBenchConcurrencyIsKept: warm mode at concurrency 3 never has more than 3 calls under way, and has
// all 3 under way at some point.
func TestBenchConcurrencyIsKept(t *testing.T) {
	_, samples := benchRecorded(t, benchFunctions(t, 1), Spec{Mode: ModeWarm, Concurrency: 3})
	type edge struct {
		at    time.Time
		delta int
	}
	var edges []edge
	for _, s := range samples {
		edges = append(edges, edge{s.Begin, 1}, edge{s.Begin.Add(time.Duration(s.ClientNS)), -1})
	}
	slices.SortFunc(edges, func(a, b edge) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return a.delta - b.delta // an end before a begin at the same instant
	})
	most, now := 0, 0
	for _, e := range edges {
		now += e.delta
		most = max(most, now)
	}
	if most != 3 {
		t.Errorf("at most %d calls were under way at once over %d calls, want 3", most, len(samples))
	}
}

func TestBenchRejectsBadSpecs(t *testing.T) {
	fn := &sebstest.Function{LocalFunction: &sebs.LocalFunction{}}
	for name, tc := range map[string]struct {
		fns  []*sebstest.Function
		spec Spec
		want string
	}{
		"no functions":    {nil, Spec{}, "no function"},
		"nil function":    {[]*sebstest.Function{nil}, Spec{}, "is nil"},
		"unknown mode":    {[]*sebstest.Function{fn}, Spec{Mode: "tepid"}, "unknown mode"},
		"burst mismatch":  {[]*sebstest.Function{fn}, Spec{Mode: ModeBurst, Concurrency: 2}, "needs 2 functions"},
		"cold concurrent": {[]*sebstest.Function{fn}, Spec{Mode: ModeCold, Concurrency: 3}, "one call at a time"},
		"bad payload":     {[]*sebstest.Function{fn}, Spec{Payload: make(chan int)}, "encode payload"},
	} {
		var b testing.B
		_, err := newBencher(&b, tc.fns, tc.spec)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", name, err, tc.want)
		}
	}
}
