package bench

import (
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/gosebs/sebs"
)

// sleepResult is a result as the Go sleep fixture's calls come back (detail and times filled by the trigger).
const sleepResult = `{"billing":{},"detail":{"connection_reused":true,"container_id":"4f1c2d9a7b3e","handler_ns":6123,"timestamp_source":"kernel","first_byte_user_ns":181000,"startup_user_ns":2100,"address":"bridge"},` +
	`"output":{"begin":1764645000.123456,"end":1764645000.123462,"is_cold":false,"request_id":"9d2a3c4e-1b5f-4a6d-8e7f-0a1b2c3d4e5f","container_id":"4f1c2d9a7b3e","handler_ns":6123,"result":{"output":{"result":0}}},` +
	`"provider_times":{"execution":0,"initialization":0},"request_id":"9d2a3c4e-1b5f-4a6d-8e7f-0a1b2c3d4e5f","stats":{"cold_start":false,"failure":false,"memory_used":null},` +
	`"times":{"benchmark":6,"client":240,"client_begin":"2026-12-02 03:30:00.123400","client_end":"2026-12-02 03:30:00.123640","http_first_byte_return":0.000180,"http_startup":0.000002,"initialization":0}}`

// BenchmarkRecord is what recording one call costs the caller: impl=decode makes the result a call hands
// over (what every call costs, recorded or not), impl=record the same plus Recorder.record. Their
// difference is the Recorder's share of a call, the collector's work on what the Recorder keeps included:
// every call has its own request ID, as in a real run, so every result is kept until Close.
func BenchmarkRecord(b *testing.B) {
	cfg := sebs.FunctionConfig{Memory: 128, Runtime: sebs.Runtime{Language: sebs.LanguageGo, Version: "1.26"}}
	calls := 0
	decode := func(b *testing.B) *sebs.ExecutionResult {
		var res sebs.ExecutionResult
		if err := json.Unmarshal([]byte(sleepResult), &res); err != nil {
			b.Fatal(err)
		}
		calls++
		res.RequestID = strconv.Itoa(calls)
		res.Output["request_id"] = res.RequestID
		return &res
	}
	sample := func(res *sebs.ExecutionResult) sebs.Sample {
		return sebs.Sample{Benchmark: "sleep", Function: "sleep-go", Language: "go", Mode: "warm", Size: "test",
			RequestID: res.RequestID, Begin: time.Now(), ClientNS: 240_000, HTTPStartupNS: 2_000, FirstByteNS: 180_000,
			ServerNS: 6_123, ConnectionReused: true}
	}
	b.Run("impl=decode", func(b *testing.B) {
		for b.Loop() {
			res := decode(b)
			_ = sample(res)
		}
	})
	b.Run("impl=record", func(b *testing.B) {
		rec, err := NewRecorder(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = rec.Close() }) // after a failure; the Close below reports its errors
		for b.Loop() {
			res := decode(b)
			if err := rec.record(sample(res), res, cfg, time.Now()); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer() // Close's merge and rewrite of the files is not a call's cost
		if err := rec.Close(); err != nil {
			b.Fatal(err)
		}
	})
}
