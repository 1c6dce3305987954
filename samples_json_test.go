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

// fullSample has every field of Sample set, so a field added to Sample and not to its AppendJSON
// fails TestSampleAppendJSONMatchesMarshal.
func fullSample() Sample {
	return Sample{Benchmark: "sleep", Function: "sleep-go", Language: "go", Mode: "cold", Size: "test",
		RequestID: "9d2a3c4e-1b5f", IsCold: true, Begin: time.Date(2026, 12, 2, 3, 4, 5, 600700800, time.UTC),
		ClientNS: 1, HTTPStartupNS: -2, FirstByteNS: 3, ServerNS: 4, ConnectionReused: true, MemoryPeakBytes: math.MaxUint64,
		ColdStart:   &Startup{Create: 5, Start: 6, Ready: 7, FirstByte: 8},
		Measurement: map[string]float64{"upload_time": 12.5, "download_size": 1e21, "tiny": 1e-7, "zero": 0, "neg": -3},
		Error:       "bench: call failed",
	}
}

func TestSampleAppendJSONMatchesMarshal(t *testing.T) {
	full := fullSample()
	v := reflect.ValueOf(full)
	for i := range v.NumField() {
		if v.Field(i).IsZero() {
			t.Fatalf("fullSample leaves %s zero; set it, and check AppendJSON writes it", v.Type().Field(i).Name)
		}
	}
	cases := map[string]Sample{
		"full":     full,
		"zero":     {},
		"warm":     {Benchmark: "graph-bfs", Language: "python", Mode: "warm", Begin: time.Now(), ClientNS: 812_000},
		"escapes":  {Benchmark: "a\"b\\c", Function: "<fn>&", Language: "ünïcödé", Mode: "tab\there", Error: "line\nbreak \u2028 \x01 \xff"},
		"zone":     {Begin: time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("CET", 3600))},
		"oddzone":  {Begin: time.Date(1850, 1, 2, 3, 4, 5, 0, time.FixedZone("LMT", 1050))},
		"year0":    {Begin: time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)},
		"zone24h":  {Begin: time.Date(2025, 1, 1, 0, 0, 0, 0, time.FixedZone("x", 24*3600))},
		"emptymap": {Measurement: map[string]float64{}},
	}
	for name, s := range cases {
		t.Run(name, func(t *testing.T) { requireSampleJSON(t, s) })
	}
	for _, bad := range []float64{math.NaN(), math.Inf(1)} {
		s := Sample{Measurement: map[string]float64{"x": bad}}
		if _, err := s.AppendJSON(nil); err == nil || !strings.Contains(err.Error(), `measurement "x"`) {
			t.Errorf("a measurement of %v: want an error naming measurement \"x\" (json.Marshal refuses it), got %v", bad, err)
		}
	}
	if _, err := (Sample{Begin: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}).AppendJSON(nil); err == nil {
		t.Error("a time in year 10000 encoded without error; json.Marshal refuses it")
	}
}

// TestSampleAppendJSONRandom compares AppendJSON with json.Marshal on random strings and numbers.
func TestSampleAppendJSONRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	str := func() string { return randomText(r, 8) }
	num := func() float64 {
		return math.Float64frombits(r.Uint64()) // any bits: NaN and Inf go the json.Marshal way
	}
	for range 2000 {
		s := Sample{Benchmark: str(), Function: str(), RequestID: str(), Error: str(),
			Begin: time.Unix(r.Int64N(1<<34), r.Int64N(1e9)), ClientNS: r.Int64() - r.Int64(), MemoryPeakBytes: r.Uint64(),
			Measurement: map[string]float64{str(): num(), str(): r.NormFloat64() * math.Pow(10, float64(r.IntN(60)-30))}}
		requireSampleJSON(t, s)
	}
}

func requireSampleJSON(t *testing.T, s Sample) {
	t.Helper()
	want, wantErr := json.Marshal(s)
	requireAppendJSON(t, s, want, wantErr, s.AppendJSON)
}

// requireAppendJSON fails unless appendJSON, given a prefix, appends want after it, or both it and the
// encoding/json call that gave want (wantErr) fail. v is what was encoded, for the message.
func requireAppendJSON(t *testing.T, v any, want []byte, wantErr error, appendJSON func([]byte) ([]byte, error)) {
	t.Helper()
	got, err := appendJSON([]byte("prefix"))
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("AppendJSON error %v, encoding/json error %v, for %+v", err, wantErr, v)
	}
	if wantErr != nil {
		return
	}
	if !strings.HasPrefix(string(got), "prefix") || string(got[len("prefix"):]) != string(want) {
		t.Fatalf("AppendJSON wrote\n%s\nencoding/json writes\n%s", got, want)
	}
}
