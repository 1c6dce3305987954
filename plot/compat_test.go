package plot_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gosebs/sebs/plot"
	"github.com/gosebs/sebs/sebstest"
)

// TestReadsRecorderSamples checks that what sebstest's Recorder writes is what the report reads, field
// for field.
func TestReadsRecorderSamples(t *testing.T) {
	begin := time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC)
	written := sebstest.Sample{
		Benchmark: "010.sleep", Function: "sleep", Language: "go", Mode: "cold", Size: "test", RequestID: "r1",
		IsCold: true, Begin: begin, ClientNS: 5, HTTPStartupNS: 1, FirstByteNS: 4, ServerNS: 2,
		ConnectionReused: true, MemoryPeakBytes: 7, ColdStart: &sebstest.ColdStartSample{CreateNS: 1},
		Error: "e",
	}
	line, err := json.Marshal(written)
	if err != nil {
		t.Fatal(err)
	}
	got, err := plot.ReadSamples(bytes.NewReader(line))
	if err != nil {
		t.Fatal(err)
	}
	want := []plot.Sample{written} // one type: every field, cold_start included, comes back
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ReadSamples(Recorder's line) mismatch (-want +got):\n%s", diff)
	}
}
