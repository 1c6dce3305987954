package bench

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gosebs/sebs"
)

// upstreamConfigError checks what upstream's Config.deserialize (sebs/experiments/config.py at
// a7a0532026dd) reads from experiments.json's config: the keys it indexes, a runtime language and variant
// it knows, the local deployment. The root package's upstream_config_test.go holds the full mirror and
// testdata/upstream the file upstream writes.
func upstreamConfigError(t *testing.T, cfg map[string]any) string {
	t.Helper()
	exp, _ := cfg["experiments"].(map[string]any)
	for _, k := range []string{"update_code", "update_storage", "download_results", "runtime", "architecture", "container_deployment"} {
		if _, ok := exp[k]; !ok {
			return "experiments: KeyError('" + k + "')"
		}
	}
	rt, _ := exp["runtime"].(map[string]any)
	known := map[any][]any{"python": {"default", "pypy"}, "nodejs": {"default", "bun", "llrt"}, "java": {"default"}, "cpp": {"default"}}
	variants, ok := known[rt["language"]]
	if !ok {
		return "Unknown language type " + rt["language"].(string)
	}
	if !slices.Contains(variants, rt["language-variant"]) {
		return "Unknown variant"
	}
	if dep, _ := cfg["deployment"].(map[string]any); dep["name"] != "local" {
		return "deployment is not local"
	}
	return ""
}

// TestRecorderUpstreamFidelity (issue 12): a failed call (a status-500 response) gets no result.csv row
// and no invocation, and is counted in experiments.json's statistics; the config loads with upstream's
// loader for a Go function (named as cpp, the truth kept beside it), also after a second process merged
// its Python run into the file.
func TestRecorderUpstreamFidelity(t *testing.T) {
	dir := t.TempDir()
	goCfg := sebs.FunctionConfig{Memory: 128, Runtime: sebs.Runtime{Language: sebs.LanguageGo, Version: "1.26", Variant: "default"}}
	pyCfg := sebs.FunctionConfig{Memory: 256, Runtime: sebs.Runtime{Language: sebs.LanguagePython, Version: "3.11", Variant: "default"}}
	for run, cfg := range []sebs.FunctionConfig{goCfg, pyCfg} {
		rec, err := NewRecorder(dir)
		if err != nil {
			t.Fatal(err)
		}
		ok, okRes := fakeCall([]string{"go-ok", "py-ok"}[run], false)
		ok.Language = string(cfg.Runtime.Language)
		if err := rec.record(ok, okRes, cfg, time.Now()); err != nil {
			t.Fatal(err)
		}
		bad, badRes := fakeCall([]string{"go-500", "py-500"}[run], false)
		bad.Language = ok.Language
		badRes.Stats.Failure = true
		badRes.Times.Benchmark = 0
		bad.Error = "invocation failed: status 500: boom"
		if err := rec.record(bad, badRes, cfg, time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := rec.Close(); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(filepath.Join(dir, experimentsFile))
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Invocations map[string]map[string]json.RawMessage `json:"_invocations"`
			Config      map[string]any                        `json:"config"`
			Statistics  sebs.PerfCostStatistics               `json:"statistics"`
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		if msg := upstreamConfigError(t, doc.Config); msg != "" {
			t.Fatalf("after run %d upstream's loader would fail: %s\n%s", run, msg, data)
		}
		if _, stored := doc.Invocations["sleep"][bad.RequestID]; stored {
			t.Errorf("run %d: the failed call %s is stored as an invocation", run, bad.RequestID)
		}
		if doc.Statistics.FailuresCount != run+1 || doc.Statistics.SamplesGenerated != run+1 ||
			!strings.Contains(doc.Statistics.Failures[run], "status 500") {
			t.Errorf("run %d: statistics %+v, want %d failures and %d samples", run, doc.Statistics, run+1, run+1)
		}
		exp := doc.Config["experiments"].(map[string]any)
		if run == 0 {
			rt := exp["runtime"].(map[string]any)
			if rt["language"] != "cpp" || rt["version"] != "go1.26" {
				t.Errorf("Go runtime written as %v, want upstream's cpp/go1.26", rt)
			}
			if gr := exp["gosebs_runtime"].(map[string]any); gr["language"] != "go" {
				t.Errorf("gosebs_runtime = %v, want the true runtime", gr)
			}
		}
		if run == 1 {
			pc := exp["experiments"].(map[string]any)["perf-cost"].(map[string]any)
			if got := stringsOf(pc["languages"]); !slices.Equal(got, []string{"go", "python"}) {
				t.Errorf("merged languages %q, want both processes'", got)
			}
		}
	}
	rows := readPerfCost(t, dir)
	if len(rows) != 2 {
		t.Fatalf("result.csv has %d rows, want the 2 successful calls only: %+v", len(rows), rows)
	}
	for _, r := range rows {
		if r.ExecTime == 0 {
			t.Errorf("a failed call's row (exec_time 0) in result.csv: %+v", r)
		}
	}
	if rows[0].Memory != 128 || rows[1].Memory != 256 {
		t.Errorf("rows' memory %d, %d; want the functions' 128 and 256", rows[0].Memory, rows[1].Memory)
	}
}

// readPerfCost reads dir's perf-cost/result.csv.
func readPerfCost(t *testing.T, dir string) []sebs.PerfCostRow {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, perfCostCSVFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := sebs.ReadPerfCostCSV(f)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
