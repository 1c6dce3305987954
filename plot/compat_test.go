package plot

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/sebstest/bench"
)

// TestReadsRecorderSamples checks that what the benchmark helpers' Recorder writes is what the report
// reads, field for field.
func TestReadsRecorderSamples(t *testing.T) {
	begin := time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC)
	written := sebs.Sample{
		Benchmark: "010.sleep", Function: "sleep", Language: "go", Mode: "cold", Size: "test", RequestID: "r1",
		IsCold: true, Begin: begin, ClientNS: 5, HTTPStartupNS: 1, FirstByteNS: 4, ServerNS: 2,
		ConnectionReused: true, MemoryPeakBytes: 7, ColdStart: &sebs.Startup{Create: 1, Start: 2, Ready: 3, FirstByte: 4},
		Error: "e",
	}
	dir := t.TempDir()
	rec, err := bench.NewRecorder(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := rec.Record(written, nil, 128); err != nil {
		t.Fatal(err)
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := readSamples(filepath.Join(dir, "samples.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Sample{written} // one type: every field, cold_start included, comes back
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("readSamples(Recorder's file) mismatch (-want +got):\n%s", diff)
	}
}
