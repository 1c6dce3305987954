package bench

import (
	"encoding/json"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/gosebs/sebs"
)

// BenchmarkRecorderClose is what Close costs a run: it records closeCalls calls of the sleep fixture's
// shape (each with its own request ID) and times Close, which writes experiments.json and result.csv
// from them, into an empty folder (into=empty) or one that already holds a run of closeCalls calls
// (into=existing, as make bench's second process finds it). It reports Close's time per call recorded and
// the heap Close grew by, per call.
func BenchmarkRecorderClose(b *testing.B) {
	b.Run("into=empty", func(b *testing.B) { benchmarkRecorderClose(b, false) })
	b.Run("into=existing", func(b *testing.B) { benchmarkRecorderClose(b, true) })
}

func benchmarkRecorderClose(b *testing.B, existing bool) {
	const closeCalls = 20000
	cfg := sebs.FunctionConfig{Memory: 128, Runtime: sebs.Runtime{Language: sebs.LanguageGo, Version: "1.26"}}
	var proto sebs.ExecutionResult
	if err := json.Unmarshal([]byte(sleepResult), &proto); err != nil {
		b.Fatal(err)
	}
	var peak uint64
	record := func(dir string, run int) *Recorder {
		rec, err := NewRecorder(dir)
		if err != nil {
			b.Fatal(err)
		}
		for i := range closeCalls {
			var res sebs.ExecutionResult
			if err := json.Unmarshal([]byte(sleepResult), &res); err != nil {
				b.Fatal(err)
			}
			res.RequestID = strconv.Itoa(run) + "-" + strconv.Itoa(i)
			s := sebs.Sample{Benchmark: "sleep", Function: "sleep-go", Language: "go", Mode: "warm", Size: "test",
				RequestID: res.RequestID, Begin: time.Now(), ClientNS: 240_000}
			if err := rec.record(s, &res, cfg, time.Now()); err != nil {
				b.Fatal(err)
			}
		}
		return rec
	}
	for b.Loop() {
		b.StopTimer()
		dir := b.TempDir()
		if existing {
			if err := record(dir, 0).Close(); err != nil {
				b.Fatal(err)
			}
		}
		rec := record(dir, 1)
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		done := make(chan struct{})
		go func() { // the heap's high-water mark while Close runs
			var ms runtime.MemStats
			for {
				select {
				case <-done:
					return
				case <-time.After(20 * time.Millisecond):
					runtime.ReadMemStats(&ms)
					peak = max(peak, ms.HeapInuse-min(ms.HeapInuse, before.HeapInuse))
				}
			}
		}()
		b.StartTimer()
		if err := rec.Close(); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		close(done)
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*closeCalls), "ns/call")
	b.ReportMetric(float64(peak)/closeCalls, "heap-bytes/call")
}
