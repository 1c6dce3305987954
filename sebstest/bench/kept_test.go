package bench

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/gosebs/sebs"
)

// TestKeptResultsRoundTrip keeps results in blocks (more than one block's worth) and checks that
// experiments.json is what keeping them as decoded results gives, byte for byte, in the same order.
func TestKeptResultsRoundTrip(t *testing.T) {
	var kept keptResults
	var want sebs.ExperimentResult
	big := strings.Repeat("x", keptBlock/3) // three of these fill a block: new blocks are started
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
		kept.add(fn, data)
		want.AddInvocation(fn, &res)
	}
	if len(kept.blocks) < 3 {
		t.Fatalf("%d blocks for 12 results of a third of a block each; the test means to cross blocks", len(kept.blocks))
	}
	var got sebs.ExperimentResult
	if err := kept.addTo(&got); err != nil {
		t.Fatal(err)
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
	if len(kept.refs) != 0 || kept.blocks != nil {
		t.Fatal("addTo left the kept results in place; they would be added twice")
	}
}
