package reliability

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/testcontainers/testcontainers-go"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/sebstest"
)

// The fault function's configured timeout, which becomes its trigger's timeout, and how much longer
// than that any call may take before it counts as a hang.
const (
	faultTimeoutS = 2
	faultTimeout  = faultTimeoutS * time.Second
	callMargin    = 3 * time.Second
	// faultMaxBody is the trigger's response limit in these tests: small, so a huge body is cut early.
	faultMaxBody = 1 << 20
	// endless is a body size no client could read within the timeout: a call that answers
	// ErrBodyTooLarge in time cannot have read it all.
	endless = int64(1) << 40
)

// faultCase is one misbehaviour and what the caller must see.
type faultCase struct {
	name    string
	payload map[string]any
	kind    error    // the sentinel errors.Is must match
	mention []string // what the message must name
}

// faultCases are the misbehaviours the fault fixture does without killing its process.
var faultCases = []faultCase{
	{"bad-json", map[string]any{"fault": "bad-json"}, sebs.ErrNotJSON, []string{"not a JSON object", "this is not JSON", "status 200"}},
	{"status-500", map[string]any{"fault": "status-500"}, sebs.ErrInvocationFailed, []string{"status 500", "status-500 requested"}},
	{"hang", map[string]any{"fault": "hang"}, sebs.ErrTimeout, []string{"timed out", "trigger timeout 2s"}},
	{"huge-body-streamed", map[string]any{"fault": "huge-body", "bytes": endless}, sebs.ErrBodyTooLarge, []string{"too large", "limit of 1048576 bytes"}},
	{"huge-body-declared", map[string]any{"fault": "huge-body", "bytes": endless, "declare_length": true}, sebs.ErrBodyTooLarge, []string{"too large", "Content-Length 1099511627776"}},
	{"missing-request-id", map[string]any{"fault": "missing-request-id"}, sebs.ErrMissingRequestID, []string{"no request_id", `\"is_cold\"`}},
	{"missing-is-cold", map[string]any{"fault": "missing-is-cold"}, sebs.ErrInvocationFailed, []string{"invocation failed", `no "is_cold"`}},
}

// startFault starts the fault fixture for a test with the timeout under test, a small response limit
// and a label that finds its containers, and checks after the test that none is left.
func startFault(t *testing.T, opts ...testcontainers.ContainerCustomizer) *sebstest.Function {
	t.Helper()
	cli := testDocker(t)
	key, value := caseLabel(t)
	expectNoCaseContainers(t, cli, key, value)
	opts = append([]testcontainers.ContainerCustomizer{
		sebstest.WithConfig(sebs.FunctionConfig{Timeout: faultTimeoutS, Memory: 128}),
		testcontainers.WithLabels(map[string]string{key: value}),
	}, opts...)
	fn := sebstest.New(t, sebstest.Fixture("fault", sebs.LanguageGo), opts...)
	fn.HTTPTrigger().MaxBodyBytes = faultMaxBody
	return fn
}

// invokeTimed invokes fn once and returns how long the call took. A panic fails the test with its
// value instead of crashing the package; an outer deadline well past the trigger's timeout turns a
// hang into a failure rather than a stuck test.
func invokeTimed(t *testing.T, fn *sebstest.Function, payload any) (res *sebs.ExecutionResult, err error, took time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), faultTimeout+4*callMargin)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			t.Fatalf("invoke %v panicked: %v", payload, p)
		}
	}()
	began := time.Now()
	res, err = fn.Invoke(ctx, payload)
	return res, err, time.Since(began)
}

// requireAnswers fails the test unless a normal call succeeds: the function survived what came before.
func requireAnswers(t *testing.T, fn *sebstest.Function) *sebs.ExecutionResult {
	t.Helper()
	res, err, _ := invokeTimed(t, fn, map[string]any{"fault": "none"})
	if err != nil {
		t.Fatalf("a normal call after the fault failed: %v", err)
	}
	if res.RequestID == "" || res.Stats.Failure {
		t.Fatalf("a normal call after the fault gave request id %q, failure %v", res.RequestID, res.Stats.Failure)
	}
	return res
}

// TestFaultMatrix gives every misbehaviour that leaves the process alive to one fault function: each call
// fails with its own sentinel error, whose message names what came back, within the timeout plus a
// margin, and the function answers normally afterwards.
func TestFaultMatrix(t *testing.T) {
	fn := startFault(t)
	requireAnswers(t, fn)
	for _, tc := range faultCases {
		t.Run(tc.name, func(t *testing.T) {
			res, err, took := invokeTimed(t, fn, tc.payload)
			t.Logf("%s: %v after %v", tc.name, err, took.Round(time.Millisecond))
			if err == nil {
				t.Fatalf("%s succeeded; want %v", tc.name, tc.kind)
			}
			if !errors.Is(err, tc.kind) {
				t.Errorf("error %q is not %v", err, tc.kind)
			}
			var ie *sebs.InvocationError
			if !errors.As(err, &ie) {
				t.Errorf("error %T is not a *sebs.InvocationError", err)
			}
			for _, m := range tc.mention {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q does not mention %q", err, m)
				}
			}
			if took >= faultTimeout+callMargin {
				t.Errorf("the call took %v, want less than timeout %v + %v", took, faultTimeout, callMargin)
			}
			if tc.kind == sebs.ErrBodyTooLarge && took >= faultTimeout {
				t.Errorf("a %d-byte body took %v to reject: it was read, not cut at the limit", endless, took)
			}
			if res != nil && !res.Stats.Failure {
				t.Errorf("the failed call's result is not marked as a failure")
			}
			requireAnswers(t, fn)
		})
	}
}
