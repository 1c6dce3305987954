package sebstest

import (
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/gosebs/sebs"
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
	if _, err := ParseMode("lukewarm"); err == nil || !strings.Contains(err.Error(), "cold, warm, burst or sequential") {
		t.Errorf("ParseMode(lukewarm) error = %v, want one listing the modes", err)
	}
}

func TestHandlerOutput(t *testing.T) {
	res := &sebs.ExecutionResult{RequestID: "r", Output: map[string]any{
		"result": map[string]any{"output": map[string]any{"result": 0.5}},
	}}
	got, err := HandlerOutput(res)
	if err != nil || string(got) != `{"result":0.5}` {
		t.Errorf("HandlerOutput = %s, %v; want {\"result\":0.5}", got, err)
	}
	for name, out := range map[string]map[string]any{
		"no result":     {},
		"result string": {"result": "x"},
		"no output":     {"result": map[string]any{}},
	} {
		if _, err := HandlerOutput(&sebs.ExecutionResult{Output: out}); err == nil {
			t.Errorf("%s: HandlerOutput gave no error", name)
		}
	}
	if _, err := HandlerOutput(nil); err == nil {
		t.Error("HandlerOutput(nil) gave no error")
	}
}

func TestEncodePayload(t *testing.T) {
	for _, tc := range []struct {
		in   any
		want string
	}{{nil, `{}`}, {map[string]any{"sleep": 0}, `{"sleep":0}`}, {[]byte(`{"a":1}`), `{"a":1}`}, {json.RawMessage(`[1]`), `[1]`}} {
		got, err := encodePayload(tc.in)
		if err != nil || string(got) != tc.want {
			t.Errorf("encodePayload(%v) = %s, %v; want %s", tc.in, got, err, tc.want)
		}
	}
	if _, err := encodePayload(func() {}); err == nil {
		t.Error("encodePayload(func) gave no error")
	}
}

// benchFunctions starts n sleep functions for the test, stopped when it ends.
func benchFunctions(t *testing.T, n int, opts ...Option) []*Function {
	t.Helper()
	fns := make([]*Function, n)
	for i := range fns {
		fns[i] = New(t, Fixture("sleep", sebs.LanguageGo), append([]Option{WithProgress(io.Discard)}, opts...)...)
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

// benchRecorded runs Bench over fns with spec (its payload, validator and recorder set here: sleep 0,
// checked, recorded to a fresh folder), fails the test if no iteration completed, and returns the result
// and the samples read back.
func benchRecorded(t *testing.T, fns []*Function, spec BenchSpec) (testing.BenchmarkResult, []Sample) {
	t.Helper()
	dir := t.TempDir()
	rec, err := NewRecorder(dir)
	if err != nil {
		t.Fatal(err)
	}
	spec.Payload, spec.Validate, spec.Recorder = sleepZero, sleepValid, rec
	r := testing.Benchmark(func(b *testing.B) { Bench(b, fns, spec) })
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	if r.N == 0 {
		t.Fatalf("%s benchmark failed", spec.Mode)
	}
	samples, err := ReadSamples(dir)
	if err != nil {
		t.Fatal(err)
	}
	return r, samples
}

func TestBenchWarmExcludesColdSamples(t *testing.T) {
	r, samples := benchRecorded(t, benchFunctions(t, 1), BenchSpec{Mode: ModeWarm, Concurrency: 2,
		Benchmark: "sleep", Language: "go", Size: "test"})
	// The fresh container's first call was cold: excluded and counted.
	if got := r.Extra["cold-excluded"]; got != 1 {
		t.Errorf("cold-excluded = %v, want 1 (the first call of a fresh container)", got)
	}
	for _, unit := range []string{"client-ns/op", "http-startup-ns/op", "first-byte-ns/op", "server-ns/op",
		"p50-client-ns", "p95-client-ns", "p99-client-ns", "cold/op"} {
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
	r, samples := benchRecorded(t, benchFunctions(t, 1), BenchSpec{Mode: ModeCold})
	if r.Extra["cold/op"] != 1 || r.Extra["coldstart-ns/op"] <= 0 {
		t.Errorf("cold/op = %v, coldstart-ns/op = %v; want 1 and > 0", r.Extra["cold/op"], r.Extra["coldstart-ns/op"])
	}
	if len(samples) != r.N {
		t.Errorf("%d samples for %d iterations", len(samples), r.N)
	}
	for _, s := range samples {
		if !s.IsCold || s.ColdStart == nil || s.ColdStart.ReadyNS <= 0 || s.ColdStart.FirstByteNS <= s.ColdStart.ReadyNS {
			t.Errorf("cold sample not verified cold or without phases: %+v %+v", s, s.ColdStart)
		}
	}
}

func TestBenchBurstColdStartsEveryFunction(t *testing.T) {
	r, samples := benchRecorded(t, benchFunctions(t, 2), BenchSpec{Mode: ModeBurst})
	if len(samples) != 2*r.N {
		t.Fatalf("%d samples for %d iterations of 2 calls", len(samples), r.N)
	}
	for i := 0; i < len(samples); i += 2 {
		a, b := samples[i], samples[i+1]
		if !a.IsCold || !b.IsCold || a.Function == "" || a.ColdStart == nil || b.ColdStart == nil {
			t.Errorf("iteration %d: burst samples not both cold with phases: %+v / %+v", i/2, a, b)
		}
	}
	if r.Extra["cold/op"] != 1 {
		t.Errorf("cold/op = %v, want 1", r.Extra["cold/op"])
	}
}

func TestBenchSequentialDiscardsWarmUp(t *testing.T) {
	fns := benchFunctions(t, 1)
	r := testing.Benchmark(func(b *testing.B) {
		Bench(b, fns, BenchSpec{Mode: ModeSequential, Payload: sleepZero, Validate: sleepValid})
	})
	if r.N == 0 {
		t.Fatal("sequential benchmark failed")
	}
	if r.Extra["cold/op"] != 0 {
		t.Errorf("cold/op = %v, want 0: the warm-up call took the cold start", r.Extra["cold/op"])
	}
}

func TestBenchFailsOnInvalidOutput(t *testing.T) {
	fns := benchFunctions(t, 1)
	calls := 0
	r := testing.Benchmark(func(b *testing.B) {
		Bench(b, fns, BenchSpec{Mode: ModeWarm, Payload: sleepZero, Validate: func(json.RawMessage) error {
			calls++
			return errors.New("wrong on purpose")
		}})
	})
	if r.N != 0 || calls != 1 {
		t.Errorf("benchmark with a failing validator ran %d iterations after %d validations; want it to stop at the first", r.N, calls)
	}
}

func TestBenchRejectsBadSpecs(t *testing.T) {
	fn := &Function{LocalFunction: &sebs.LocalFunction{}}
	for name, tc := range map[string]struct {
		fns  []*Function
		spec BenchSpec
		want string
	}{
		"no functions":    {nil, BenchSpec{}, "no function"},
		"nil function":    {[]*Function{nil}, BenchSpec{}, "is nil"},
		"unknown mode":    {[]*Function{fn}, BenchSpec{Mode: "tepid"}, "unknown benchmark mode"},
		"burst mismatch":  {[]*Function{fn}, BenchSpec{Mode: ModeBurst, Concurrency: 2}, "needs 2 functions"},
		"cold concurrent": {[]*Function{fn}, BenchSpec{Mode: ModeCold, Concurrency: 3}, "one call at a time"},
		"bad payload":     {[]*Function{fn}, BenchSpec{Payload: make(chan int)}, "encode payload"},
	} {
		var b testing.B
		_, err := newBencher(&b, tc.fns, tc.spec)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", name, err, tc.want)
		}
	}
}
