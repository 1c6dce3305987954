package sebs_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gosebs/sebs"
)

func f64p(f float64) *float64 { return &f }

// TestWritePerfCostCSVLikePython checks the bytes against what upstream's csv.writer writes for the same
// values (header, CRLF, True/False, repr floats, None as empty).
func TestWritePerfCostCSVLikePython(t *testing.T) {
	rows := []sebs.PerfCostRow{
		{Memory: 256, Type: "warm", IsCold: false, ExecTime: 1234, ConnectionTime: f64p(0.000123), ClientTime: 2500},
		{Memory: 0, Type: "cold", IsCold: true, ExecTime: 10, ConnectionTime: f64p(1.5e-05), ClientTime: 300000, MemUsed: f64p(61.5)},
		{Memory: 128, Type: "burst", IsCold: true, ExecTime: 0, ConnectionTime: f64p(0), ClientTime: 1, MemUsed: f64p(2)},
	}
	var buf bytes.Buffer
	if err := sebs.WritePerfCostCSV(&buf, rows); err != nil {
		t.Fatal(err)
	}
	want := "memory,type,is_cold,exec_time,connection_time,client_time,provider_time,mem_used\r\n" +
		"256,warm,False,1234,0.000123,2500,0,\r\n" +
		"0,cold,True,10,1.5e-05,300000,0,61.5\r\n" +
		"128,burst,True,0,0.0,1,0,2.0\r\n"
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("result.csv (-want +got):\n%s", diff)
	}
	back, err := sebs.ReadPerfCostCSV(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(rows, back); diff != "" {
		t.Errorf("read back (-want +got):\n%s", diff)
	}
}

func TestReadPerfCostCSVRejectsOtherShapes(t *testing.T) {
	for name, in := range map[string]string{
		"empty":      "",
		"header":     "memory,type\r\n",
		"bool":       "memory,type,is_cold,exec_time,connection_time,client_time,provider_time,mem_used\n1,warm,yes,1,,1,0,\n",
		"number":     "memory,type,is_cold,exec_time,connection_time,client_time,provider_time,mem_used\n1,warm,True,x,,1,0,\n",
		"columns":    "memory,type,is_cold,exec_time,connection_time,client_time,provider_time,mem_used\n1,warm\n",
		"float":      "memory,type,is_cold,exec_time,connection_time,client_time,provider_time,mem_used\n1,warm,True,1,abc,1,0,\n",
		"wrong-name": "memory,kind,is_cold,exec_time,connection_time,client_time,provider_time,mem_used\n",
	} {
		if _, err := sebs.ReadPerfCostCSV(strings.NewReader(in)); err == nil {
			t.Errorf("%s: ReadPerfCostCSV(%q) gave no error", name, in)
		}
	}
}

func TestNewPerfCostRowTakesUpstreamFields(t *testing.T) {
	r := expResult("req", true)
	r.ProviderTimes.Execution = 7
	r.Stats.MemoryUsed = f64p(12.5)
	got := sebs.NewPerfCostRow(256, "cold", r)
	want := sebs.PerfCostRow{Memory: 256, Type: "cold", IsCold: true, ExecTime: 1234, ConnectionTime: f64p(0.000123),
		ClientTime: 2500, ProviderTime: 7, MemUsed: f64p(12.5)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("NewPerfCostRow (-want +got):\n%s", diff)
	}
	if r.Times.ClientDuration() != 2500*time.Microsecond {
		t.Fatalf("fixture client time %v", r.Times.ClientDuration())
	}
}

// TestPerfCostLeavesFailuresOut: failed invocations are counted, as upstream's statistics.failures_count,
// and get no result.csv row (upstream never writes them; the CSV cannot say a row failed) (issue 12).
func TestPerfCostLeavesFailuresOut(t *testing.T) {
	var pc sebs.PerfCost
	failed := expResult("", false)
	failed.Stats.Failure = true
	failed.Times.Benchmark = 0
	if !pc.Add(256, "warm", expResult("a", false), nil) || !pc.Add(256, "warm", expResult("b", true), nil) {
		t.Fatal("a successful invocation was not given a row")
	}
	if pc.Add(256, "warm", failed, errors.New("sebs: invoke: unexpected HTTP status (status 500)")) ||
		pc.Add(256, "warm", nil, errors.New("connection refused")) || pc.Add(256, "warm", failed, nil) {
		t.Fatal("a failed invocation was given a row")
	}
	var buf bytes.Buffer
	if err := sebs.WritePerfCostCSV(&buf, pc.Rows); err != nil {
		t.Fatal(err)
	}
	if lines := strings.Count(buf.String(), "\r\n"); lines != 3 {
		t.Fatalf("result.csv has %d lines, want the header and the 2 successful rows:\n%s", lines, buf.String())
	}
	if strings.Contains(buf.String(), ",0,,0") || strings.Contains(buf.String(), "warm,False,0,") {
		t.Fatalf("result.csv has a failed call's row:\n%s", buf.String())
	}
	st := pc.Statistics()
	want := &sebs.PerfCostStatistics{SamplesGenerated: 2, FailuresCount: 3, ColdCount: 1, Incorrect: []*sebs.ExecutionResult{},
		Failures: []string{"sebs: invoke: unexpected HTTP status (status 500)", "connection refused", "invocation failed"}}
	if diff := cmp.Diff(want, st); diff != "" {
		t.Fatalf("statistics (-want +got):\n%s", diff)
	}

	// The count reaches experiments.json in upstream's "statistics" shape, and adds up on merge.
	exp := sebs.ExperimentResult{Statistics: st}
	exp.Merge(&sebs.ExperimentResult{Statistics: &sebs.PerfCostStatistics{FailuresCount: 1, Failures: []string{"x"}, SamplesGenerated: 5}})
	data, err := sebs.MarshalUpstream(exp)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Statistics map[string]any `json:"statistics"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(doc.Statistics["failures_count"], " ", doc.Statistics["samples_generated"], " ", doc.Statistics["incorrect_count"]); got != "4 7 0" {
		t.Fatalf("statistics failures_count, samples_generated, incorrect_count = %s, want 4 7 0:\n%s", got, data)
	}
	var none sebs.ExperimentResult
	if data, _ := json.Marshal(none); strings.Contains(string(data), "statistics") {
		t.Fatalf("statistics written when unset: %s", data)
	}
}
