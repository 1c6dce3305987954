package bench

import (
	"encoding/json"
	"fmt"
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
// the decoded results give: a file already in the folder, as this package writes it (HTML characters, the
// failed-2 this run's failed call in fn-1 is filed under taken, a request ID this run records again) merged with a run whose results go through the temporary
// file, two of them without a request ID. The file must be MarshalUpstream's output of what it holds, byte
// for byte, and hold what ExperimentResult's AddInvocation and Merge make of the same results.
func TestRecorderWritesExperimentsAsDecodingWould(t *testing.T) {
	dir := t.TempDir()
	old := `{"_invocations":{"fn-1":{"r-1":{"request_id":"r-1","output":{"z":1,"a":"<&>"},"times":{"client":5}},` +
		`"failed-2":{"request_id":"","output":{}}},"zz \u00e9":{"x":{"request_id":"x","output":{"b":2.50,"a":[]}}},"empty":{}},` +
		`"_metrics":{},"begin_time":1,"end_time":2,"config":{"old":true},"result_bucket":null}`
	var want sebs.ExperimentResult
	if err := json.Unmarshal([]byte(old), &want); err != nil {
		t.Fatal(err)
	}
	written, err := sebs.MarshalUpstream(want) // the file as this package writes it
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, experimentsFile), written, 0o644); err != nil {
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

// TestRecorderMergesOddFilesAsDecodingWould records calls into folders whose experiments.json decoding reads
// in ways a plain key lookup would not (a key given twice, a key in other case, a function whose entry is
// null), and calls whose function names and request IDs are not valid UTF-8, and checks the invocations and
// metrics written against the decoded merge.
func TestRecorderMergesOddFilesAsDecodingWould(t *testing.T) {
	result := func(id string) string { return `{"request_id":"` + id + `","output":{"v":1}}` }
	type call struct{ fn, id string }
	for name, c := range map[string]struct {
		file  string
		calls []call
	}{
		"key twice": {`{"_invocations":{"g":{"r1":` + result("r1") + `}},"_invocations":{"h":{"r9":` + result("r9") + `}},` +
			`"_metrics":{"g":{"a":1}},"_metrics":{"h":{"b":2}},"begin_time":3,"BEGIN_TIME":9}`, []call{{"g", "r2"}}},
		"key in other case": {`{"_Invocations":{"g":{"r1":` + result("r1") + `}}}`, []call{{"g", "r2"}}},
		"null function":     {`{"_invocations":{"g":null,"h":{}}}`, []call{{"f", "r1"}}},
		"invalid UTF-8": {`{"_invocations":{"f":{"a\ufffd":` + result("old") + `}}}`,
			[]call{{"f", "\xf0"}, {"f", "\uffff"}, {"f", "a\ufffd"}, {"f", "a\xff"}, {"f", ""}, {"f", "b"}, {"f\xff", "x"}, {"f\xfe", "y"}}},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, experimentsFile), []byte(c.file), 0o644); err != nil {
				t.Fatal(err)
			}
			var want sebs.ExperimentResult
			if err := json.Unmarshal([]byte(c.file), &want); err != nil {
				t.Fatal(err)
			}
			rec, err := NewRecorder(dir)
			if err != nil {
				t.Fatal(err)
			}
			var run sebs.ExperimentResult
			for _, call := range c.calls {
				s, res := fakeCall(call.id, false)
				s.Function = call.fn
				if err := rec.Record(s, res, 128); err != nil {
					t.Fatal(err)
				}
				data, err := res.AppendJSON(nil) // the decoded path: the result as the file gives it back
				if err != nil {
					t.Fatal(err)
				}
				var back sebs.ExecutionResult
				if err := json.Unmarshal(data, &back); err != nil {
					t.Fatal(err)
				}
				fn, _ := json.Marshal(call.fn)
				var fnBack string
				if err := json.Unmarshal(fn, &fnBack); err != nil {
					t.Fatal(err)
				}
				run.AddInvocation(fnBack, &back)
			}
			if err := rec.Close(); err != nil {
				t.Fatal(err)
			}
			want.Merge(&run)
			if want.Metrics == nil {
				want.Metrics = map[string]map[string]any{} // written as {}, as MarshalJSON writes a nil map
			}
			got := readExperiments(t, dir)
			for what, pair := range map[string][2]any{"invocations": {want.Invocations, got.Invocations}, "metrics": {want.Metrics, got.Metrics}} {
				w, err := sebs.MarshalUpstream(pair[0])
				if err != nil {
					t.Fatal(err)
				}
				g, err := sebs.MarshalUpstream(pair[1])
				if err != nil {
					t.Fatal(err)
				}
				if string(w) != string(g) {
					t.Errorf("%s (-decoded merge +written):\n%s", what, cmp.Diff(string(w), string(g)))
				}
			}
			if want.BeginTime != 0 && got.BeginTime != want.BeginTime { // the file's, before this run's calls
				t.Errorf("begin_time %v, want %v as decoding reads the file", got.BeginTime, want.BeginTime)
			}
		})
	}
}

// TestRecorderKeepsWhatItCannotWrite: a result nested too deep for experiments.json's readers is left out
// of it, Close names it, it counts as a failure (no result.csv row), and every other result is written; an invocation already in the folder is kept as
// the file has it, even what ExecutionResult cannot read (a number beyond float64) or has no field for, and
// the next Close merges again.
func TestRecorderKeepsWhatItCannotWrite(t *testing.T) {
	dir := t.TempDir()
	old := `{"_invocations":{"f":{"huge":{"request_id":"huge","output":{"n":1e400,"f":1.0},"extra":true}}}}`
	if err := os.WriteFile(filepath.Join(dir, experimentsFile), []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	for round := range 2 {
		rec, err := NewRecorder(dir)
		if err != nil {
			t.Fatal(err)
		}
		rec.KeepOutputs = true
		for i, id := range []string{"a", "deep", "c"} {
			s, res := fakeCall(fmt.Sprint(id, round), false)
			s.Function = "f"
			if id == "deep" {
				var v any = 1.0
				for range 9997 {
					v = []any{v}
				}
				res.Output["deep"] = v
			}
			if err := rec.Record(s, res, 128); err != nil {
				t.Fatalf("call %d: %v", i, err)
			}
		}
		err = rec.Close()
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf(`"deep%d"`, round)) || !strings.Contains(err.Error(), "left out") {
			t.Fatalf("round %d: Close: %v; want an error naming the result left out", round, err)
		}
		data, err := os.ReadFile(filepath.Join(dir, experimentsFile))
		if err != nil {
			t.Fatal(err)
		}
		var exp experimentsFields // 1e400 is no float64: the file is read with its results left as JSON
		if err := json.Unmarshal(data, &exp); err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"huge", "a0", "c0", fmt.Sprint("a", round), fmt.Sprint("c", round)} {
			if _, ok := exp.Invocations["f"][id]; !ok {
				t.Errorf("round %d: experiments.json lost %s: %v", round, id, keysOf(exp.Invocations["f"]))
			}
		}
		if _, ok := exp.Invocations["f"][fmt.Sprint("deep", round)]; ok {
			t.Errorf("round %d: the result too deep to write is in experiments.json", round)
		}
		// It counts as a failure, as upstream counts a call it could not process: no row, no sample generated.
		if st := exp.Statistics; st == nil || st.SamplesGenerated != 2*(round+1) || st.FailuresCount != round+1 {
			t.Errorf("round %d: statistics %+v; want %d samples generated and %d failures", round, st, 2*(round+1), round+1)
		}
		f, err := os.Open(filepath.Join(dir, perfCostCSVFile))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := sebs.ReadPerfCostCSV(f)
		f.Close()
		if err != nil || len(rows) != 2*(round+1) {
			t.Errorf("round %d: result.csv has %d rows (%v); want %d, none for the result left out", round, len(rows), err, 2*(round+1))
		}
		for _, kept := range []string{`"n": 1e400`, `"f": 1.0`, `"extra": true`} {
			if !strings.Contains(string(data), kept) {
				t.Errorf("round %d: the file's invocation lost %s", round, kept)
			}
		}
	}
}
