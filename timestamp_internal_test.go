package sebs

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestAppendUpstreamTimeMatchesFormat checks the directly written fields against time.Format with upstream's
// layouts over random times, with and without microseconds, in the local zone, in a naive zone, and beyond
// year 9999.
func TestAppendUpstreamTimeMatchesFormat(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	naive := time.FixedZone(naiveZone, 5*3600+1800)
	times := []time.Time{
		time.Date(2025, 1, 2, 3, 4, 5, 123456789, time.UTC), time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
		time.Date(2025, 1, 2, 3, 4, 5, 999, time.UTC), time.Date(1, 1, 1, 0, 0, 0, 1000, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, naive), time.Date(10000, 1, 1, 0, 0, 0, 5000, time.UTC),
		time.Date(-5, 6, 7, 8, 9, 10, 11000, time.UTC), time.Date(2026, 12, 2, 0, 0, 0, 1000, naive),
	}
	for range 2000 {
		sec := rng.Int64N(400 * 365 * 86400)
		tm := time.Unix(sec-200*365*86400, rng.Int64N(1e9))
		if rng.IntN(4) == 0 {
			tm = tm.Truncate(time.Second)
		}
		if rng.IntN(3) == 0 {
			tm = tm.In(naive)
		}
		times = append(times, tm)
	}
	for _, tm := range times {
		local, layout := upstreamForm(tm)
		want := `"` + local.Format(layout) + `"`
		if got := string(appendUpstreamTime([]byte("x"), tm)); got != "x"+want {
			t.Fatalf("appendUpstreamTime(%v) = %s, want x%s", tm, got, want)
		}
	}
}
