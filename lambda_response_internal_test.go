package sebs

import (
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
