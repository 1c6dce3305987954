package bench

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gosebs/sebs"
)

// fakeCall returns a sample and result as Run makes them for a call with request id.
func fakeCall(id string, cold bool) (sebs.Sample, *sebs.ExecutionResult) {
	begin := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	res := &sebs.ExecutionResult{
		RequestID: id,
		Output: map[string]any{"request_id": id, "is_cold": cold,
			"result": map[string]any{"output": map[string]any{"result": strings.Repeat("x", 100)}}},
		Stats:  sebs.ExecutionStats{ColdStart: cold},
		Detail: &sebs.Detail{HandlerNS: 1000},
	}
	res.Times.SetClient(begin, begin.Add(700*time.Microsecond), 700*time.Microsecond)
	res.Times.SetHTTP(120*time.Microsecond, 650*time.Microsecond)
	res.Times.Benchmark = 1
	s := sebs.Sample{Benchmark: "sleep", Function: "sleep", Language: "go", Mode: "sequential", Size: "test",
		RequestID: id, IsCold: cold, Begin: begin, ClientNS: 700000}
	return s, res
}

func TestRecorderWritesUpstreamShapesAndMerges(t *testing.T) {
	dir := t.TempDir()
	for run := range 2 {
		rec, err := NewRecorder(dir)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			s, res := fakeCall(fmt.Sprintf("run%d-call%d", run, i), i == 0)
			if run == 1 {
				s.Mode = "cold" // the second process runs another mode, as make bench's second pass does
			}
			if err := rec.Record(s, res, 256); err != nil {
				t.Fatal(err)
			}
		}
		failed, _ := fakeCall("", false)
		failed.Error = "connection refused"
		if err := rec.Record(failed, nil, 256); err != nil {
			t.Fatal(err)
		}
		if err := rec.Close(); err != nil {
			t.Fatal(err)
		}
	}

	// experiments.json: upstream's keys, every invocation of both runs, outputs dropped.
	data, err := os.ReadFile(filepath.Join(dir, experimentsFile))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	top := slices.Sorted(maps.Keys(doc))
	if !slices.Equal(top, []string{"_invocations", "_metrics", "begin_time", "config", "end_time", "result_bucket", "statistics"}) {
		t.Errorf("experiments.json keys %q are not upstream's", top)
	}
	// Failed calls are counted in statistics, not stored as invocations (upstream's perf-cost).
	ids := slices.Sorted(maps.Keys(doc["_invocations"].(map[string]any)["sleep"].(map[string]any)))
	want := []string{"run0-call0", "run0-call1", "run0-call2", "run1-call0", "run1-call1", "run1-call2"}
	if !slices.Equal(ids, want) {
		t.Errorf("invocations %q, want %q", ids, want)
	}
	var exp sebs.ExperimentResult
	if err := json.Unmarshal(data, &exp); err != nil {
		t.Fatal(err)
	}
	inv := exp.Invocations["sleep"]["run1-call0"]
	if inv == nil || !inv.Stats.ColdStart || inv.Times.Client != 700 {
		t.Errorf("run1-call0 read back as %+v", inv)
	}
	if _, kept := inv.Output["result"].(map[string]any)["output"]; kept {
		t.Error("handler output kept in experiments.json without KeepOutputs")
	}
	if exp.BeginTime <= 0 || exp.EndTime < exp.BeginTime {
		t.Errorf("begin_time %v, end_time %v", exp.BeginTime, exp.EndTime)
	}
	pc := exp.Config["experiments"].(map[string]any)["experiments"].(map[string]any)["perf-cost"].(map[string]any)
	if pc["benchmark"] != "sleep" || pc["input-size"] != "test" {
		t.Errorf("config perf-cost = %v", pc)
	}
	if got := fmt.Sprint(pc["experiments"]); got != "[cold sequential]" {
		t.Errorf("config perf-cost experiments = %s, want both runs' modes [cold sequential]", got)
	}
	if pc["repetitions"] != float64(8) {
		t.Errorf("config perf-cost repetitions = %v, want both runs' 8", pc["repetitions"])
	}
	if strings.Contains(string(data), os.Getenv("HOME")+"\"") || strings.Contains(string(data), "secret") {
		t.Error("experiments.json holds environment values")
	}

	if exp.Statistics == nil || exp.Statistics.FailuresCount != 2 || exp.Statistics.SamplesGenerated != 6 ||
		!slices.Equal(exp.Statistics.Failures, []string{"connection refused", "connection refused"}) {
		t.Errorf("statistics = %+v, want both runs' failure and 6 samples", exp.Statistics)
	}

	// result.csv: upstream's header, one row per successful invocation of both runs.
	rows := readPerfCost(t, dir)
	if len(rows) != 6 {
		t.Fatalf("%d result.csv rows, want the 6 successful calls", len(rows))
	}
	r := rows[0]
	if r.Memory != 256 || r.Type != "sequential" || !r.IsCold || r.ClientTime != 700 || r.ConnectionTime == nil || *r.ConnectionTime != 0.00012 {
		t.Errorf("first row %+v (connection %v)", r, r.ConnectionTime)
	}

	// samples.jsonl: appended by both runs, the failed call with its error.
	samples, err := sebs.ReadSamples(filepath.Join(dir, samplesFile))
	if err != nil {
		t.Fatal(err)
	}
	if len(samples) != 8 || samples[3].Error != "connection refused" || samples[4].RequestID != "run1-call0" {
		t.Errorf("samples read back: %+v", samples)
	}
	raw, err := os.ReadFile(filepath.Join(dir, samplesFile))
	if err != nil {
		t.Fatal(err)
	}
	var line map[string]any
	if err := json.Unmarshal([]byte(strings.SplitN(string(raw), "\n", 2)[0]), &line); err != nil {
		t.Fatal(err)
	}
	wantKeys := []string{"begin", "benchmark", "client_ns", "connection_reused", "first_byte_ns", "function",
		"http_startup_ns", "is_cold", "language", "memory_peak_bytes", "mode", "request_id", "server_ns", "size"}
	if got := slices.Sorted(maps.Keys(line)); !slices.Equal(got, wantKeys) {
		t.Errorf("samples.jsonl keys %q, want DESIGN's %q", got, wantKeys)
	}
	if line["begin"] != "2025-01-02T03:04:05Z" {
		t.Errorf("begin = %v, want RFC 3339", line["begin"])
	}
}

func TestRecorderKeepsWarmColdCallsOutOfUpstreamFiles(t *testing.T) {
	dir := t.TempDir()
	rec, err := NewRecorder(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i, cold := range []bool{true, false} {
		s, res := fakeCall(fmt.Sprint("w", i), cold)
		s.Mode = "warm"
		if err := rec.Record(s, res, 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	exp := readExperiments(t, dir)
	if got := slices.Sorted(maps.Keys(exp.Invocations["sleep"])); !slices.Equal(got, []string{"w1"}) {
		t.Errorf("experiments.json holds %q, want only the warm call w1", got)
	}
	if samples, err := sebs.ReadSamples(filepath.Join(dir, samplesFile)); err != nil || len(samples) != 2 {
		t.Errorf("samples.jsonl: %d samples (%v), want both calls", len(samples), err)
	}
}

func TestRecorderKeepOutputs(t *testing.T) {
	dir := t.TempDir()
	rec, err := NewRecorder(dir)
	if err != nil {
		t.Fatal(err)
	}
	rec.KeepOutputs = true
	s, res := fakeCall("a", false)
	if err := rec.Record(s, res, 0); err != nil {
		t.Fatal(err)
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, experimentsFile))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), strings.Repeat("x", 100)) {
		t.Error("handler output dropped with KeepOutputs")
	}
}

// TestRecorderConcurrentRecords checks that concurrent benchmarks lose no line and interleave none.
func TestRecorderConcurrentRecords(t *testing.T) {
	dir := t.TempDir()
	rec, err := NewRecorder(dir)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				s, res := fakeCall(fmt.Sprintf("g%d-%d", g, i), false)
				if err := rec.Record(s, res, 0); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	if err := rec.Close(); err == nil {
		t.Error("second Close gave no error")
	}
	if s, res := fakeCall("late", false); rec.Record(s, res, 0) == nil {
		t.Error("Record after Close gave no error")
	}
	samples, err := sebs.ReadSamples(filepath.Join(dir, samplesFile))
	if err != nil {
		t.Fatal(err)
	}
	if len(samples) != 400 {
		t.Errorf("%d samples, want 400", len(samples))
	}
}

func TestNilRecorderRecordsNothing(t *testing.T) {
	var rec *Recorder
	s, res := fakeCall("a", false)
	if err := rec.Record(s, res, 0); err != nil {
		t.Error(err)
	}
	if err := rec.Close(); err != nil {
		t.Error(err)
	}
	if rec.Dir() != "" {
		t.Error("nil recorder has a folder")
	}
}

func TestRecorderFromEnv(t *testing.T) {
	t.Setenv(EnvResultsDir, "")
	if rec, err := RecorderFromEnv(); rec != nil || err != nil {
		t.Errorf("RecorderFromEnv with no folder = %v, %v; want nil, nil", rec, err)
	}
	dir := filepath.Join(t.TempDir(), "nested", "results")
	t.Setenv(EnvResultsDir, dir)
	rec, err := RecorderFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	if rec.Dir() != dir {
		t.Errorf("Dir() = %q, want %q", rec.Dir(), dir)
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, experimentsFile)); !os.IsNotExist(err) {
		t.Errorf("experiments.json written with no invocation (stat: %v)", err)
	}
}

func TestRecorderRefusesCorruptFiles(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, experimentsFile), []byte("not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	rec, err := NewRecorder(dir)
	if err != nil {
		t.Fatal(err)
	}
	s, res := fakeCall("a", false)
	if err := rec.Record(s, res, 0); err != nil {
		t.Fatal(err)
	}
	err = rec.Close()
	if err == nil || !strings.Contains(err.Error(), "move it away") {
		t.Errorf("Close over a corrupt experiments.json: %v", err)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, experimentsFile)); string(data) != "not json" {
		t.Error("corrupt experiments.json overwritten")
	}
}

// TestRecorderUnencodableResult: a result whose output cannot be written as JSON (built by hand, holding
// itself) is an error naming the request; its sample is still written, and the call counts as failed.
func TestRecorderUnencodableResult(t *testing.T) {
	dir := t.TempDir()
	rec, err := NewRecorder(dir)
	if err != nil {
		t.Fatal(err)
	}
	cyclic := map[string]any{}
	cyclic["self"] = cyclic
	res := &sebs.ExecutionResult{RequestID: "r-cyclic", Output: cyclic}
	s := sebs.Sample{Benchmark: "sleep", Function: "fn", Language: "go", Mode: "cold", Size: "test",
		RequestID: "r-cyclic", Begin: time.Now(), ClientNS: 1000}
	if err := rec.Record(s, res, 128); err == nil || !strings.Contains(err.Error(), `"r-cyclic"`) {
		t.Fatalf("recording an unencodable result: %v; want an error naming the request", err)
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	samples, err := sebs.ReadSamples(filepath.Join(dir, samplesFile))
	if err != nil || len(samples) != 1 {
		t.Fatalf("samples.jsonl: %d samples, %v; want the call's sample", len(samples), err)
	}
	exp := readExperiments(t, dir)
	if st := exp.Statistics; st == nil || st.FailuresCount != 1 || len(exp.Invocations["fn"]) != 0 {
		t.Fatalf("experiments.json statistics %+v, invocations %v; want the call counted as one failure", exp.Statistics, exp.Invocations)
	}
}

// readExperiments reads the experiments.json a Recorder wrote in dir.
func readExperiments(t *testing.T, dir string) sebs.ExperimentResult {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, experimentsFile))
	if err != nil {
		t.Fatal(err)
	}
	var exp sebs.ExperimentResult
	if err := json.Unmarshal(data, &exp); err != nil {
		t.Fatal(err)
	}
	return exp
}
