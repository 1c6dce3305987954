package bench

import (
	"encoding/json"
	"maps"
	"strconv"
	"testing"

	"github.com/gosebs/sebs"
)

// storageResult is a response as the HTTP trigger decodes it, with a storage benchmark's output.
func storageResult(t *testing.T) *sebs.ExecutionResult {
	t.Helper()
	var out map[string]any
	body := `{"result":{"output":{"result":{"bucket":"b","key":"out/a.1f2e3d4c.jpg"},` +
		`"measurement":{"download_time":812.5,"download_size":23770,"upload_time":402,"upload_size":3273,"note":"x"}}}}`
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatal(err)
	}
	return &sebs.ExecutionResult{Output: out}
}

func TestHandlerMeasurement(t *testing.T) {
	want := map[string]float64{"download_time": 812.5, "download_size": 23770, "upload_time": 402, "upload_size": 3273}
	if got := handlerMeasurement(storageResult(t)); !maps.Equal(got, want) {
		t.Errorf("handlerMeasurement = %v, want %v (numbers only)", got, want)
	}
	// The triggers decode numbers as json.Number.
	res := storageResult(t)
	fields := res.Output["result"].(map[string]any)["output"].(map[string]any)["measurement"].(map[string]any)
	for k, v := range fields {
		if f, ok := v.(float64); ok {
			fields[k] = json.Number(strconv.FormatFloat(f, 'f', -1, 64))
		}
	}
	if got := handlerMeasurement(res); !maps.Equal(got, want) {
		t.Errorf("handlerMeasurement of json.Numbers = %v, want %v", got, want)
	}
	if m := handlerMeasurement(&sebs.ExecutionResult{Output: map[string]any{"result": map[string]any{"output": 1.5}}}); m != nil {
		t.Errorf("an output without measurement gave %v, want nil", m)
	}
	if m := handlerMeasurement(nil); m != nil {
		t.Errorf("no result gave %v, want nil", m)
	}
}

// TestDropHandlerOutputKeepsMeasurement: experiments.json loses the handler's result but keeps its
// measurement.
func TestDropHandlerOutputKeepsMeasurement(t *testing.T) {
	res := storageResult(t)
	dropHandlerOutput(res)
	out := res.Output["result"].(map[string]any)["output"].(map[string]any)
	if _, kept := out["result"]; kept || len(out) != 1 {
		t.Errorf("output after drop = %v, want the measurement alone", out)
	}
	if m, ok := out["measurement"].(map[string]any); !ok || m["upload_size"] != 3273.0 {
		t.Errorf("measurement after drop = %v", out["measurement"])
	}
}
