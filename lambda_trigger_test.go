package sebs_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gosebs/sebs"
)

// fakeEmulator answers like AWS's Runtime Interface Emulator: it checks the path, logs a REPORT line
// for the call's request ID into reports (before answering, as the emulator prints it), then answers
// status and body. A body containing %s gets the request ID.
func fakeEmulator(t *testing.T, reports *sebs.LambdaReports, cold bool, status int, body string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if r.URL.Path != sebs.LambdaInvokePath || r.Method != http.MethodPost {
			http.NotFound(w, r)
			return
		}
		id := r.Header.Get("X-Amzn-RequestId")
		if reports != nil {
			init := ""
			if cold {
				init = "Init Duration: 3.44 ms\t"
			}
			fmt.Fprintf(reports, "START RequestId: %s Version: $LATEST\nEND RequestId: %s\n"+
				"REPORT RequestId: %s\t%sDuration: 10.48 ms\tBilled Duration: 11 ms\tMemory Size: 256 MB\tMax Memory Used: 256 MB\t\n", id, id, id, init)
		}
		if strings.Contains(body, "%s") {
			body = fmt.Sprintf(body, id)
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestLambdaTriggerPlainFunction(t *testing.T) {
	var reports sebs.LambdaReports
	srv := fakeEmulator(t, &reports, true, 200, `{"result":0.001}`)
	tr := &sebs.LambdaTrigger{URL: srv.Listener.Addr().String(), Reports: &reports}
	t.Cleanup(tr.Close)

	res, err := tr.Invoke(context.Background(), map[string]float64{"sleep": 0.001})
	require.NoError(t, err)
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, res.RequestID)
	assert.Equal(t, res.RequestID, res.Output["request_id"])
	out, err := res.HandlerOutput()
	require.NoError(t, err)
	assert.JSONEq(t, `{"result":0.001}`, string(out))
	assert.False(t, res.Stats.Failure)
	assert.True(t, res.Stats.ColdStart, "Init Duration present")
	assert.Equal(t, int64(10480), res.ProviderTimes.Execution)
	assert.Equal(t, int64(3440), res.ProviderTimes.Initialization)
	assert.Equal(t, int64(11), *res.Billing.BilledTime)
	assert.Equal(t, 256, *res.Billing.Memory)
	assert.Equal(t, (11/1000.0)*(256/1024.0), res.Billing.GBSeconds)
	assert.Nil(t, res.Stats.MemoryUsed)
	assert.Positive(t, res.Times.Client)
	assert.Positive(t, res.Times.HTTPStartupDuration())
	assert.GreaterOrEqual(t, res.Times.FirstByteDuration(), res.Times.HTTPStartupDuration())
	require.NotNil(t, res.Detail)
	assert.False(t, res.Detail.ConnectionReused, "a fresh connection per call by default")
}

// TestLambdaTriggerValues: the handler's return value need not be an object.
func TestLambdaTriggerValues(t *testing.T) {
	for _, body := range []string{`"hello"`, `null`, `[1,2]`, `3.5`, `{"statusCode":200,"body":"{\"a\":1}"}`} {
		srv := fakeEmulator(t, nil, false, 200, body)
		tr := sebs.NewLambdaTrigger(srv.URL)
		res, err := tr.Invoke(context.Background(), nil)
		require.NoError(t, err, body)
		out, err := res.HandlerOutput()
		require.NoError(t, err, body)
		assert.JSONEq(t, body, string(out))
		assert.Zero(t, res.ProviderTimes, "no Reports: no provider times")
		tr.Close()
	}
}

// TestLambdaTriggerSeBSWrapper: a function wrapped as upstream SeBS wraps AWS functions is read as
// upstream's AWS trigger reads it: the unwrapped body is the output, is_cold wins over the report.
func TestLambdaTriggerSeBSWrapper(t *testing.T) {
	var reports sebs.LambdaReports
	body := `{"statusCode":200,"body":"{\"begin\":\"1735787045.100000\",\"end\":\"1735787045.101234\",\"is_cold\":false,` +
		`\"result\":{\"output\":{\"result\":1}},\"request_id\":\"%s\",\"container_id\":\"ab12cd34\"}"}`
	srv := fakeEmulator(t, &reports, true, 200, body)
	tr := &sebs.LambdaTrigger{URL: srv.URL, Reports: &reports}
	res, err := tr.Invoke(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, false, res.Output["is_cold"])
	assert.False(t, res.Stats.ColdStart, "the wrapper's is_cold, as upstream")
	assert.Equal(t, int64(1234), res.Times.Benchmark)
	assert.Equal(t, int64(3440), res.ProviderTimes.Initialization)
	out, err := res.HandlerOutput()
	require.NoError(t, err)
	assert.JSONEq(t, `{"result":1}`, string(out))
}

const goPanicBody = `{"errorMessage":"oops","errorType":"string","stackTrace":[` +
	`{"path":"github.com/aws/aws-lambda-go@v1.55.1/lambda/errors.go","line":39,"label":"lambdaPanicResponse"},` +
	`{"path":"runtime/panic.go","line":860,"label":"gopanic"},{"path":"fault/handler.go","line":42,"label":"main.newHandler.func1"}]}`

func TestLambdaTriggerErrors(t *testing.T) {
	cases := []struct {
		name    string
		status  int
		body    string
		kind    error
		handler *sebs.HandlerError // nil: no HandlerError
	}{
		{"function error", 200, `{"errorMessage":"bad","errorType":"FaultError"}`, sebs.ErrInvocationFailed,
			&sebs.HandlerError{Status: 200, Message: "bad", Type: "FaultError"}},
		{"python exception", 200, `{"errorMessage":"division by zero","errorType":"ZeroDivisionError","requestId":"",` +
			`"stackTrace":["  File \"/var/task/handler.py\", line 3, in handler\n"]}`, sebs.ErrInvocationFailed,
			&sebs.HandlerError{Status: 200, Message: "division by zero", Type: "ZeroDivisionError", Stack: `  File "/var/task/handler.py", line 3, in handler`}},
		{"panic", 502, goPanicBody, sebs.ErrInvocationFailed,
			&sebs.HandlerError{Status: 502, Message: "oops", Type: "string", Panic: true,
				Stack: "lambdaPanicResponse\n\tgithub.com/aws/aws-lambda-go@v1.55.1/lambda/errors.go:39\ngopanic\n\truntime/panic.go:860\nmain.newHandler.func1\n\tfault/handler.go:42"}},
		{"runtime exit", 502, `{"errorType":"Runtime.ExitError","errorMessage":"RequestId: x Error: Runtime exited with error: exit status 3"}`,
			sebs.ErrRuntimeFailed, nil},
		{"timeout", 200, "Task timed out after 2.00 seconds", sebs.ErrTimeout, nil},
		{"emulator busy", 400, "", sebs.ErrStatus, nil},
		{"not JSON", 200, "<html>", sebs.ErrNotJSON, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var reports sebs.LambdaReports
			srv := fakeEmulator(t, &reports, false, c.status, c.body)
			tr := &sebs.LambdaTrigger{URL: srv.URL, Reports: &reports}
			res, err := tr.Invoke(context.Background(), nil)
			require.Error(t, err)
			assert.ErrorIs(t, err, c.kind)
			var ie *sebs.InvocationError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, c.status, ie.Status)
			require.NotNil(t, res, "a response came: the result comes with the error")
			assert.True(t, res.Stats.Failure)
			var he *sebs.HandlerError
			if c.handler == nil {
				assert.False(t, errors.As(err, &he), "no handler error expected, got %v", he)
				return
			}
			require.ErrorAs(t, err, &he)
			assert.Equal(t, *c.handler, *he)
		})
	}
}

// TestLambdaTriggerReturnedErrorShape: a 200 object that has other keys besides Lambda's error keys is
// the handler's value, not an error; with X-Amz-Function-Error (real Lambda) it is an error.
func TestLambdaTriggerReturnedErrorShape(t *testing.T) {
	srv := fakeEmulator(t, nil, false, 200, `{"errorMessage":"shown to the user","errorType":"Form","field":"name"}`)
	res, err := sebs.NewLambdaTrigger(srv.URL).Invoke(context.Background(), nil)
	require.NoError(t, err)
	assert.False(t, res.Stats.Failure)

	withHeader := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Amz-Function-Error", "Unhandled")
		_, _ = io.WriteString(w, `{"errorMessage":"x","errorType":"E","field":1}`)
	}))
	defer withHeader.Close()
	_, err = sebs.NewLambdaTrigger(withHeader.URL).Invoke(context.Background(), nil)
	assert.ErrorIs(t, err, sebs.ErrInvocationFailed)
}

func TestLambdaTriggerNoReport(t *testing.T) {
	var reports sebs.LambdaReports
	srv := fakeEmulator(t, nil, false, 200, `{}`) // logs nothing
	tr := &sebs.LambdaTrigger{URL: srv.URL, Reports: &reports, ReportWait: 50 * time.Millisecond}
	res, err := tr.Invoke(context.Background(), nil)
	assert.ErrorIs(t, err, sebs.ErrNoReport)
	assert.Equal(t, 1, strings.Count(err.Error(), sebs.ErrNoReport.Error()), "the kind is said once: %v", err)
	require.NotNil(t, res)
	assert.True(t, res.Stats.Failure)
}

func TestLambdaTriggerConnection(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.Listener.Addr().String()
	srv.Close()
	res, err := sebs.NewLambdaTrigger(addr).Invoke(context.Background(), nil)
	assert.Nil(t, res)
	assert.ErrorIs(t, err, sebs.ErrConnection)
}

func TestLambdaTriggerClientTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
	defer srv.Close()
	defer close(release)
	tr := &sebs.LambdaTrigger{URL: srv.URL, Timeout: 50 * time.Millisecond}
	_, err := tr.Invoke(context.Background(), nil)
	assert.ErrorIs(t, err, sebs.ErrTimeout)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestLambdaTriggerEndpoint(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.1:9000":               "http://127.0.0.1:9000" + sebs.LambdaInvokePath,
		"http://127.0.0.1:9000/":       "http://127.0.0.1:9000" + sebs.LambdaInvokePath,
		"https://lambda.example/2/fn/": "https://lambda.example/2/fn/",
	} {
		got, err := sebs.NewLambdaTrigger(in).Endpoint()
		require.NoError(t, err)
		assert.Equal(t, want, got, in)
	}
	_, err := sebs.NewLambdaTrigger("").Endpoint()
	assert.Error(t, err)
}

func TestLambdaTriggerJSON(t *testing.T) {
	tr := sebs.NewLambdaTrigger("127.0.0.1:9000")
	assert.Equal(t, sebs.TriggerLibrary, tr.Type())
	data, err := json.Marshal(tr)
	require.NoError(t, err)
	assert.JSONEq(t, `{"type":"Library","name":"function","url":"127.0.0.1:9000"}`, string(data))
	var back sebs.LambdaTrigger
	require.NoError(t, json.Unmarshal(data, &back))
	assert.Equal(t, tr.URL, back.URL)
	assert.Error(t, json.Unmarshal([]byte(`{"type":"HTTP","url":"x"}`), &back))
	assert.Error(t, json.Unmarshal([]byte(`{"type":"Library","name":"fn"}`), &back), "an AWS trigger without a url cannot be invoked locally")
}

func TestLambdaTriggerAsync(t *testing.T) {
	srv := fakeEmulator(t, nil, false, 200, `{"ok":true}`)
	o := <-sebs.NewLambdaTrigger(srv.URL).InvokeAsync(context.Background(), nil)
	require.NoError(t, o.Err)
	assert.False(t, o.Result.Stats.Failure)
}
