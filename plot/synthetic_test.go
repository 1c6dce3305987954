package plot

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// syntheticSamples makes a small run: three functions, warm and cold modes, log-normal times, a few
// failures. The cold mode's first call of each function is cold, as is one call in warm mode.
func syntheticSamples() []Sample {
	rng := rand.New(rand.NewPCG(1, 2))
	begin := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	var out []Sample
	for _, fn := range []struct {
		name     string
		serverMS float64
	}{{"sleep", 1}, {"dynamic-html", 0.3}, {"graph-bfs", 4}} {
		for _, mode := range []string{"warm", "cold"} {
			for i := range 40 {
				cold := mode == "cold" || i == 0
				connect := 0.15 * (1 + 0.3*rng.NormFloat64()*0.3)
				server := fn.serverMS * (1 + 0.1*rng.Float64())
				wait := 0.25 * (1 + rng.ExpFloat64()*0.5)
				if cold {
					wait += 3 + 2*rng.Float64() // the first call loads the handler
				}
				read := 0.05 * (1 + rng.Float64())
				ms := func(x float64) int64 { return int64(x * 1e6) }
				s := Sample{
					Benchmark: fn.name, Function: fn.name, Language: "go", Mode: mode, Size: "test",
					RequestID: "r", IsCold: cold, Begin: begin,
					HTTPStartupNS: ms(connect), ServerNS: ms(server),
					FirstByteNS: ms(connect + server + wait), ClientNS: ms(connect + server + wait + read),
				}
				if i == 7 && mode == "warm" {
					s = Sample{Function: fn.name, Mode: mode, Error: "timed out"}
				}
				out = append(out, s)
			}
		}
	}
	return out
}

// writeSamples writes samples as samples.jsonl in a new directory and returns the directory.
func writeSamples(t *testing.T, samples []Sample) string {
	t.Helper()
	dir := t.TempDir()
	f, err := os.Create(filepath.Join(dir, "samples.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	enc := json.NewEncoder(f)
	for _, s := range samples {
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}
