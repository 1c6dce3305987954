package bench

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/sebstest"
)

// loggingServer answers as the Go sleep fixture does, numbering its calls from 1 in their request IDs, and
// returns a function for it (no container: the call log is about what happens in the test process).
func loggingServer(t testing.TB) (*sebstest.Function, *atomic.Int64) {
	t.Helper()
	var calls atomic.Int64
	srv := sleepServer(t, &calls)
	fn, err := sebstest.Endpoint(srv.URL, sebstest.WithName("logged"), sebstest.WithKeepAlive(), sebstest.WithProgress(io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = fn.Stop(t.Context()) })
	return fn, &calls
}

// TestRunRecordsEveryLoggedCall: a Run with a log that fills every few calls (so that callers hand it over
// during the loop as well as Run after it), or with the default limit, records every call once, in
// samples.jsonl, experiments.json and result.csv; with one caller, whose calls the server numbers in the
// order they were made, samples.jsonl keeps that order across the hand-overs.
func TestRunRecordsEveryLoggedCall(t *testing.T) {
	for _, c := range []struct{ conc, limit int }{{4, 0}, {4, 4 << 10}, {1, 4 << 10}} {
		t.Run(fmt.Sprintf("conc=%d/limit=%d", c.conc, c.limit), func(t *testing.T) {
			conc, limit := c.conc, c.limit
			fn, calls := loggingServer(t)
			dir := t.TempDir()
			rec, err := NewRecorder(dir)
			if err != nil {
				t.Fatal(err)
			}
			rec.logLimit = limit
			r := testing.Benchmark(func(b *testing.B) {
				Run(b, []*sebstest.Function{fn}, Spec{Mode: ModeWarm, Concurrency: conc, Recorder: rec,
					Benchmark: "sleep", Language: "go", Size: "test"})
			})
			// Run has written its calls' samples to the file before it returns (no Close needed).
			before, err := sebs.ReadSamples(filepath.Join(dir, samplesFile))
			if err != nil {
				t.Fatal(err)
			}
			if err := rec.Close(); err != nil {
				t.Fatal(err)
			}
			n := int(calls.Load())
			if len(before) != n {
				t.Errorf("samples.jsonl held %d of %d calls when Run returned", len(before), n)
			}
			if r.N == 0 || n < conc*r.N {
				t.Fatalf("%d iterations, %d calls", r.N, n)
			}
			samples, err := sebs.ReadSamples(filepath.Join(dir, samplesFile))
			if err != nil {
				t.Fatal(err)
			}
			var ids []int
			for _, s := range samples {
				if s.Failed() || s.Function != "logged" || s.ClientNS <= 0 {
					t.Fatalf("sample %+v", s)
				}
				id, err := strconv.Atoi(s.RequestID[len("req-"):])
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, id)
			}
			if conc == 1 && !slices.IsSorted(ids) {
				t.Error("samples.jsonl does not keep the order of one caller's calls")
			}
			// Every call, once each (the endpoint's answers say is_cold, so no first call is discarded).
			slices.Sort(ids)
			if len(ids) != n || ids[0] != 1 || ids[n-1] != n || len(slices.Compact(ids)) != n {
				t.Errorf("%d samples for %d calls, request numbers %d to %d", len(ids), n, ids[0], ids[len(ids)-1])
			}
			var exp sebs.ExperimentResult
			data, err := os.ReadFile(filepath.Join(dir, experimentsFile))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(data, &exp); err != nil {
				t.Fatal(err)
			}
			if got := len(exp.Invocations["logged"]); got != n {
				t.Errorf("%d invocations in experiments.json for %d calls", got, n)
			}
			if rows := readPerfCost(t, dir); len(rows) != n {
				t.Errorf("%d rows in result.csv for %d calls", len(rows), n)
			}
		})
	}
}

// TestRunRecordsTheCallsBeforeAFailure: a loop that ends at a failed validation still writes the calls
// it made, the failed one with its error.
func TestRunRecordsTheCallsBeforeAFailure(t *testing.T) {
	fn, calls := loggingServer(t)
	dir := t.TempDir()
	rec, err := NewRecorder(dir)
	if err != nil {
		t.Fatal(err)
	}
	const failAt = 10
	var validations atomic.Int64
	r := testing.Benchmark(func(b *testing.B) {
		Run(b, []*sebstest.Function{fn}, Spec{Mode: ModeWarm, Recorder: rec, Validate: func(json.RawMessage) error {
			if validations.Add(1) >= failAt {
				return errors.New("wrong on purpose")
			}
			return nil
		}})
	})
	samples := closeAndReadSamples(t, rec)
	if r.N != 0 {
		t.Fatalf("a failing benchmark ran %d iterations", r.N)
	}
	if want := int(calls.Load()); len(samples) != want || want != failAt {
		t.Fatalf("%d samples, want the %d calls of the loop", len(samples), want)
	}
	if last := samples[len(samples)-1]; last.Error == "" || samples[0].Error != "" {
		t.Errorf("first sample's error %q, last's %q: want only the last failed", samples[0].Error, last.Error)
	}
}

// TestRunRecordsTheCallsBeforeAFatal: a loop that a Validate ends with b.Fatal (runtime.Goexit in the
// benchmark's goroutine) still writes the calls logged before it.
func TestRunRecordsTheCallsBeforeAFatal(t *testing.T) {
	fn, calls := loggingServer(t)
	dir := t.TempDir()
	rec, err := NewRecorder(dir)
	if err != nil {
		t.Fatal(err)
	}
	const fatalAt = 5
	validations := 0
	testing.Benchmark(func(b *testing.B) {
		Run(b, []*sebstest.Function{fn}, Spec{Mode: ModeSequential, Recorder: rec, Validate: func(json.RawMessage) error {
			if validations++; validations == fatalAt {
				b.Fatal("stopped on purpose")
			}
			return nil
		}})
	})
	samples := closeAndReadSamples(t, rec)
	// Sequential mode's warm-up call is validated but not logged; the call whose validation stopped the
	// loop was never logged either.
	if want := fatalAt - 2; len(samples) != want || calls.Load() != fatalAt {
		t.Errorf("%d samples of %d calls, want the %d logged before the b.Fatal", len(samples), calls.Load(), want)
	}
}

// TestRunRefusesAClosedRecorder: before the loop, not after it.
func TestRunRefusesAClosedRecorder(t *testing.T) {
	fn, calls := loggingServer(t)
	rec, err := NewRecorder(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	r := testing.Benchmark(func(b *testing.B) {
		Run(b, []*sebstest.Function{fn}, Spec{Mode: ModeWarm, Recorder: rec})
	})
	if r.N != 0 || calls.Load() != 0 {
		t.Errorf("a Run with a closed Recorder ran %d iterations, %d calls", r.N, calls.Load())
	}
}

// TestCallLogKeepsOrderAcrossKinds: snapshots and calls kept as values come back in the order added, over
// several blocks, and the blocks go back to the pool.
func TestCallLogKeepsOrderAcrossKinds(t *testing.T) {
	var l callLog
	var pool blockPool
	const calls = 3000 // a few blocks' worth
	for i := range calls {
		s, res := fakeCall(fmt.Sprintf("req-%d", i), false)
		if i%7 == 0 {
			res.Output["odd"] = i // an int: no snapshot holds it
			l.addObject(loggedCall{sample: s, res: res, fn: i % 3, recorded: time.Unix(int64(i), 0)}, &pool)
			continue
		}
		entry, ok := snapshotCall(nil, i%3, time.Unix(int64(i), 0), &s, res)
		if !ok {
			t.Fatal("not held")
		}
		l.add(entry, &pool)
	}
	if len(l.blocks) < 2 {
		t.Fatalf("%d blocks: the test should span several", len(l.blocks))
	}
	if objects := len(l.objects); objects != (calls+6)/7 || l.size < objects*objectSize {
		t.Errorf("%d calls kept as values count %d bytes in all towards the limit", objects, l.size)
	}
	blocks := len(l.blocks)
	i := 0
	err := l.replay(&pool, func(fn int, recorded time.Time, s sebs.Sample, res *sebs.ExecutionResult) error {
		if want := fmt.Sprintf("req-%d", i); s.RequestID != want || res.RequestID != want || fn != i%3 || recorded.Unix() != int64(i) {
			t.Fatalf("call %d read back as %s/%s of function %d at %v", i, s.RequestID, res.RequestID, fn, recorded)
		}
		if _, odd := res.Output["odd"]; odd != (i%7 == 0) {
			t.Fatalf("call %d: output %v", i, res.Output)
		}
		i++
		return nil
	})
	if err != nil || i != calls {
		t.Fatalf("replayed %d of %d calls: %v", i, calls, err)
	}
	if l.size != 0 || len(l.blocks) != 0 || len(pool.free) != blocks {
		t.Errorf("after replay: %d bytes, %d blocks held, %d of %d blocks in the pool", l.size, len(l.blocks), len(pool.free), blocks)
	}
	if b := pool.get(1); cap(b) != logBlock || len(b) != 0 {
		t.Errorf("pool gave a block of len %d cap %d", len(b), cap(b))
	}
	pool.release() // the Recorder is closed: nothing is kept from then on
	pool.put(make([]byte, 0, logBlock))
	if len(pool.free) != 0 {
		t.Errorf("a released pool holds %d blocks", len(pool.free))
	}
}

// TestCallLogReportsDamage: a damaged block stops the replay with errSnapshot, after the calls before it.
func TestCallLogReportsDamage(t *testing.T) {
	var l callLog
	s, res := fakeCall("req-0", false)
	entry, _ := snapshotCall(nil, 0, time.Now(), &s, res)
	l.add(entry, &blockPool{})
	l.blocks[0] = append(l.blocks[0], 0xee)
	n := 0
	err := l.replay(&blockPool{}, func(int, time.Time, sebs.Sample, *sebs.ExecutionResult) error { n++; return nil })
	if !errors.Is(err, errSnapshot) || n != 1 {
		t.Errorf("replay of a damaged log: %d calls, %v", n, err)
	}
}
