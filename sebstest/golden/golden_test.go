package golden_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/sebstest/golden"
)

// recordingTB is a testing.TB that records failures instead of failing the real test.
type recordingTB struct {
	testing.TB
	errors []string
	logs   []string
}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recordingTB) Error(args ...any) { r.errors = append(r.errors, fmt.Sprint(args...)) }
func (r *recordingTB) Fatalf(format string, args ...any) {
	r.errors = append(r.errors, "FATAL "+fmt.Sprintf(format, args...))
}
func (r *recordingTB) Fatal(args ...any) { r.errors = append(r.errors, "FATAL "+fmt.Sprint(args...)) }
func (r *recordingTB) FailNow()          { r.errors = append(r.errors, "FATAL FailNow") }
func (r *recordingTB) Fail()             { r.errors = append(r.errors, "Fail") }
func (r *recordingTB) Logf(format string, args ...any) {
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}

// run calls Result with a recorder and returns it.
func run(t *testing.T, name string, got any, opts ...golden.Option) *recordingTB {
	t.Helper()
	rec := &recordingTB{TB: t}
	golden.Result(rec, name, got, opts...)
	return rec
}

// result is an ExecutionResult as an invocation returns it; seed changes every volatile field.
func result(seed int64, output any) *sebs.ExecutionResult {
	startup, firstByte, mem := 0.0001*float64(seed), 0.002*float64(seed), 60.5+float64(seed)
	begin := time.Date(2025, 1, 2, 3, 4, 5, int(seed)*1000, time.UTC)
	return &sebs.ExecutionResult{
		Output: map[string]any{
			"begin": fmt.Sprintf("1735787045.%06d", seed), "end": "1735787045.999999",
			"request_id": fmt.Sprint("req-", seed), "is_cold": true,
			"container_id": fmt.Sprintf("%012x", seed), "handler_ns": 1000 * seed,
			"result": map[string]any{"output": output},
		},
		RequestID: fmt.Sprint("req-", seed),
		Times: sebs.ExecutionTimes{
			Client: 2500 + seed, ClientBegin: begin, ClientEnd: begin.Add(time.Millisecond),
			Benchmark: 1234 + seed, HTTPStartup: &startup, HTTPFirstByteReturn: &firstByte,
		},
		Stats:  sebs.ExecutionStats{ColdStart: true, MemoryUsed: &mem},
		Detail: &sebs.Detail{ContainerID: fmt.Sprintf("%012x", seed), HandlerNS: 1000 * seed},
	}
}

func TestGoldenMatchesAcrossVolatileFields(t *testing.T) {
	dir := t.TempDir()
	output := map[string]any{"result": 0.001}
	if rec := run(t, "sleep", result(1, output), golden.Dir(dir), golden.Update(true)); len(rec.errors) > 0 {
		t.Fatalf("update: %v", rec.errors)
	}
	rec := run(t, "sleep", result(2, output), golden.Dir(dir), golden.Update(false))
	if len(rec.errors) > 0 {
		t.Errorf("a result that differs only in volatile fields failed: %v", rec.errors)
	}
}

func TestGoldenMismatchFailsWithDiff(t *testing.T) {
	dir := t.TempDir()
	opts := []golden.Option{golden.Dir(dir)}
	run(t, "sleep", result(1, map[string]any{"result": 0.001}), append(opts, golden.Update(true))...)

	rec := run(t, "sleep", result(1, map[string]any{"result": 0.5}), append(opts, golden.Update(false))...)
	if len(rec.errors) != 1 {
		t.Fatalf("got %d errors, want 1: %q", len(rec.errors), rec.errors)
	}
	msg := rec.errors[0]
	for _, want := range []string{"sleep mismatch (-want +got):", "0.001", "0.5", "-sebs.update", "SEBS_UPDATE_GOLDEN=1"} {
		if !strings.Contains(msg, want) {
			t.Errorf("failure message lacks %q:\n%s", want, msg)
		}
	}
	if strings.HasPrefix(msg, "FATAL") {
		t.Errorf("a mismatch stopped the test; want Errorf: %s", msg)
	}
}

func TestGoldenMissingFileSaysHowToCreateIt(t *testing.T) {
	rec := run(t, "absent", map[string]any{"a": 1}, golden.Dir(t.TempDir()), golden.Update(false))
	if len(rec.errors) != 1 || !strings.Contains(rec.errors[0], "does not exist") ||
		!strings.Contains(rec.errors[0], "-sebs.update") || !strings.Contains(rec.errors[0], t.Name()) {
		t.Errorf("errors = %q, want one saying the file does not exist and how to create it", rec.errors)
	}
}

func TestGoldenUpdateRewritesFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "value.golden")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(`{"old": true}`), 0o644); err != nil {
		t.Fatal(err)
	}
	got := map[string]any{"new": "<b>", "a": []int{1, 2}}
	rec := run(t, "sub/value", got, golden.Dir(dir), golden.Update(true))
	if len(rec.errors) > 0 || len(rec.logs) != 1 || !strings.Contains(rec.logs[0], path) {
		t.Fatalf("errors %q, logs %q; want none and one log naming %s", rec.errors, rec.logs, path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"new\": \"<b>\"\n}\n"
	if diff := cmp.Diff(want, string(data)); diff != "" {
		t.Errorf("rewritten file mismatch (-want +got):\n%s", diff)
	}
	if rec := run(t, "sub/value", got, golden.Dir(dir), golden.Update(false)); len(rec.errors) > 0 {
		t.Errorf("compare after update: %v", rec.errors)
	}
}

func TestGoldenUpdateFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(golden.EnvUpdate, "1")
	if rec := run(t, "env", map[string]any{"a": 1}, golden.Dir(dir)); len(rec.errors) > 0 {
		t.Fatalf("update: %v", rec.errors)
	}
	if _, err := os.Stat(filepath.Join(dir, "env.golden")); err != nil {
		t.Errorf("%s=1 did not write the file: %v", golden.EnvUpdate, err)
	}

	t.Setenv(golden.EnvUpdate, "perhaps")
	rec := run(t, "env", map[string]any{"a": 1}, golden.Dir(dir))
	if len(rec.errors) != 1 || !strings.Contains(rec.errors[0], "not a boolean") {
		t.Errorf("errors = %q, want one saying the variable is not a boolean", rec.errors)
	}
}

func TestGoldenRejectsEscapingNameAndBadGolden(t *testing.T) {
	dir := t.TempDir()
	if rec := run(t, "../x", 1, golden.Dir(dir), golden.Update(true)); len(rec.errors) != 1 {
		t.Errorf("name ../x: errors = %q, want one", rec.errors)
	}
	if err := os.WriteFile(filepath.Join(dir, "bad.golden"), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	rec := run(t, "bad", 1, golden.Dir(dir), golden.Update(false))
	if len(rec.errors) != 1 || !strings.Contains(rec.errors[0], "not valid JSON") {
		t.Errorf("corrupt golden: errors = %q, want one saying it is not valid JSON", rec.errors)
	}
}

func TestGoldenJSONMasksVolatileFieldsKeepingShape(t *testing.T) {
	got, err := golden.JSON(result(7, map[string]any{
		"result":      map[string]any{"nodes": 10},
		"measurement": map[string]any{"graph_generating_time": 12, "compute_time": 34},
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "billing": {
    "_billed_time": null,
    "_gb_seconds": 0,
    "_memory": null
  },
  "detail": {
    "connection_reused": false,
    "container_id": "<container_id>",
    "handler_ns": 0
  },
  "output": {
    "begin": "<begin>",
    "container_id": "<container_id>",
    "end": "<end>",
    "handler_ns": 0,
    "is_cold": true,
    "request_id": "<request_id>",
    "result": {
      "output": {
        "measurement": {
          "compute_time": 0,
          "graph_generating_time": 0
        },
        "result": {
          "nodes": 10
        }
      }
    }
  },
  "provider_times": {
    "execution": 0,
    "initialization": 0
  },
  "request_id": "<request_id>",
  "stats": {
    "cold_start": true,
    "failure": false,
    "memory_used": 0
  },
  "times": {
    "benchmark": 0,
    "client": 0,
    "client_begin": "<client_begin>",
    "client_end": "<client_end>",
    "http_first_byte_return": 0,
    "http_startup": 0,
    "initialization": 0
  }
}
`
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("GoldenJSON mismatch (-want +got):\n%s", diff)
	}
}

func TestGoldenJSONOptions(t *testing.T) {
	value := map[string]any{
		"benchmark": "sleep", "client_ns": 1234, "port": 8080, "memory_used": nil, "samples": []any{1, 2},
		"page": map[string]any{"html": "<li>42</li>", "id": "x"},
	}
	tests := []struct {
		name string
		opts []golden.Option
		want string
	}{
		{"defaults", nil,
			`{"benchmark":"sleep","client_ns":0,"memory_used":null,"page":{"html":"<li>42</li>","id":"x"},"port":0,"samples":[1,2]}`},
		{"keep and mask", []golden.Option{golden.Keep("port"), golden.Mask("id", "samples", "benchmark")},
			`{"benchmark":"<benchmark>","client_ns":0,"memory_used":null,"page":{"html":"<li>42</li>","id":"<id>"},"port":8080,"samples":[]}`},
		{"raw", []golden.Option{golden.Raw()},
			`{"benchmark":"sleep","client_ns":1234,"memory_used":null,"page":{"html":"<li>42</li>","id":"x"},"port":8080,"samples":[1,2]}`},
		{"at", []golden.Option{
			golden.At("page.html", func(v any) any { return strings.ReplaceAll(v.(string), "42", "N") }),
			golden.At("samples.*", func(any) any { return "s" }),
			golden.At("no.such.path", func(any) any { panic("called") })},
			`{"benchmark":"sleep","client_ns":0,"memory_used":null,"page":{"html":"<li>N</li>","id":"x"},"port":0,"samples":["s","s"]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := golden.JSON(value, tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			var gotV, wantV any
			if err := json.Unmarshal(got, &gotV); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(tt.want), &wantV); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(wantV, gotV); diff != "" {
				t.Errorf("GoldenJSON mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGoldenToleranceAndRawJSON(t *testing.T) {
	dir := t.TempDir()
	run(t, "f", json.RawMessage(`{"x": 0.30000000000000004}`), golden.Dir(dir), golden.Update(true))
	if rec := run(t, "f", []byte(`{"x": 0.3}`), golden.Dir(dir), golden.Update(false)); len(rec.errors) != 1 {
		t.Errorf("without tolerance: errors = %q, want one mismatch", rec.errors)
	}
	if rec := run(t, "f", []byte(`{"x": 0.3}`), golden.Dir(dir), golden.Update(false),
		golden.Tolerance(1e-9)); len(rec.errors) != 0 {
		t.Errorf("with tolerance 1e-9: errors = %q, want none", rec.errors)
	}
	if rec := run(t, "f", []byte(`{"x": 0.3} trailing`), golden.Dir(dir), golden.Update(false)); len(rec.errors) != 1 {
		t.Errorf("invalid JSON input: errors = %q, want one", rec.errors)
	}
}

// TestGoldenFlagEnablesUpdate runs this test binary again with -sebs.update, so the flag's registration at
// init is checked as go test passes it.
func TestGoldenFlagEnablesUpdate(t *testing.T) {
	if dir := os.Getenv("SEBS_GOLDEN_FLAG_HELPER_DIR"); dir != "" {
		golden.Result(t, "flag", map[string]any{"a": 1}, golden.Dir(dir))
		return
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestGoldenFlagEnablesUpdate$", "-test.count=1", "-sebs.update")
	cmd.Env = append(os.Environ(), "SEBS_GOLDEN_FLAG_HELPER_DIR="+dir, golden.EnvUpdate+"=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("test binary with -sebs.update: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "flag.golden")); err != nil {
		t.Errorf("-sebs.update did not write the golden file: %v", err)
	}
}

// TestOutputKeepsTheHandlerOutput: Output stores only the handler's output, compares it across runs, and
// fails (without writing) on a result without one.
func TestOutputKeepsTheHandlerOutput(t *testing.T) {
	dir := t.TempDir()
	rec := &recordingTB{TB: t}
	golden.Output(rec, "out", result(1, map[string]any{"result": 0.5}), golden.Dir(dir), golden.Update(true))
	if len(rec.errors) != 0 {
		t.Fatalf("update: %v", rec.errors)
	}
	data, err := os.ReadFile(filepath.Join(dir, "out.golden"))
	if err != nil || string(data) != "{\n  \"result\": 0.5\n}\n" {
		t.Fatalf("out.golden = %q, %v; want the handler output only", data, err)
	}
	rec = &recordingTB{TB: t}
	golden.Output(rec, "out", result(2, map[string]any{"result": 0.5}), golden.Dir(dir))
	if len(rec.errors) != 0 {
		t.Errorf("same output, other run: %v", rec.errors)
	}
	rec = &recordingTB{TB: t}
	golden.Output(rec, "out", result(1, map[string]any{"result": 0.75}), golden.Dir(dir))
	if len(rec.errors) != 1 || !strings.Contains(rec.errors[0], "mismatch") {
		t.Errorf("other output: errors %v, want one mismatch", rec.errors)
	}
	rec = &recordingTB{TB: t}
	golden.Output(rec, "none", &sebs.ExecutionResult{Output: map[string]any{}}, golden.Dir(dir), golden.Update(true))
	if len(rec.errors) != 1 || !strings.Contains(rec.errors[0], "result") {
		t.Errorf("no handler output: errors %v, want one", rec.errors)
	}
}
