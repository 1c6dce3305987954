package sebs_test

import (
	"encoding/json"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gosebs/sebs"
)

// upstreamExperiment is an experiments.json as upstream writes it (sebs.md §1.7, §1.8), with a
// configuration trimmed of its deployment secrets.
const upstreamExperiment = `{
  "_invocations": {
    "sebs-local-010.sleep-python-3.11": {
      "9b1d3c4e-5f60-4a1b-8c2d-3e4f5a6b7c8d": {
        "billing": {"_billed_time": null, "_gb_seconds": 0, "_memory": null},
        "output": {"begin": "1735787045.100000", "end": "1735787045.101234", "is_cold": false,
                   "request_id": "9b1d3c4e-5f60-4a1b-8c2d-3e4f5a6b7c8d", "result": {"output": {"result": 1}}},
        "provider_times": {"execution": 0, "initialization": 0},
        "request_id": "9b1d3c4e-5f60-4a1b-8c2d-3e4f5a6b7c8d",
        "stats": {"cold_start": false, "failure": false, "memory_used": null},
        "times": {"benchmark": 1234, "client": 2500,
                  "client_begin": "2025-01-02 03:04:05.123456", "client_end": "2025-01-02 03:04:05.125956",
                  "http_first_byte_return": 0.0021, "http_startup": 0.000123, "initialization": 0}
      }
    }
  },
  "_metrics": {"sebs-local-010.sleep-python-3.11": {}},
  "begin_time": 1735787045.0,
  "end_time": 1735787046.5,
  "config": {"experiments": {"update_code": false, "experiments": {"perf-cost": {"benchmark": "010.sleep"}}},
             "deployment": {"name": "local", "region": ""}},
  "result_bucket": null
}`

func TestExperimentResultReadsUpstream(t *testing.T) {
	var e sebs.ExperimentResult
	if err := json.Unmarshal([]byte(upstreamExperiment), &e); err != nil {
		t.Fatal(err)
	}
	fn := "sebs-local-010.sleep-python-3.11"
	if got := e.Functions(); !slices.Equal(got, []string{fn}) {
		t.Fatalf("Functions() = %q, want [%q]", got, fn)
	}
	r := e.Invocations[fn]["9b1d3c4e-5f60-4a1b-8c2d-3e4f5a6b7c8d"]
	if r == nil {
		t.Fatal("invocation 9b1d… not read")
	}
	if r.Times.Client != 2500 || r.Times.Benchmark != 1234 || r.RequestID != "9b1d3c4e-5f60-4a1b-8c2d-3e4f5a6b7c8d" {
		t.Errorf("invocation read as times %+v, request id %q", r.Times, r.RequestID)
	}
	if e.BeginTime != 1735787045.0 || e.EndTime != 1735787046.5 {
		t.Errorf("begin/end = %v/%v, want 1735787045/1735787046.5", e.BeginTime, e.EndTime)
	}
	if e.ResultBucket != nil {
		t.Errorf("result_bucket = %q, want null", *e.ResultBucket)
	}
	if _, ok := e.Metrics[fn]; !ok {
		t.Errorf("_metrics lost: %v", e.Metrics)
	}
	if e.Config["deployment"].(map[string]any)["name"] != "local" {
		t.Errorf("config lost: %v", e.Config)
	}
}

func TestExperimentResultReadsLegacyMetricsKey(t *testing.T) {
	var e sebs.ExperimentResult
	if err := json.Unmarshal([]byte(`{"_invocations": {}, "metrics": {"f": {"x": 1}}}`), &e); err != nil {
		t.Fatal(err)
	}
	if e.Metrics["f"]["x"] != 1.0 {
		t.Errorf("metrics = %v, want f.x = 1", e.Metrics)
	}
}

// TestExperimentResultWritesUpstreamShape writes a result with AddInvocation, reads the file back as
// plain JSON and checks upstream's keys at every level.
func TestExperimentResultWritesUpstreamShape(t *testing.T) {
	var e sebs.ExperimentResult
	begin := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	e.Observe(begin)
	e.Observe(begin.Add(1500 * time.Millisecond))
	ok := expResult("req-1", false)
	e.AddInvocation("sleep", ok)
	e.AddInvocation("sleep", &sebs.ExecutionResult{Stats: sebs.ExecutionStats{Failure: true}})
	e.AddInvocation("sleep", &sebs.ExecutionResult{Stats: sebs.ExecutionStats{Failure: true}})
	e.AddInvocation("sleep", nil)
	e.Config = map[string]any{"deployment": map[string]any{"name": "local", "region": ""}}

	data, err := sebs.MarshalUpstream(e)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("written experiments.json does not parse: %v\n%s", err, data)
	}
	if diff := cmp.Diff([]string{"_invocations", "_metrics", "begin_time", "config", "end_time", "result_bucket"}, expKeys(doc)); diff != "" {
		t.Errorf("top-level keys (-want +got):\n%s", diff)
	}
	if doc["result_bucket"] != nil {
		t.Errorf("result_bucket = %v, want null", doc["result_bucket"])
	}
	if b, en := doc["begin_time"].(float64), doc["end_time"].(float64); b != float64(begin.Unix()) || en-b != 1.5 {
		t.Errorf("begin_time, end_time = %v, %v; want %v and 1.5 s later", b, en, begin.Unix())
	}
	byID := doc["_invocations"].(map[string]any)["sleep"].(map[string]any)
	if diff := cmp.Diff([]string{"failed-1", "failed-2", "req-1"}, expKeys(byID)); diff != "" {
		t.Errorf("request ids (-want +got):\n%s", diff)
	}
	inv := byID["req-1"].(map[string]any)
	want := []string{"billing", "output", "provider_times", "request_id", "stats", "times"}
	if got := expKeys(inv); !expSubset(want, got) {
		t.Errorf("invocation keys %q lack upstream's %q", got, want)
	}
	times := inv["times"].(map[string]any)
	if times["client"] != 2500.0 || times["http_startup"] != 0.000123 {
		t.Errorf("times = %v, want client 2500 (µs) and http_startup 0.000123 (s)", times)
	}

	var back sebs.ExperimentResult
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if got := back.Invocations["sleep"]["req-1"]; got == nil || got.Times.Client != ok.Times.Client || got.RequestID != "req-1" {
		t.Errorf("read back req-1 = %+v", got)
	}
	if back.BeginTime != e.BeginTime || back.EndTime != e.EndTime {
		t.Errorf("read back begin/end %v/%v, want %v/%v", back.BeginTime, back.EndTime, e.BeginTime, e.EndTime)
	}
}

func TestExperimentResultZeroValueWritesEmptyObjects(t *testing.T) {
	data, err := json.Marshal(sebs.ExperimentResult{})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"_invocations":{},"_metrics":{},"begin_time":0,"end_time":0,"config":{},"result_bucket":null}`
	if string(data) != want {
		t.Errorf("zero value = %s, want %s", data, want)
	}
}

func TestExperimentResultMerge(t *testing.T) {
	a := sebs.ExperimentResult{BeginTime: 10, EndTime: 20, Config: map[string]any{"a": 1}}
	a.AddInvocation("f", expResult("r1", true))
	b := sebs.ExperimentResult{BeginTime: 5, EndTime: 15, Config: map[string]any{"b": 2},
		Metrics: map[string]map[string]any{"g": {"m": 1}}}
	b.AddInvocation("f", expResult("r2", false))
	b.AddInvocation("g", expResult("r3", false))
	a.AddInvocation("f", &sebs.ExecutionResult{}) // failed-1
	b.AddInvocation("f", &sebs.ExecutionResult{}) // failed-1 too
	a.Merge(&b)
	a.Merge(nil)
	if got := expKeys(a.Invocations["f"]); !slices.Equal(got, []string{"failed-1", "failed-2", "r1", "r2"}) {
		t.Errorf("merged f = %q; want both failures kept, the second renumbered", got)
	}
	delete(a.Invocations["f"], "failed-1")
	delete(a.Invocations["f"], "failed-2")
	if got := expKeys(a.Invocations["f"]); !slices.Equal(got, []string{"r1", "r2"}) {
		t.Errorf("merged f = %q, want r1, r2", got)
	}
	if a.Invocations["g"]["r3"] == nil || a.Metrics["g"]["m"] != 1 {
		t.Errorf("merged g lost: %v %v", a.Invocations["g"], a.Metrics)
	}
	if a.BeginTime != 5 || a.EndTime != 20 {
		t.Errorf("merged bounds %v..%v, want 5..20", a.BeginTime, a.EndTime)
	}
	if a.Config["a"] != 1 {
		t.Errorf("merge replaced the config: %v", a.Config)
	}
}

func expResult(id string, cold bool) *sebs.ExecutionResult {
	r := &sebs.ExecutionResult{
		Output:    map[string]any{"request_id": id, "is_cold": cold, "result": map[string]any{"output": map[string]any{"result": 1}}},
		RequestID: id,
		Stats:     sebs.ExecutionStats{ColdStart: cold},
	}
	begin := time.Date(2025, 1, 2, 3, 4, 5, 123456000, time.Local)
	r.Times.SetClient(begin, begin.Add(2500*time.Microsecond), 2500*time.Microsecond)
	r.Times.SetHTTP(123*time.Microsecond, 2100*time.Microsecond)
	r.Times.Benchmark = 1234
	return r
}

func expKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func expSubset(want, got []string) bool {
	for _, w := range want {
		if !slices.Contains(got, w) {
			return false
		}
	}
	return true
}
