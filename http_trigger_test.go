package sebs_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gosebs/sebs"
)

// wireOK is a response in the project's wire protocol (DESIGN.md).
const wireOK = `{"begin":"1735787045.100000","end":"1735787045.101234","request_id":"req-1","is_cold":true,` +
	`"result":{"output":{"result":0.001}},"container_id":"0123456789ab","handler_ns":1234000}`

func respond(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

// respondFile answers with status and the contents of a testdata file.
func respondFile(status int, contentType, path string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		body, err := os.ReadFile(path)
		if err != nil {
			http.Error(w, err.Error(), http.StatusTeapot)
			return
		}
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}
}

func newTrigger(t *testing.T, h http.Handler) (*sebs.HTTPTrigger, *httptest.Server) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	tr := sebs.NewHTTPTrigger(srv.Listener.Addr().String())
	t.Cleanup(tr.Close)
	return tr, srv
}

func TestHTTPTriggerResponses(t *testing.T) {
	bigBody := `{"request_id":"x","is_cold":false,"pad":"` + strings.Repeat("a", 4096) + `"}`
	cases := []struct {
		name      string
		handler   http.Handler
		maxBody   int64
		wantKind  error // nil: success
		wantBench time.Duration
		check     func(t *testing.T, r *sebs.ExecutionResult, err error)
	}{
		{name: "wire protocol", handler: respond(200, wireOK), wantBench: 1234 * time.Microsecond,
			check: func(t *testing.T, r *sebs.ExecutionResult, _ error) {
				assert.Equal(t, "req-1", r.RequestID)
				assert.True(t, r.Stats.ColdStart)
				assert.False(t, r.Stats.Failure)
				assert.Equal(t, "0123456789ab", r.Detail.ContainerID)
				assert.Equal(t, 1234*time.Microsecond, r.Detail.HandlerDuration())
				assert.Equal(t, map[string]any{"output": map[string]any{"result": json.Number("0.001")}}, r.Output["result"], "numbers keep their text")
			}},
		{name: "python wrapper microseconds", handler: respond(200, `{"begin":"1735787045.100000","end":"1735787045.100001","request_id":"a","is_cold":false,"result":{"output":1}}`), wantBench: time.Microsecond},
		{name: "node wrapper milliseconds", handler: respond(200, `{"begin":"1735787045.100","end":"1735787045.102","request_id":"a","is_cold":false,"result":{"output":1}}`), wantBench: 2 * time.Millisecond},
		{name: "cloud wrapper numbers", handler: respond(200, `{"begin":1735787045.1,"end":1735787045.35,"request_id":"a","is_cold":false,"result":{}}`), wantBench: 250 * time.Millisecond},
		{name: "no begin and end", handler: respond(200, `{"request_id":"a","is_cold":false}`)},
		{name: "body envelope object", handler: respond(200, `{"statusCode":200,"body":{"begin":"1.0","end":"1.5","request_id":"env","is_cold":true}}`), wantBench: 500 * time.Millisecond,
			check: func(t *testing.T, r *sebs.ExecutionResult, _ error) {
				assert.Equal(t, "env", r.RequestID)
				assert.NotContains(t, r.Output, "statusCode", "output is the unwrapped body")
			}},
		{name: "body envelope JSON string", handler: respond(200, `{"statusCode":200,"body":"{\"begin\":\"1.0\",\"end\":\"1.25\",\"request_id\":\"aws\",\"is_cold\":false}"}`), wantBench: 250 * time.Millisecond,
			check: func(t *testing.T, r *sebs.ExecutionResult, _ error) { assert.Equal(t, "aws", r.RequestID) }},
		{name: "body envelope string not JSON", handler: respond(200, `{"body":"Internal Server Error"}`), wantKind: sebs.ErrNotJSON},
		{name: "body envelope number", handler: respond(200, `{"body":5}`), wantKind: sebs.ErrNotJSON},
		{name: "status 500 wire error", handler: respond(500, `{"error":"boom","request_id":"r5","is_cold":false,"container_id":"c"}`), wantKind: sebs.ErrInvocationFailed,
			check: func(t *testing.T, r *sebs.ExecutionResult, err error) {
				var ie *sebs.InvocationError
				require.ErrorAs(t, err, &ie)
				assert.Equal(t, 500, ie.Status)
				assert.Contains(t, ie.Body, "boom")
				assert.Contains(t, err.Error(), "status 500")
				assert.Contains(t, err.Error(), "handler failed: boom")
				assert.NotErrorIs(t, err, sebs.ErrStatus)
				var he *sebs.HandlerError
				require.ErrorAs(t, err, &he, "an old-style response (only \"error\") is a handler error too")
				assert.Equal(t, sebs.HandlerError{Status: 500, Message: "boom"}, *he)
				assert.Equal(t, "boom", r.Output["error"], "the decoded output is kept")
			}},
		{name: "status 500 handler error shape", wantKind: sebs.ErrInvocationFailed,
			handler: respond(500, `{"error":"items must be in 1..10000000, got \"-1\"","error_type":"*fmt.wrapError",`+
				`"stack":"goroutine 7 [running]:\nmain.handler()\n\t/src/main.go:12","panic":true,"request_id":"r","is_cold":false}`),
			check: func(t *testing.T, _ *sebs.ExecutionResult, err error) {
				var he *sebs.HandlerError
				require.ErrorAs(t, err, &he)
				assert.Equal(t, sebs.HandlerError{Status: 500, Message: `items must be in 1..10000000, got "-1"`, Type: "*fmt.wrapError",
					Stack: "goroutine 7 [running]:\nmain.handler()\n\t/src/main.go:12", Panic: true}, *he)
				msg := err.Error()
				assert.Contains(t, msg, `handler panicked (*fmt.wrapError): items must be in 1..10000000, got "-1"`, "the message unescaped")
				assert.NotContains(t, msg, `\"`, "no escaped JSON excerpt")
				assert.Contains(t, msg, "main.handler()\n\t/src/main.go:12", "the stack is shown")
			}},
		{name: "status 500 bottle error page", wantKind: sebs.ErrInvocationFailed,
			handler: respondFile(500, "text/html; charset=UTF-8", "testdata/upstream/bottle_500.html"),
			check: func(t *testing.T, _ *sebs.ExecutionResult, err error) {
				var he *sebs.HandlerError
				require.ErrorAs(t, err, &he)
				want := `size must be in ['test', 'small'], got <huge> & more`
				assert.Equal(t, want, he.Message, "the traceback's last line, unescaped")
				assert.Equal(t, "ValueError", he.Type)
				assert.True(t, strings.HasPrefix(he.Stack, "Traceback (most recent call last):"), he.Stack)
				assert.Contains(t, he.Stack, `File "/function/function.py", line 9, in handler`)
				assert.Contains(t, err.Error(), "handler failed (ValueError): "+want)
				assert.Contains(t, err.Error(), `File "/function/function.py", line 9, in handler`, "the user sees the traceback")
			}},
		{name: "status 500 HTML without pre", handler: respond(500, `<html>Traceback</html>`), wantKind: sebs.ErrStatus,
			check: func(t *testing.T, _ *sebs.ExecutionResult, err error) { assert.Contains(t, err.Error(), "Traceback") }},
		{name: "status 503 with error", handler: respond(503, `{"error":"overloaded"}`), wantKind: sebs.ErrStatus},
		{name: "status 413", handler: respond(413, `<h1>Error: 413 Request Entity Too Large</h1><pre>Request entity too large</pre>`), wantKind: sebs.ErrBodyTooLarge,
			check: func(t *testing.T, _ *sebs.ExecutionResult, err error) {
				assert.Contains(t, err.Error(), `15-byte request body larger than the function accepts`) // {"sleep":0.001}
				assert.Contains(t, err.Error(), "102400 bytes")
				assert.Contains(t, err.Error(), "status 413")
				assert.NotContains(t, err.Error(), "MaxBodyBytes", "the response limit is not the cause")
			}},
		{name: "redirect is not followed", handler: http.RedirectHandler("/elsewhere", http.StatusFound), wantKind: sebs.ErrStatus},
		{name: "not JSON", handler: respond(200, `result:ok`), wantKind: sebs.ErrNotJSON,
			check: func(t *testing.T, _ *sebs.ExecutionResult, err error) { assert.Contains(t, err.Error(), "result:ok") }},
		{name: "JSON array", handler: respond(200, `[1,2]`), wantKind: sebs.ErrNotJSON},
		{name: "JSON null", handler: respond(200, `null`), wantKind: sebs.ErrNotJSON},
		{name: "empty body", handler: respond(200, ``), wantKind: sebs.ErrNotJSON},
		{name: "too large by Content-Length", handler: respond(200, bigBody), maxBody: 1024, wantKind: sebs.ErrBodyTooLarge},
		{name: "too large chunked", maxBody: 1024, wantKind: sebs.ErrBodyTooLarge, handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			for i := 0; i < 8; i++ {
				_, _ = io.WriteString(w, strings.Repeat(" ", 512))
				w.(http.Flusher).Flush() // no Content-Length: chunked
			}
		})},
		{name: "endless body", maxBody: 1 << 20, wantKind: sebs.ErrBodyTooLarge, handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			chunk := []byte(strings.Repeat("x", 64<<10))
			for {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		})},
		{name: "just under the limit", handler: respond(200, bigBody), maxBody: int64(len(bigBody))},
		{name: "missing request_id", handler: respond(200, `{"begin":"1","end":"2","is_cold":false}`), wantKind: sebs.ErrMissingRequestID},
		{name: "request_id not a string", handler: respond(200, `{"request_id":7,"is_cold":false}`), wantKind: sebs.ErrMalformedResponse},
		{name: "missing is_cold", handler: respond(200, `{"request_id":"f1","result":"division by zero"}`), wantKind: sebs.ErrInvocationFailed,
			check: func(t *testing.T, r *sebs.ExecutionResult, err error) {
				require.NotNil(t, r, "a failed invocation reports its result")
				assert.True(t, r.Stats.Failure)
				assert.Equal(t, "f1", r.RequestID)
				assert.Positive(t, r.Times.Client)
				assert.Contains(t, err.Error(), "division by zero")
			}},
		{name: "is_cold not a boolean", handler: respond(200, `{"request_id":"a","is_cold":"yes"}`), wantKind: sebs.ErrMalformedResponse},
		{name: "bad begin", handler: respond(200, `{"request_id":"a","is_cold":false,"begin":"noon","end":"1.0"}`), wantKind: sebs.ErrMalformedResponse},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tr, _ := newTrigger(t, tc.handler)
			tr.MaxBodyBytes = tc.maxBody
			r, err := tr.Invoke(context.Background(), map[string]any{"sleep": 0.001})
			if tc.wantKind == nil {
				require.NoError(t, err)
				require.NotNil(t, r)
				assert.Equal(t, tc.wantBench, r.Times.BenchmarkDuration())
				checkTimes(t, r)
			} else {
				require.ErrorIs(t, err, tc.wantKind)
				var ie *sebs.InvocationError
				require.ErrorAs(t, err, &ie)
				assert.Contains(t, ie.URL, tr.URL)
				assert.NotZero(t, ie.Status)
				assert.LessOrEqual(t, len(ie.Body), 600, "body excerpt is bounded")
				require.NotNil(t, r, "a bad response still reports its result")
				assert.True(t, r.Stats.Failure)
				checkTimes(t, r)
			}
			if tc.check != nil {
				tc.check(t, r, err)
			}
		})
	}
}

// checkTimes checks that a result's times are measured and consistent.
func checkTimes(t *testing.T, r *sebs.ExecutionResult) {
	t.Helper()
	require.NotNil(t, r.Detail)
	startup, first, client := r.Times.HTTPStartupDuration(), r.Times.FirstByteDuration(), r.Times.ClientDuration()
	assert.Positive(t, startup)
	assert.LessOrEqual(t, startup, first, "startup before first byte")
	assert.LessOrEqual(t, first.Microseconds(), client.Microseconds(), "first byte within the call")
	assert.False(t, r.Times.ClientBegin.IsZero())
	assert.False(t, r.Times.ClientEnd.Before(r.Times.ClientBegin))
}

func TestHTTPTriggerTimeouts(t *testing.T) {
	hang := hangHandler(t)
	t.Run("trigger timeout", func(t *testing.T) {
		tr, _ := newTrigger(t, hang)
		tr.Timeout = 50 * time.Millisecond
		start := time.Now()
		r, err := tr.Invoke(context.Background(), nil)
		assert.Nil(t, r)
		require.ErrorIs(t, err, sebs.ErrTimeout)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Contains(t, err.Error(), "trigger timeout 50ms")
		assert.Less(t, time.Since(start), 5*time.Second)
	})
	t.Run("context deadline", func(t *testing.T) {
		tr, _ := newTrigger(t, hang)
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		_, err := tr.Invoke(ctx, nil)
		require.ErrorIs(t, err, sebs.ErrTimeout)
	})
	t.Run("cancel", func(t *testing.T) {
		arrived := make(chan struct{})
		hang := hangHandler(t)
		tr, _ := newTrigger(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			close(arrived)
			hang(w, r)
		}))
		ctx, cancel := context.WithCancel(context.Background())
		go func() { <-arrived; cancel() }()
		_, err := tr.Invoke(ctx, nil)
		require.ErrorIs(t, err, sebs.ErrCanceled)
		require.ErrorIs(t, err, context.Canceled)
	})
	t.Run("timeout while reading the body", func(t *testing.T) {
		hang := hangHandler(t)
		tr, _ := newTrigger(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, `{"request_id":`)
			w.(http.Flusher).Flush()
			hang(w, r)
		}))
		tr.Timeout = 50 * time.Millisecond
		_, err := tr.Invoke(context.Background(), nil)
		require.ErrorIs(t, err, sebs.ErrTimeout)
		assert.Contains(t, err.Error(), "read response body")
	})
}

// hangHandler returns a handler that never answers: it returns when the
// client goes away or, at the latest, when the test that made it ends.
func hangHandler(t *testing.T) http.HandlerFunc {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	return func(w http.ResponseWriter, r *http.Request) {
		// Read the body: the server notices a closed connection only then.
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}
}

func TestHTTPTriggerConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	tr := sebs.NewHTTPTrigger(addr)
	defer tr.Close()
	r, err := tr.Invoke(context.Background(), map[string]int{"a": 1})
	assert.Nil(t, r)
	require.ErrorIs(t, err, sebs.ErrConnection)
	var ie *sebs.InvocationError
	require.ErrorAs(t, err, &ie)
	assert.Zero(t, ie.Status)
	assert.Contains(t, err.Error(), "http://"+addr+"/")
	assert.Contains(t, err.Error(), "check that the function is running")
}

func TestHTTPTriggerConnectionModes(t *testing.T) {
	var mu sync.Mutex
	remotes := map[string]int{}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		remotes[r.RemoteAddr]++
		mu.Unlock()
		respond(200, wireOK)(w, r)
	})
	for _, keepAlive := range []bool{false, true} {
		t.Run(fmt.Sprintf("keepalive=%v", keepAlive), func(t *testing.T) {
			mu.Lock()
			clear(remotes)
			mu.Unlock()
			tr, _ := newTrigger(t, h)
			tr.KeepAlive = keepAlive
			const n = 4
			for i := 0; i < n; i++ {
				r, err := tr.Invoke(context.Background(), nil)
				require.NoError(t, err)
				assert.Equal(t, keepAlive && i > 0, r.Detail.ConnectionReused, "call %d", i)
			}
			mu.Lock()
			defer mu.Unlock()
			if keepAlive {
				assert.Len(t, remotes, 1, "one connection for all calls")
			} else {
				assert.Len(t, remotes, n, "a fresh connection per call")
			}
		})
	}
}

func TestHTTPTriggerPayloads(t *testing.T) {
	var mu sync.Mutex
	var gotBody, gotType string
	tr, _ := newTrigger(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		gotBody, gotType = string(b), r.Header.Get("Content-Type")
		mu.Unlock()
		respond(200, wireOK)(w, r)
	}))
	for _, tc := range []struct {
		payload any
		want    string
	}{
		{map[string]any{"sleep": 0.5}, `{"sleep":0.5}`},
		{struct {
			User string `json:"username"`
		}{"testname"}, `{"username":"testname"}`},
		{[]byte(`{"raw": true}`), `{"raw": true}`},
		{json.RawMessage(`{"raw":  1}`), `{"raw":  1}`},
		{nil, `{}`}, // one encoder everywhere: nil is the empty event
		{"text", `"text"`},
	} {
		_, err := tr.Invoke(context.Background(), tc.payload)
		require.NoError(t, err)
		mu.Lock()
		assert.Equal(t, tc.want, gotBody)
		assert.Equal(t, "application/json", gotType)
		mu.Unlock()
	}
	for name, bad := range map[string]any{"channel": map[string]any{"ch": make(chan int)}, "NaN": math.NaN(), "func": func() {}} {
		res, err := tr.Invoke(context.Background(), bad)
		var ie *sebs.InvocationError
		require.ErrorAs(t, err, &ie, name)
		assert.ErrorIs(t, err, sebs.ErrBadPayload, name)
		assert.Nil(t, res, name)
		assert.Contains(t, err.Error(), "encode payload", name)
	}
}

func TestHTTPTriggerURLs(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.1:9000":             "http://127.0.0.1:9000/",
		"localhost:9000":             "http://localhost:9000/",
		"http://127.0.0.1:9000":      "http://127.0.0.1:9000/",
		"https://127.0.0.1:9443/fn":  "https://127.0.0.1:9443/fn",
		" http://127.0.0.1:9000/x?y": "http://127.0.0.1:9000/x?y",
	} {
		got, err := sebs.NewHTTPTrigger(in).Endpoint()
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"", "ftp://127.0.0.1:21", "http://", "http://[::1"} {
		tr := sebs.NewHTTPTrigger(bad)
		_, err := tr.Invoke(context.Background(), nil)
		var ie *sebs.InvocationError
		assert.ErrorAs(t, err, &ie, bad)
	}
}

func TestHTTPTriggerTLS(t *testing.T) {
	srv := httptest.NewUnstartedServer(respond(200, wireOK))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the rejected handshake is expected
	srv.StartTLS()
	defer srv.Close()
	tr := sebs.NewHTTPTrigger(srv.URL)
	defer tr.Close()
	_, err := tr.Invoke(context.Background(), nil)
	require.ErrorIs(t, err, sebs.ErrConnection, "unknown certificate is rejected by default")

	tr.InsecureSkipVerify = true // rebuilds the transport
	r, err := tr.Invoke(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, "req-1", r.RequestID)
}

func TestHTTPTriggerAsync(t *testing.T) {
	tr, _ := newTrigger(t, respond(200, wireOK))
	tr.KeepAlive = true
	const n = 16
	chans := make([]<-chan sebs.Outcome, n)
	for i := range chans {
		chans[i] = tr.InvokeAsync(context.Background(), map[string]int{"i": i})
	}
	for _, ch := range chans {
		o, ok := <-ch
		require.True(t, ok)
		require.NoError(t, o.Err)
		assert.Equal(t, "req-1", o.Result.RequestID)
		_, ok = <-ch
		assert.False(t, ok, "the channel is closed after its one outcome")
	}
	// An outcome nobody receives does not leak its goroutine (goleak checks
	// at the end of the package's tests).
	_ = tr.InvokeAsync(context.Background(), nil)
}

func TestHTTPTriggerErrorIsBounded(t *testing.T) {
	tr, _ := newTrigger(t, respond(500, strings.Repeat("é", 10000)))
	_, err := tr.Invoke(context.Background(), nil)
	var ie *sebs.InvocationError
	require.ErrorAs(t, err, &ie)
	assert.Less(t, len(ie.Body), 600)
	assert.Contains(t, ie.Body, "20000 bytes in all")
	assert.True(t, strings.HasPrefix(ie.Body, "é"))
	assert.NotContains(t, ie.Body, "\uFFFD", "the excerpt is cut at a rune boundary")
}

func TestInvocationErrorUnwrap(t *testing.T) {
	cause := errors.New("cause")
	err := error(&sebs.InvocationError{Kind: sebs.ErrTimeout, URL: "http://x/", Err: cause})
	assert.ErrorIs(t, err, sebs.ErrTimeout)
	assert.ErrorIs(t, err, cause)
	assert.NotErrorIs(t, err, sebs.ErrStatus)
	wrapped := fmt.Errorf("benchmark: %w", err)
	var ie *sebs.InvocationError
	require.ErrorAs(t, wrapped, &ie)
	assert.Equal(t, "http://x/", ie.URL)
	assert.Empty(t, (&sebs.InvocationError{}).Unwrap())
}
