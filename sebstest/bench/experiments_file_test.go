package bench

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gosebs/sebs"
)

// TestRecorderWritesExperimentsAsDecodingWould checks the streamed experiments.json against the document
// the decoded results give: a file already in the folder (keys out of order, HTML characters, the
// failed-2 this run's failed call in fn-1 is filed under taken, a request ID this run records again) merged with a run whose results go through the temporary
// file, two of them without a request ID. The file must be MarshalUpstream's output of what it holds, byte
// for byte, and hold what ExperimentResult's AddInvocation and Merge make of the same results.
func TestRecorderWritesExperimentsAsDecodingWould(t *testing.T) {
	dir := t.TempDir()
	old := `{"_invocations":{"fn-1":{"r-1":{"request_id":"r-1","output":{"z":1,"a":"<&>"},"times":{"client":5}},` +
		`"failed-2":{"request_id":"","output":{}}},"zz \u00e9":{"x":{"request_id":"x","output":{"b":2.50,"a":[]}}},"empty":{}},` +
		`"_metrics":{},"begin_time":1,"end_time":2,"config":{"old":true},"result_bucket":null}`
	if err := os.WriteFile(filepath.Join(dir, experimentsFile), []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	var want sebs.ExperimentResult
	if err := json.Unmarshal([]byte(old), &want); err != nil {
		t.Fatal(err)
	}
	rec, err := NewRecorder(dir)
	if err != nil {
		t.Fatal(err)
	}
	rec.KeepOutputs = true
	var run sebs.ExperimentResult
	big := strings.Repeat("y", keptBlock/3) // spills the block: some results come back from the file
	for i := range 9 {
		id := "r-" + strconv.Itoa(i%4)
		if i >= 7 {
			id = ""
		}
		body := `{"output":{"request_id":"` + id + `","s":"` + big + `","n":12345678901234567890,"h":"a<b"},"request_id":"` + id +
			`","times":{"benchmark":3,"client":` + strconv.Itoa(100+i) + `,"client_begin":"2026-12-02 03:30:00.123400"},` +
			`"detail":{"timestamp_source":"kernel","connection_reused":true}}`
		var res sebs.ExecutionResult
		if err := json.Unmarshal([]byte(body), &res); err != nil {
			t.Fatal(err)
		}
		fn := "fn-" + strconv.Itoa(i%2)
		s := sebs.Sample{Benchmark: "sleep", Function: fn, Language: "go", Mode: "warm", Size: "test", RequestID: id,
			Begin: time.Now(), ClientNS: 1000}
		if err := rec.Record(s, &res, 128); err != nil {
			t.Fatal(err)
		}
		var again sebs.ExecutionResult // what was recorded, as the decoded path kept it
		if err := json.Unmarshal([]byte(body), &again); err != nil {
			t.Fatal(err)
		}
		run.AddInvocation(fn, &again)
	}
	if rec.kept.file == nil {
		t.Fatal("no kept result went to the temporary file; the test means some to come back from it")
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	want.Merge(&run)
	data, err := os.ReadFile(filepath.Join(dir, experimentsFile))
	if err != nil {
		t.Fatal(err)
	}
	var got sebs.ExperimentResult
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatalf("experiments.json does not decode: %v\n%.3000s", err, data)
	}
	canonical, err := sebs.MarshalUpstream(got)
	if err != nil {
		t.Fatal(err)
	}
	if string(canonical) != string(data) {
		t.Fatalf("experiments.json is not MarshalUpstream's output of what it holds:\n%s", cmp.Diff(string(canonical), string(data)))
	}
	gotInv, err := sebs.MarshalUpstream(got.Invocations)
	if err != nil {
		t.Fatal(err)
	}
	wantInv, err := sebs.MarshalUpstream(want.Invocations)
	if err != nil {
		t.Fatal(err)
	}
	if string(gotInv) != string(wantInv) {
		t.Fatalf("invocations (-decoded merge +written):\n%s", cmp.Diff(string(wantInv), string(gotInv)))
	}
	for _, key := range []string{"failed-2", "failed-3"} { // the file's, and this run's renumbered past it
		if _, ok := got.Invocations["fn-1"][key]; !ok {
			t.Errorf("fn-1 has no %s: %v", key, keysOf(got.Invocations["fn-1"]))
		}
	}
	if got.Config["old"] != nil || got.BeginTime != 1 {
		t.Errorf("config %v, begin %v: want this run's config and the file's begin time", got.Config, got.BeginTime)
	}
}

func keysOf[V any](m map[string]V) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}
