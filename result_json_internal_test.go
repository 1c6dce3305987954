package sebs

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
)

// fullResult has every field of ExecutionResult and of its parts set, so a field added to one of them and
// not to AppendJSON fails TestResultAppendJSONMatchesReflection.
func fullResult() *ExecutionResult {
	startup, firstByte, used := 0.000412, 5.6e-7, 12.5
	billed, mem := int64(100), 256
	return &ExecutionResult{
		Output: map[string]any{"request_id": "r-1", "is_cold": true, "begin": json.Number("1764644645.123456"),
			"result": map[string]any{"output": []any{"a<b>&", json.Number("-1.5e+300"), nil, false, map[string]any{}}},
			"zz":     json.Number(""), "typed": map[string]string{"k": "v"}, "f": 0.25},
		RequestID: "r-1",
		Times: ExecutionTimes{Client: 812, Benchmark: 7, Initialization: 9,
			ClientBegin: time.Date(2026, 12, 2, 3, 4, 5, 600700800, time.UTC), ClientEnd: time.Date(2026, 12, 2, 3, 4, 6, 0, time.UTC),
			HTTPStartup: &startup, HTTPFirstByteReturn: &firstByte},
		ProviderTimes: ProviderTimes{Execution: 3, Initialization: 4},
		Stats:         ExecutionStats{ColdStart: true, Failure: true, MemoryUsed: &used},
		Billing:       ExecutionBilling{BilledTime: &billed, GBSeconds: 1e-7, Memory: &mem},
		Detail: &Detail{ConnectionReused: true, ContainerID: "c\"1", HandlerNS: 5,
			MemorySamples:   []MemorySample{{Time: time.Date(2026, 1, 2, 3, 4, 5, 6, time.FixedZone("CET", 3600)), Bytes: math.MaxUint64}},
			TimestampSource: "kernel", FirstByteUserNS: 6, StartupUserNS: 7, Address: "bridge"},
	}
}

// requireNoZeroField fails when a field of v (a struct) is zero.
func requireNoZeroField(t *testing.T, v any) {
	t.Helper()
	rv := reflect.ValueOf(v)
	for i := range rv.NumField() {
		if rv.Field(i).IsZero() {
			t.Fatalf("fullResult leaves %s.%s zero; set it, and check AppendJSON writes it", rv.Type().Name(), rv.Type().Field(i).Name)
		}
	}
}

func TestResultAppendJSONMatchesReflection(t *testing.T) {
	full := fullResult()
	for _, part := range []any{*full, full.Times, full.ProviderTimes, full.Stats, full.Billing, *full.Detail} {
		requireNoZeroField(t, part)
	}
	oddZone := fullResult()
	oddZone.Detail.MemorySamples[0].Time = time.Date(1850, 1, 2, 3, 4, 5, 0, time.FixedZone("LMT", 1050))
	nan := math.NaN()
	cases := map[string]*ExecutionResult{
		"full":         full,
		"zero":         {},
		"empty detail": {Detail: &Detail{}, Output: map[string]any{}},
		"odd zone":     oddZone,
		"year 10000":   {Detail: &Detail{MemorySamples: []MemorySample{{Time: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}}}},
		"nan startup":  {Times: ExecutionTimes{HTTPStartup: &nan}},
		"nan memory":   {Stats: ExecutionStats{MemoryUsed: &nan}},
		"inf billing":  {Billing: ExecutionBilling{GBSeconds: math.Inf(-1)}},
		"bad number":   {Output: map[string]any{"n": json.Number("1e")}},
		"bad nested":   {Output: map[string]any{"a": []any{map[string]any{"f": math.NaN()}}}},
		"nil nested":   {Output: map[string]any{"m": map[string]any(nil), "s": []any(nil)}},
	}
	deep := map[string]any{}
	for node, i := deep, 0; i < 3*maxAppendDepth; i++ {
		next := map[string]any{}
		node["n"] = []any{next, json.Number("1")}
		node = next
	}
	cases["deep"] = &ExecutionResult{Output: deep}
	cases["zone 25h"] = &ExecutionResult{Detail: &Detail{MemorySamples: []MemorySample{{Time: time.Date(2026, 1, 1, 0, 0, 0, 0, time.FixedZone("x", -25*3600))}}}}
	for name, r := range cases {
		t.Run(name, func(t *testing.T) { requireResultJSON(t, r) })
	}
	// An output built by hand that holds itself: an error, as from json.Marshal, and the buffer as given.
	cyclic := map[string]any{}
	cyclic["self"] = cyclic
	got, err := (&ExecutionResult{Output: cyclic}).AppendJSON([]byte("prefix"))
	if err == nil || string(got) != "prefix" {
		t.Fatalf("a cyclic output: AppendJSON gave %.80q, %v; want the prefix alone and json.Marshal's cycle error", got, err)
	}
	got, err = (&ExecutionResult{Output: map[string]any{"a": json.Number("01")}}).AppendJSON([]byte("prefix"))
	if err == nil || string(got) != "prefix" {
		t.Fatalf("an invalid number: AppendJSON gave %q, %v; want the prefix alone and an error", got, err)
	}
}

// TestResultAppendJSONRandom compares AppendJSON with encoding/json on random outputs, times and numbers.
func TestResultAppendJSONRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	str := func() string { return randomText(rng, 6) }
	numbers := []string{"0", "-0", "12", "1.5", "-3e7", "2E-9", "01", "1.", ".5", "+1", "1e+", "NaN", "9007199254740993"}
	var value func(depth int) any
	value = func(depth int) any {
		switch k := rng.IntN(9); {
		case k == 0 && depth < 3:
			m := map[string]any{}
			for range rng.IntN(5) {
				m[str()] = value(depth + 1)
			}
			return m
		case k == 1 && depth < 3:
			var s []any
			for range rng.IntN(4) {
				s = append(s, value(depth+1))
			}
			return s
		case k == 2:
			return json.Number(numbers[rng.IntN(len(numbers))])
		case k == 3:
			return rng.IntN(2) == 0
		case k == 4:
			return nil
		case k == 5:
			return rng.NormFloat64() * math.Pow(10, float64(rng.IntN(40)-20))
		default:
			return str()
		}
	}
	float := func() *float64 {
		if rng.IntN(4) == 0 {
			return nil
		}
		f := rng.NormFloat64() * math.Pow(10, float64(rng.IntN(30)-20))
		return &f
	}
	for range 2000 {
		r := &ExecutionResult{RequestID: str(), Output: map[string]any{str(): value(0), "result": value(0)},
			Times: ExecutionTimes{Client: rng.Int64() - rng.Int64(), HTTPStartup: float(), HTTPFirstByteReturn: float(),
				ClientBegin: time.Unix(rng.Int64N(1<<34), rng.Int64N(1e9))},
			Stats: ExecutionStats{ColdStart: rng.IntN(2) == 0, MemoryUsed: float()}}
		if rng.IntN(2) == 0 {
			r.Detail = &Detail{ContainerID: str(), HandlerNS: rng.Int64N(3), Address: str(),
				MemorySamples: []MemorySample{{Time: time.Unix(rng.Int64N(1<<34), 0), Bytes: rng.Uint64()}}}
		}
		requireResultJSON(t, r)
		// HandlerOutput encodes result.output the same way: what json.Marshal writes, or an error where it fails.
		out := value(0)
		r.Output["result"] = map[string]any{"output": out}
		got, err := r.HandlerOutput()
		want, wantErr := json.Marshal(out)
		if (err != nil) != (wantErr != nil) || string(got) != string(want) {
			t.Fatalf("HandlerOutput gave %s (error %v), json.Marshal %s (error %v)", got, err, want, wantErr)
		}
	}
}

// randomText returns up to n-1 characters drawn from ones JSON encoders treat specially (quotes,
// backslashes, control characters, HTML's <>&, U+2028, non-ASCII) and plain ones.
func randomText(rng *rand.Rand, n int) string {
	alphabet := []rune("ab<>&\"\\\n\x00é€\u2028 z09")
	var sb strings.Builder
	for range rng.IntN(n) {
		sb.WriteRune(alphabet[rng.IntN(len(alphabet))])
	}
	return sb.String()
}

// requireResultJSON fails unless AppendJSON writes what encoding/json writes for r, or both fail.
func requireResultJSON(t *testing.T, r *ExecutionResult) {
	t.Helper()
	want, wantErr := json.Marshal(r.reflectJSON())
	requireAppendJSON(t, r, want, wantErr, r.AppendJSON)
	if wantErr != nil {
		return
	}
	if marshaled, err := json.Marshal(r); err != nil || string(marshaled) != string(want) {
		t.Fatalf("json.Marshal of the result wrote\n%s (error %v)\nencoding/json writes\n%s", marshaled, err, want)
	}
}

// BenchmarkResultJSON compares AppendJSON with encoding/json's reflection on a warm call's result.
func BenchmarkResultJSON(b *testing.B) {
	startup, firstByte := 0.0, 0.000212
	r := &ExecutionResult{RequestID: "1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901",
		Output: map[string]any{"begin": json.Number("1764644645.123456"), "end": json.Number("1764644645.123789"),
			"is_cold": false, "request_id": "1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901", "container_id": "f00dfeed",
			"handler_ns": json.Number("3512"), "result": map[string]any{}},
		Times: ExecutionTimes{Client: 312, Benchmark: 3, ClientBegin: time.Now(), ClientEnd: time.Now(),
			HTTPStartup: &startup, HTTPFirstByteReturn: &firstByte},
		Detail: &Detail{ConnectionReused: true, ContainerID: "f00dfeed", HandlerNS: 3512, TimestampSource: "kernel",
			FirstByteUserNS: 230_000, Address: "bridge"}}
	b.Run("impl=append", func(b *testing.B) {
		b.ReportAllocs()
		buf := make([]byte, 0, 1024)
		for b.Loop() {
			var err error
			if buf, err = r.AppendJSON(buf[:0]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=reflect", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(r.reflectJSON()); err != nil {
				b.Fatal(err)
			}
		}
	})
}
