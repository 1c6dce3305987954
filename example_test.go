package sebs_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/gosebs/sebs"
)

// A function that answers in the project's wire protocol.
func exampleServer() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"begin":"1735787045.100000","end":"1735787045.101234",`+
			`"request_id":"9b1d","is_cold":true,"result":{"output":{"result":0.001}},`+
			`"container_id":"0123456789ab","handler_ns":1234000}`)
	}))
}

func ExampleHTTPTrigger_Invoke() {
	srv := exampleServer()
	defer srv.Close()

	trigger := sebs.NewHTTPTrigger(srv.Listener.Addr().String()) // "127.0.0.1:port", as upstream stores it
	defer trigger.Close()

	res, err := trigger.Invoke(context.Background(), map[string]any{"sleep": 0.001})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("request:", res.RequestID)
	fmt.Println("cold start:", res.Stats.ColdStart)
	fmt.Println("benchmark:", res.Times.BenchmarkDuration())
	fmt.Println("handler:", res.Detail.HandlerDuration())
	fmt.Println("startup <= first byte <= client:",
		res.Times.HTTPStartupDuration() <= res.Times.FirstByteDuration() &&
			res.Times.FirstByteDuration().Microseconds() <= res.Times.ClientDuration().Microseconds())
	// Output:
	// request: 9b1d
	// cold start: true
	// benchmark: 1.234ms
	// handler: 1.234ms
	// startup <= first byte <= client: true
}

func ExampleHTTPTrigger_InvokeAsync() {
	srv := exampleServer()
	defer srv.Close()
	trigger := sebs.NewHTTPTrigger(srv.URL)
	trigger.KeepAlive = true
	defer trigger.Close()

	outcomes := []<-chan sebs.Outcome{
		trigger.InvokeAsync(context.Background(), map[string]int{"n": 1}),
		trigger.InvokeAsync(context.Background(), map[string]int{"n": 2}),
	}
	for _, ch := range outcomes {
		o := <-ch
		fmt.Println(o.Result.RequestID, o.Err)
	}
	// Output:
	// 9b1d <nil>
	// 9b1d <nil>
}

func ExampleInvocationError() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, `{"error":"division by zero","error_type":"ZeroDivisionError","stack":"","panic":false}`)
	}))
	defer srv.Close()
	trigger := sebs.NewHTTPTrigger(srv.Listener.Addr().String())
	defer trigger.Close()

	res, err := trigger.Invoke(context.Background(), nil)
	var ie *sebs.InvocationError
	if errors.As(err, &ie) {
		fmt.Println("handler failed:", errors.Is(err, sebs.ErrInvocationFailed))
		fmt.Println("status:", ie.Status)
		fmt.Println("failure recorded:", res.Stats.Failure)
	}
	var he *sebs.HandlerError
	if errors.As(err, &he) {
		fmt.Println("message:", he.Message)
		fmt.Println("type:", he.Type)
	}
	// Output:
	// handler failed: true
	// status: 500
	// failure recorded: true
	// message: division by zero
	// type: ZeroDivisionError
}

func ExampleMarshalUpstream() {
	fn := sebs.Function{
		Name:      "sebd-010.sleep-python-3.11",
		Benchmark: "010.sleep",
		Hash:      "5ff0657337d17b0cf6156f712f697610",
		Config: sebs.FunctionConfig{
			Timeout: 120, Memory: 128,
			Runtime: sebs.Runtime{Language: sebs.LanguagePython, Version: "3.11"},
		},
	}
	fn.AddTrigger(sebs.NewHTTPTrigger("172.17.0.3:9000"))
	out, _ := sebs.MarshalUpstream(fn)
	fmt.Print(string(out))
	// Output:
	// {
	//   "benchmark": "010.sleep",
	//   "config": {
	//     "architecture": "x64",
	//     "memory": 128,
	//     "runtime": {
	//       "language": "python",
	//       "language-variant": "default",
	//       "version": "3.11"
	//     },
	//     "timeout": 120
	//   },
	//   "hash": "5ff0657337d17b0cf6156f712f697610",
	//   "name": "sebd-010.sleep-python-3.11",
	//   "triggers": [
	//     {
	//       "type": "HTTP",
	//       "url": "172.17.0.3:9000"
	//     }
	//   ]
	// }
}

func ExampleExecutionResult_UnmarshalJSON() {
	// One invocation as upstream SeBS stores it in experiments.json.
	data := []byte(`{"billing":{"_billed_time":null,"_gb_seconds":0,"_memory":null},
	  "output":{"is_cold":false,"request_id":"9b1d"},"provider_times":{"execution":0,"initialization":0},
	  "request_id":"9b1d","stats":{"cold_start":false,"failure":false,"memory_used":null},
	  "times":{"benchmark":1234,"client":2500,"client_begin":"2025-01-02 03:04:05.123456",
	           "client_end":"2025-01-02 03:04:05.125956","http_first_byte_return":0.0021,
	           "http_startup":0.000123,"initialization":0}}`)
	var res sebs.ExecutionResult
	if err := json.Unmarshal(data, &res); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Times.ClientDuration(), res.Times.HTTPStartupDuration(), res.Times.FirstByteDuration())
	// Output:
	// 2.5ms 123µs 2.1ms
}

// A writer that keeps many results appends each one's JSON to a buffer it reuses, without reflection.
func ExampleExecutionResult_AppendJSON() {
	var res sebs.ExecutionResult
	if err := json.Unmarshal([]byte(`{"output":{"request_id":"r-1","is_cold":false,"result":{"output":{"n":9007199254740993}}},"request_id":"r-1"}`), &res); err != nil {
		fmt.Println(err)
		return
	}
	buf := make([]byte, 0, 512)
	buf, err := res.AppendJSON(buf[:0])
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(buf))
	// Output:
	// {"billing":{"_billed_time":null,"_gb_seconds":0,"_memory":null},"output":{"is_cold":false,"request_id":"r-1","result":{"output":{"n":9007199254740993}}},"provider_times":{"execution":0,"initialization":0},"request_id":"r-1","stats":{"cold_start":false,"failure":false,"memory_used":null},"times":{"benchmark":0,"client":0,"initialization":0}}
}

// A samples.jsonl line, as json.Marshal writes it, appended to a reused buffer.
func ExampleSample_AppendJSON() {
	s := sebs.Sample{Benchmark: "sleep", Function: "sleep-go", Language: "go", Mode: "warm", Size: "test",
		RequestID: "r-1", Begin: time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC), ClientNS: 240_000}
	line, err := s.AppendJSON(nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(line))
	// Output:
	// {"benchmark":"sleep","function":"sleep-go","language":"go","mode":"warm","size":"test","request_id":"r-1","is_cold":false,"begin":"2026-12-02T06:00:00Z","client_ns":240000,"http_startup_ns":0,"first_byte_ns":0,"server_ns":0,"connection_reused":false,"memory_peak_bytes":0}
}

// AppendUpstreamJSON rewrites JSON already encoded (here a result kept as its bytes) as MarshalUpstream
// writes it, at its nesting in a larger document: keys sorted, indented, HTML characters as they are.
func ExampleAppendUpstreamJSON() {
	kept := []byte(`{"request_id":"r-1","output":{"z":1,"a":"\u003cb\u003e"}}`)
	doc := []byte("{\n  \"r-1\": ")
	doc, err := sebs.AppendUpstreamJSON(doc, kept, 1) // at depth 1: the value of a member of the document
	if err != nil {
		fmt.Println(err)
		return
	}
	doc = append(doc, "\n}"...)
	fmt.Println(string(doc))
	// Output:
	// {
	//   "r-1": {
	//     "output": {
	//       "a": "<b>",
	//       "z": 1
	//     },
	//     "request_id": "r-1"
	//   }
	// }
}
