package bench

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gosebs/sebs"
)

// TestKeptResultsRoundTrip keeps results in blocks (more than one block's worth) and checks that
// experiments.json is what keeping them as decoded results gives, byte for byte, in the same order.
func TestKeptResultsRoundTrip(t *testing.T) {
	var kept keptResults
	var want sebs.ExperimentResult
	var wantRows sebs.PerfCost
	big := strings.Repeat("x", keptBlock/3) // three of these fill the block: it is written out and reused
	for i := range 12 {
		var res sebs.ExecutionResult
		body := `{"billing":{},"output":{"request_id":"r-` + strconv.Itoa(i%10) + `","n":9007199254740993,"f":1.50,"s":"` + big + `"},` +
			`"request_id":"r-` + strconv.Itoa(i%10) + `","stats":{"cold_start":` + strconv.FormatBool(i == 0) + `}}`
		if i == 11 {
			body = `{"output":{},"request_id":""}` // a result without an ID: numbered as AddInvocation does
		}
		if err := json.Unmarshal([]byte(body), &res); err != nil {
			t.Fatal(err)
		}
		data, err := res.AppendJSON(nil)
		if err != nil {
			t.Fatal(err)
		}
		fn := "fn-" + strconv.Itoa(i%3)
		mode := []string{"warm", "cold"}[i%2]
		kept.add(fn, mode, 128*(i%3+1), data)
		want.AddInvocation(fn, &res)
		wantRows.Add(128*(i%3+1), mode, &res, nil)
	}
	if kept.file == nil || kept.written < 2*keptBlock/3*3 {
		t.Fatalf("%d bytes written out for 12 results of a third of a block each; the test means to read some back from the file", kept.written)
	}
	if kept.linked {
		t.Logf("the temporary file %s could not be removed while open; it is removed on release", kept.file.Name())
	}
	file := kept.file
	var got sebs.ExperimentResult
	var gotRows sebs.PerfCost
	if spillErr, err := kept.addTo(&got, &gotRows); spillErr != nil || err != nil {
		t.Fatal(spillErr, err)
	}
	if diff := cmp.Diff(wantRows, gotRows); diff != "" {
		t.Fatalf("result.csv rows from the kept results (-want +got):\n%s", diff)
	}
	gotJSON, err := sebs.MarshalUpstream(got)
	if err != nil {
		t.Fatal(err)
	}
	wantJSON, err := sebs.MarshalUpstream(want)
	if err != nil {
		t.Fatal(err)
	}
	if string(gotJSON) != string(wantJSON) {
		t.Fatalf("kept results wrote\n%.2000s\nkeeping them decoded writes\n%.2000s", gotJSON, wantJSON)
	}
	if !strings.Contains(string(gotJSON), "9007199254740993") || !strings.Contains(string(gotJSON), "1.50") {
		t.Fatal("a number lost its text on the way through the kept blocks")
	}
	if kept.refs.len() != 0 || kept.block != nil || kept.file != nil {
		t.Fatal("addTo left the kept results in place; they would be added twice")
	}
	if _, err := file.Stat(); err == nil {
		t.Fatal("addTo left the temporary file open")
	}
}

// TestKeptResultsSurviveAFailingFile: when the temporary file cannot be written (a full disk), the results
// stay in memory, every one of them reaches experiments.json, and the failure is reported.
func TestKeptResultsSurviveAFailingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "read-only")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	readOnly, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	kept := keptResults{file: readOnly} // every write fails
	big := strings.Repeat("y", keptBlock/2)
	for i := range 5 {
		res := sebs.ExecutionResult{RequestID: "r-" + strconv.Itoa(i), Output: map[string]any{"s": big}}
		data, err := res.AppendJSON(nil)
		if err != nil {
			t.Fatal(err)
		}
		kept.add("fn", "warm", 128, data)
	}
	if kept.failed == nil || kept.written != 0 {
		t.Fatalf("writes to a read-only file: failed %v, %d bytes written; the test means the file to fail", kept.failed, kept.written)
	}
	var exp sebs.ExperimentResult
	var rows sebs.PerfCost
	spillErr, err := kept.addTo(&exp, &rows)
	if err != nil || spillErr == nil {
		t.Fatalf("addTo: spill error %v, error %v; want the file's failure reported and no other error", spillErr, err)
	}
	if len(exp.Invocations["fn"]) != 5 || len(rows.Rows) != 5 {
		t.Fatalf("%d invocations and %d rows after the file failed; want all 5", len(exp.Invocations["fn"]), len(rows.Rows))
	}
	if got := exp.Invocations["fn"]["r-4"].Output["s"]; got != big {
		t.Fatalf("the last result's output came back %.20q…; want it whole", got)
	}
}
