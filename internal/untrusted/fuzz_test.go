package untrusted_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/fixtures"
	"github.com/gosebs/sebs/serve"
)

// Each target must see its reader return an error on bad bytes, never panic or hang.

// FuzzExperimentResult reads experiments.json; what it accepts must encode and read back.
func FuzzExperimentResult(f *testing.F) {
	for _, s := range []string{`{}`, `{"_invocations":{"f":{"r":{"request_id":"r","times":{"client":1}}}},"_metrics":{},"begin_time":1.5,"end_time":2,"config":{},"result_bucket":null}`,
		`{"_invocations":{"f":{"r":null}}}`, `{"begin_time":"x"}`, `[]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var e sebs.ExperimentResult
		if json.Unmarshal(data, &e) != nil {
			return
		}
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatalf("read %q but cannot write it: %v", data, err)
		}
		var again sebs.ExperimentResult
		if err := json.Unmarshal(b, &again); err != nil {
			t.Fatalf("cannot read own output %s: %v", b, err)
		}
	})
}

// FuzzPerfCostCSV reads perf-cost/result.csv; what it accepts must write and read back.
func FuzzPerfCostCSV(f *testing.F) {
	header := "memory,type,is_cold,exec_time,connection_time,client_time,provider_time,mem_used\r\n"
	f.Add([]byte(header + "256,warm,False,1200,0.0001,1500,0,12.5\r\n"))
	f.Add([]byte(header + "128,cold,True,1,1,1,1,\r\n"))
	f.Add([]byte("memory,type\r\n1,2\r\n"))
	f.Add([]byte(header + "\"x\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := sebs.ReadPerfCostCSV(bytes.NewReader(data))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := sebs.WritePerfCostCSV(&buf, rows); err != nil {
			t.Fatalf("read %q but cannot write it: %v", data, err)
		}
		if _, err := sebs.ReadPerfCostCSV(&buf); err != nil {
			t.Fatalf("cannot read own output: %v", err)
		}
	})
}

// sampleSeeds are lines of samples.jsonl.
var sampleSeeds = []string{
	`{"benchmark":"sleep","function":"sleep","language":"go","mode":"warm","size":"test","request_id":"r","is_cold":false,"begin":"2025-01-02T03:04:05.123456789Z","client_ns":1,"http_startup_ns":1,"first_byte_ns":1,"server_ns":1,"connection_reused":true,"memory_peak_bytes":0}` + "\n",
	`{"cold_start":{"create_ns":1,"start_ns":2,"ready_ns":3,"first_byte_ns":4},"error":"x"}` + "\n" + `{"begin":`,
	"\n\n", `{"begin":"yesterday"}`,
}

// FuzzDecodeSamples reads samples.jsonl as its one reader (sebs.ReadSamples, used by the report, the
// benchmark helpers and the tests) decodes it. In memory: a temporary file per input slowed fuzzing to a
// few hundred inputs a second, and a stalled write made the fuzzing engine miss its deadline.
func FuzzDecodeSamples(f *testing.F) {
	for _, s := range sampleSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { _, _ = sebs.DecodeSamples(bytes.NewReader(data)) })
}

// FuzzValidators hands every fixture's validator arbitrary function output for its test input: a
// broken function must get a verdict, not crash the harness.
func FuzzValidators(f *testing.F) {
	for _, s := range []string{`{"result":0.001}`, `{"result":"<html></html>"}`, `{"result":{"nodes":10,"edges":45}}`,
		`{"result":{"nodes":10,"edges":-1,"graph":[[0,99]],"order":[5],"layers":[0,7],"parents":[3]}}`, `null`, `[]`, `"x"`, `{"result":{"ranks":[1e309]}}`} {
		f.Add([]byte(s))
	}
	type check struct {
		name     string
		input    map[string]any
		validate func(map[string]any, json.RawMessage) error
	}
	var checks []check
	for _, n := range fixtures.Names() {
		b, err := fixtures.Lookup(n)
		if err != nil {
			f.Fatal(err)
		}
		checks = append(checks, check{n, b.Input("test"), b.Validate})
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, c := range checks {
			func() {
				defer func() {
					if p := recover(); p != nil {
						t.Fatalf("validator of %s panicked on %q: %v", c.name, data, p)
					}
				}()
				_ = c.validate(c.input, data)
			}()
		}
	})
}

// FuzzServeRequest posts arbitrary bodies to the Go runtime: it must answer 200, 400 or 413 with a JSON
// object, whatever it is sent.
func FuzzServeRequest(f *testing.F) {
	for _, s := range []string{`{"sleep":0}`, `{`, ``, `null`, `[]`, `"x"`, string(bytes.Repeat([]byte("x"), 300))} {
		f.Add([]byte(s))
	}
	srv := serve.NewServer(func(_ context.Context, ev json.RawMessage) (any, error) { return ev, nil },
		serve.WithMaxBodyBytes(256), serve.WithErrorLog(log.New(io.Discard, "", 0)))
	f.Fuzz(func(t *testing.T, data []byte) {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(data)))
		switch rec.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("body %q answered %d", data, rec.Code)
		}
		var m map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil || m == nil {
			t.Fatalf("body %q answered %d with a non-object %q", data, rec.Code, rec.Body)
		}
	})
}
