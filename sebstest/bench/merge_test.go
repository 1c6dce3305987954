package bench

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gosebs/sebs"
)

// recordShard writes one shard's results: calls calls of function fn in mode, the first cold, and one
// failed call.
func recordShard(t *testing.T, dir, fn, mode string, calls int) {
	t.Helper()
	rec, err := NewRecorder(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i := range calls {
		s, res := fakeCall(fmt.Sprintf("%s-%s-%d", fn, mode, i), i == 0)
		s.Function, s.Benchmark, s.Mode = fn, fn, mode
		if err := rec.Record(s, res, 128); err != nil {
			t.Fatal(err)
		}
	}
	failed, _ := fakeCall("", false)
	failed.Function, failed.Benchmark, failed.Mode, failed.Error = fn, fn, mode, "connection refused"
	if err := rec.Record(failed, nil, 128); err != nil {
		t.Fatal(err)
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestMergeKeepsEveryCallOfEveryShard(t *testing.T) {
	root := t.TempDir()
	a, b, c, out := filepath.Join(root, "a"), filepath.Join(root, "b"), filepath.Join(root, "c"), filepath.Join(root, "merged")
	recordShard(t, a, "sleep", "sequential", 3)
	recordShard(t, b, "sleep", "cold", 2) // the same function in another shard: its failure is renumbered
	recordShard(t, c, "html", "warm", 4)  // warm: the cold first call goes to samples.jsonl only
	if err := Merge(out, a, b, c); err != nil {
		t.Fatal(err)
	}
	res, err := ReadResults(out)
	if err != nil {
		t.Fatal(err)
	}
	// Failed calls have a sample but, as upstream's perf-cost, no CSV row and no invocation: they are counted.
	if len(res.Samples) != 4+3+5 || len(res.Rows) != 3+2+3 {
		t.Errorf("%d merged samples and %d CSV rows, want 12 and 8", len(res.Samples), len(res.Rows))
	}
	exp := res.Experiments
	if n, m := len(exp.Invocations["sleep"]), len(exp.Invocations["html"]); n != 3+2 || m != 3 {
		t.Errorf("invocations: sleep %d, html %d; want 5 and 3", n, m)
	}
	if exp.Statistics == nil || exp.Statistics.FailuresCount != 3 {
		t.Errorf("merged statistics %+v: want the three shards' failures counted", exp.Statistics)
	}
	pc, ok := perfCostSettings(exp.Config)
	if !ok || !slices.Equal(stringsOf(pc["experiments"]), []string{"cold", "sequential", "warm"}) ||
		pc["benchmark"] != "html,sleep" || numberOf(pc["repetitions"]) != 11 {
		t.Errorf("merged perf-cost config %v: want the union of the shards' modes and benchmarks, 11 repetitions", pc)
	}
}

func TestMergeRefusesToOverwrite(t *testing.T) {
	root := t.TempDir()
	a := filepath.Join(root, "a")
	recordShard(t, a, "sleep", "sequential", 1)
	for _, tc := range []struct {
		dst  string
		srcs []string
		want string
	}{
		{a, []string{a}, "one of the folders"},
		{filepath.Join(root, "new"), nil, "no results folders"},
		{filepath.Join(root, "new"), []string{filepath.Join(root, "missing")}, "is it a results folder"},
	} {
		if err := Merge(tc.dst, tc.srcs...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Merge(%s, %v) error %v, want %q", tc.dst, tc.srcs, err, tc.want)
		}
	}
	out := filepath.Join(root, "out")
	if err := Merge(out, a); err != nil {
		t.Fatal(err)
	}
	if err := Merge(out, a); err == nil || !strings.Contains(err.Error(), "already holds") {
		t.Errorf("second merge into %s: error %v, want a refusal", out, err)
	}
}

// TestMergeWritesWhatDecodingWould: Merge keeps the shards' invocations as JSON; its experiments.json must be
// MarshalUpstream's output of the shards decoded and merged with ExperimentResult.Merge, byte for byte,
// failed-<n> keys that collide across shards renumbered, and a shard without a config keeping the others'.
func TestMergeWritesWhatDecodingWould(t *testing.T) {
	root := t.TempDir()
	shards := []string{
		`{"_invocations":{"fn":{"r-1":{"request_id":"r-1","output":{"b":1,"a":"<&>"},"times":{"client":5}},"failed-0":{"request_id":"","output":{}}}},` +
			`"begin_time":3,"end_time":4,"config":{"experiments":{"experiments":{"perf-cost":{"benchmark":"a","experiments":["warm"],"repetitions":2}}}}}`,
		`{"_invocations":{"fn":{"failed-0":{"request_id":"","output":{"x":1.50}},"r-1":{"request_id":"r-1","output":{"again":true}}},"other":{}},"begin_time":1}`,
		`{"_invocations":{"fn":{"failed-1":{"request_id":"","output":{}}}},"end_time":9,` +
			`"config":{"experiments":{"experiments":{"perf-cost":{"benchmark":"b","experiments":["cold"],"repetitions":1}}}}}`,
	}
	var dirs []string
	var want *sebs.ExperimentResult
	for i, data := range shards {
		dir := filepath.Join(root, fmt.Sprint("shard-", i))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		var e sebs.ExperimentResult
		if err := json.Unmarshal([]byte(data), &e); err != nil {
			t.Fatal(err)
		}
		written, err := sebs.MarshalUpstream(e) // the shard as a Recorder writes it
		if err != nil {
			t.Fatal(err)
		}
		e = sebs.ExperimentResult{} // and as Merge reads it back
		if err := json.Unmarshal(written, &e); err != nil {
			t.Fatal(err)
		}
		for name, content := range map[string][]byte{samplesFile: nil, experimentsFile: written} {
			if err := os.WriteFile(filepath.Join(dir, name), content, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		dirs = append(dirs, dir)
		if want == nil {
			want = &e
			continue
		}
		cfg := mergeConfig(want.Config, e.Config)
		want.Merge(&e)
		want.Config = cfg
	}
	out := filepath.Join(root, "merged")
	if err := Merge(out, dirs...); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(out, experimentsFile))
	if err != nil {
		t.Fatal(err)
	}
	wantData, err := sebs.MarshalUpstream(want)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(wantData) {
		t.Fatalf("merged experiments.json (-decoded merge +Merge):\n%s", cmp.Diff(string(wantData), string(got)))
	}
	for _, key := range []string{"failed-0", "failed-1", "failed-2"} { // shard 1's failed-0 becomes failed-2
		if !strings.Contains(string(got), `"`+key+`"`) {
			t.Errorf("merged experiments.json has no %s: every shard's failed call must stay", key)
		}
	}
}

// TestMergeRefusesUnreadableShard: a shard whose invocation this package's readers refuse (a number beyond
// float64) is refused before anything is written, so the merged folder is never one ReadResults cannot read.
func TestMergeRefusesUnreadableShard(t *testing.T) {
	root := t.TempDir()
	good, bad, out := filepath.Join(root, "good"), filepath.Join(root, "bad"), filepath.Join(root, "merged")
	recordShard(t, good, "sleep", "sequential", 2)
	recordShard(t, bad, "sleep", "sequential", 2)
	path := filepath.Join(bad, experimentsFile)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data = []byte(strings.Replace(string(data), `"handler_ns": 1000`, `"handler_ns": 1e400`, 1))
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	err = Merge(out, good, bad)
	if err == nil || !strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), "1e400") {
		t.Fatalf("Merge with an unreadable shard: %v; want an error naming the shard and the number", err)
	}
	if _, err := os.Stat(filepath.Join(out, samplesFile)); err == nil {
		t.Error("Merge wrote the merged folder before refusing the shard")
	}
}
