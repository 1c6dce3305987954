package sebs

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// LambdaInvokePath is the path of Lambda's Invoke API that AWS's Runtime
// Interface Emulator serves, for its one function, named "function".
const LambdaInvokePath = "/2015-03-31/functions/function/invocations"

// DefaultLambdaReportWait is how long a [LambdaTrigger] waits, after the
// response, for the call's REPORT line when its ReportWait is 0.
const DefaultLambdaReportWait = time.Second

// ErrRuntimeFailed is the kind of [*InvocationError] for a Lambda function
// whose runtime process failed rather than its handler: it exited or crashed
// during the call (Lambda's "Runtime.ExitError"), or the emulator reported
// another "Runtime." or "Sandbox." error. The error says Lambda's errorType
// and errorMessage; it carries no [*HandlerError], as the handler did not fail.
var ErrRuntimeFailed = errors.New("function runtime failed")

// LambdaTrigger invokes an AWS Lambda function through Lambda's Invoke API
// as AWS's Runtime Interface Emulator serves it (POST [LambdaInvokePath]),
// and measures the call as [HTTPTrigger] does: client time, HTTP startup and
// first byte on a monotonic clock, fresh connection per call unless
// KeepAlive.
//
// Each call gets a new request ID, sent as X-Amzn-RequestId, which the
// emulator uses as the Lambda request ID; the result's RequestID is that ID.
//
// The response body is the handler's return value. The result's Output is
// shaped as upstream SeBS's results are, so [ExecutionResult.HandlerOutput]
// returns the handler's value:
//   - a plain Lambda function's return value v gives Output
//     {"request_id": id, "result": {"output": v}};
//   - a function wrapped as upstream SeBS wraps AWS functions (it answers
//     {"statusCode": 200, "body": "<JSON with is_cold, begin, end, result…>"})
//     gives the unwrapped body, read as upstream's AWS library trigger does
//     (benchmark time from begin and end, is_cold).
//
// Failures are [*InvocationError]s, returned with the (failed) result:
//   - the handler returned an error (200 with {"errorMessage", "errorType"},
//     or any response with an X-Amz-Function-Error header): kind
//     [ErrInvocationFailed], carrying a [*HandlerError] with Lambda's
//     errorMessage, errorType and stackTrace;
//   - the handler panicked (the runtime reported the error and died: 502):
//     [ErrInvocationFailed], HandlerError.Panic set;
//   - the function ran past its configured timeout (200 "Task timed out after
//     N.00 seconds"): [ErrTimeout];
//   - the runtime process exited ("Runtime.ExitError"): [ErrRuntimeFailed];
//   - the emulator is gone or the connection failed: [ErrConnection];
//   - any other status (the emulator answers 400 to a call while another
//     runs: it serves one call at a time): [ErrStatus].
//
// With Reports set, the call's REPORT line fills ProviderTimes, Billing and
// Stats.ColdStart (see [LambdaReport.Apply]); for a SeBS-wrapped function,
// ColdStart stays the body's is_cold, as upstream's trigger leaves it. A
// successful call whose REPORT line does not arrive within ReportWait fails
// with [ErrNoReport].
//
// Set the fields before the first call. A LambdaTrigger is safe for
// concurrent use and must not be copied after first use.
type LambdaTrigger struct {
	// URL is the emulator's "host:port" (http:// assumed) or a full URL;
	// without a path, LambdaInvokePath is used.
	URL string
	// KeepAlive reuses connections between calls.
	KeepAlive bool
	// Timeout bounds each call, on top of the context's deadline; 0 means
	// none. Set it above the function's configured timeout so that the
	// emulator's own timeout answer comes first. As for [HTTPTrigger.Timeout],
	// it also decides whether fresh connections get TCP keep-alive probes.
	Timeout time.Duration
	// MaxBodyBytes bounds the response body; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Reports, when set, receives the function's log stream; each call
	// waits for its REPORT line there.
	Reports *LambdaReports
	// ReportWait bounds the wait for a REPORT line after the response; 0
	// means DefaultLambdaReportWait.
	ReportWait time.Duration

	mu     sync.Mutex
	http   HTTPTrigger // the transport, its settings copied from the fields above
	raw    string      // the URL target was resolved from, so a call parses it only when it changed
	target string
}

// NewLambdaTrigger returns a trigger for the emulator at url ("host:port" or
// a full URL).
func NewLambdaTrigger(url string) *LambdaTrigger { return &LambdaTrigger{URL: url} }

// Type returns TriggerLibrary: the call goes through Lambda's Invoke API, as
// upstream's AWS library trigger does.
func (t *LambdaTrigger) Type() TriggerType { return TriggerLibrary }

// Endpoint returns the full URL the trigger POSTs to.
func (t *LambdaTrigger) Endpoint() (string, error) {
	return lambdaEndpoint(t.URL)
}

func lambdaEndpoint(raw string) (string, error) {
	target, err := resolveURL(raw)
	if err != nil {
		return "", fmt.Errorf("sebs: Lambda trigger: %w", err)
	}
	u, err := url.Parse(target)
	if err != nil {
		return "", fmt.Errorf("sebs: Lambda trigger URL %q: %w", raw, err)
	}
	if u.Path == "/" {
		u.Path = LambdaInvokePath
	}
	return u.String(), nil
}

// setup copies the fields into the transport and returns its client and
// target URL.
func (t *LambdaTrigger) setup() (*http.Client, string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.target == "" || t.raw != t.URL {
		target, err := lambdaEndpoint(t.URL)
		if err != nil {
			return nil, "", err
		}
		t.raw, t.target = t.URL, target
	}
	t.http.URL, t.http.KeepAlive, t.http.Timeout, t.http.MaxBodyBytes = t.target, t.KeepAlive, t.Timeout, t.MaxBodyBytes
	return t.http.setup()
}

// Close closes the trigger's idle connections. The trigger stays usable.
func (t *LambdaTrigger) Close() { t.http.Close() }

// Invoke sends payload (encoded by [EncodePayload]) to the function and
// returns what the call measured; see [LambdaTrigger] for the result's shape
// and the errors.
func (t *LambdaTrigger) Invoke(ctx context.Context, payload any) (*ExecutionResult, error) {
	client, target, err := t.setup()
	if err != nil {
		return nil, &InvocationError{Kind: ErrConnection, URL: t.URL, Err: err}
	}
	body, err := EncodePayload(payload)
	if err != nil {
		return nil, &InvocationError{Kind: ErrBadPayload, URL: target, Err: err}
	}
	callCtx, cancel := callContext(ctx, t.Timeout)
	defer cancel()
	id := newLambdaRequestID()
	header := http.Header{"Content-Type": {"application/json"}, "X-Amzn-Requestid": {id}}
	buf := t.http.getBuf()
	defer t.http.putBuf(buf)
	inv, resp, data, ierr := t.http.exchange(callCtx, client, target, body, header, *buf)
	if inv == nil {
		return nil, ierr
	}
	res := &inv.res
	res.RequestID = id
	if ierr == nil {
		ierr = parseLambdaResponse(res, id, resp.StatusCode, resp.Header, data)
	}
	if ierr != nil {
		ierr.URL = target
	}
	if t.Reports != nil && resp.StatusCode == http.StatusOK {
		if rerr := t.applyReport(ctx, res, id); rerr != nil && ierr == nil {
			res.Stats.Failure = true
			ierr = &InvocationError{Kind: ErrNoReport, URL: target, Status: resp.StatusCode, Err: rerr}
		}
	}
	if ierr != nil {
		return res, ierr
	}
	return res, nil
}

// applyReport waits for the call's REPORT line and applies it, keeping a
// SeBS wrapper's own is_cold.
func (t *LambdaTrigger) applyReport(ctx context.Context, res *ExecutionResult, id string) error {
	wait := t.ReportWait
	if wait <= 0 {
		wait = DefaultLambdaReportWait
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), wait)
	defer cancel()
	rep, err := t.Reports.wait(ctx, id)
	if err != nil {
		return err
	}
	cold, wrapped := res.Stats.ColdStart, res.Output["is_cold"] != nil
	if err := rep.Apply(res); err != nil {
		return err
	}
	if wrapped {
		res.Stats.ColdStart = cold
	}
	return nil
}

// InvokeAsync starts Invoke in its own goroutine and returns a channel that
// receives its Outcome and is then closed.
func (t *LambdaTrigger) InvokeAsync(ctx context.Context, payload any) <-chan Outcome {
	return invokeAsync(ctx, payload, t.Invoke)
}

// newLambdaRequestID returns a random version 4 UUID, as Lambda's request IDs
// are.
func newLambdaRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails: crypto/rand aborts the program without entropy
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

type lambdaTriggerJSON struct {
	Type string `json:"type"`
	Name string `json:"name"`
	URL  string `json:"url"`
}

// lambdaFunctionName is the function name the emulator serves.
const lambdaFunctionName = "function"

// MarshalJSON writes upstream's AWS library trigger shape, {"type":
// "Library", "name": "function"}, plus "url", the emulator's address.
func (t *LambdaTrigger) MarshalJSON() ([]byte, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return json.Marshal(lambdaTriggerJSON{Type: "Library", Name: lambdaFunctionName, URL: t.URL})
}

// UnmarshalJSON reads what MarshalJSON writes; the type, if present, must be
// Library, and the url must be present.
func (t *LambdaTrigger) UnmarshalJSON(data []byte) error {
	u, err := decodeTriggerURL(data, TriggerLibrary, "Lambda", ": only triggers of a local emulator can be restored")
	if err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.URL = u
	return nil
}
