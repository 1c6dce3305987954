package sebs

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"
)

// FuzzParseLambdaResponse: whatever the emulator answers, the result and the error agree: success means
// a result that is not failed and whose handler output can be read; failure means a typed error, a
// HandlerError only for a handler's own failure.
func FuzzParseLambdaResponse(f *testing.F) {
	for _, s := range []struct {
		status int
		header bool
		body   string
	}{
		{200, false, `{"result":0.001}`},
		{200, false, `{"errorMessage":"bad","errorType":"FaultError"}`},
		{502, false, `{"errorMessage":"oops","errorType":"string","stackTrace":[{"path":"p","line":1,"label":"gopanic"}]}`},
		{502, false, `{"errorType":"Runtime.ExitError","errorMessage":"RequestId: x Error: Runtime exited"}`},
		{200, false, "Task timed out after 2.00 seconds"},
		{200, false, `{"statusCode":200,"body":"{\"is_cold\":true,\"request_id\":\"r\",\"begin\":\"1.0\",\"end\":\"2.0\"}"}`},
		{200, true, `{"errorMessage":"x","errorType":"E","extra":[]}`},
		{400, false, ``},
		{200, false, `null`},
	} {
		f.Add(s.status, s.header, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, status int, functionError bool, body []byte) {
		header := http.Header{}
		if functionError {
			header.Set("X-Amz-Function-Error", "Unhandled")
		}
		var res ExecutionResult
		ierr := parseLambdaResponse(&res, "req", status, header, body)
		if ierr == nil {
			if res.Stats.Failure {
				t.Fatal("success with a failed result")
			}
			if res.Output["is_cold"] == nil {
				if _, err := res.HandlerOutput(); err != nil {
					t.Fatalf("success, but the handler output cannot be read: %v", err)
				}
			}
			return
		}
		if !res.Stats.Failure || ierr.Kind == nil || ierr.Status != status {
			t.Fatalf("error %v with failure %v, status %d", ierr, res.Stats.Failure, ierr.Status)
		}
		var he *HandlerError
		if errors.As(ierr, &he) && ierr.Kind != ErrInvocationFailed {
			t.Fatalf("a HandlerError under kind %v", ierr.Kind)
		}
		_ = ierr.Error()
	})
}

// TestLambdaOutputIntegersExact: a plain Lambda function's output keeps integers above 2^53 exact, as the
// HTTP trigger's does, and a Go stack frame's line still renders.
func TestLambdaOutputIntegersExact(t *testing.T) {
	var res ExecutionResult
	if err := parseLambdaResponse(&res, "req", 200, http.Header{}, []byte(`{"n":9007199254740993}`)); err != nil {
		t.Fatal(err)
	}
	out, _ := res.Output["result"].(map[string]any)["output"].(map[string]any)
	if n, ok := out["n"].(json.Number); !ok || n.String() != "9007199254740993" {
		t.Errorf("output n = %#v, want json.Number 9007199254740993", out["n"])
	}
	var failed ExecutionResult
	ierr := parseLambdaResponse(&failed, "req", 502, http.Header{},
		[]byte(`{"errorMessage":"oops","errorType":"string","stackTrace":[{"path":"p.go","line":12,"label":"gopanic"}]}`))
	var he *HandlerError
	if !errors.As(ierr, &he) || he.Stack != "gopanic\n\tp.go:12" {
		t.Errorf("error %v, want a HandlerError with stack %q", ierr, "gopanic\n\tp.go:12")
	}
}
