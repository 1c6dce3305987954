package serve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

var (
	epochRE = regexp.MustCompile(`^[0-9]+\.[0-9]{6}$`)
	uuid4RE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	hex12RE = regexp.MustCompile(`^[0-9a-f]{12}$`)
)

// micros parses an epoch-seconds string with six fraction digits into microseconds.
func micros(t *testing.T, s string) int64 {
	t.Helper()
	sec, frac, ok := strings.Cut(s, ".")
	if !ok {
		t.Fatalf("timestamp %q has no fraction", s)
	}
	a, err1 := strconv.ParseInt(sec, 10, 64)
	b, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil {
		t.Fatalf("timestamp %q is not numeric", s)
	}
	return a*1e6 + b
}

func TestAlive(t *testing.T) {
	s := NewServer(func(context.Context, json.RawMessage) (any, error) {
		t.Error("handler called by /alive")
		return nil, nil
	})
	r := do(t, s, httptest.NewRequest(http.MethodGet, "/alive", nil))
	if r.Status != http.StatusOK || r.StatusText != "ok" || r.ContentType != "application/json" {
		t.Fatalf("GET /alive = %d %q %q, want 200 application/json status ok", r.Status, r.ContentType, r.StatusText)
	}
}

func TestInvocationShape(t *testing.T) {
	var inside time.Time
	var gotEvent string
	s := NewServer(func(ctx context.Context, event json.RawMessage) (any, error) {
		inside = time.Now()
		gotEvent = string(event)
		if RequestID(ctx) == "" {
			t.Error("RequestID(ctx) is empty inside the handler")
		}
		time.Sleep(2 * time.Millisecond) // work to measure, not synchronisation
		return map[string]any{"result": 42}, nil
	})
	r := post(t, s, ` {"x": 1} `)
	if r.Status != http.StatusOK || r.ContentType != "application/json" {
		t.Fatalf("status %d type %q, want 200 application/json", r.Status, r.ContentType)
	}
	if gotEvent != `{"x": 1}` {
		t.Errorf("handler got event %q, want the body", gotEvent)
	}
	if !epochRE.MatchString(r.Begin) || !epochRE.MatchString(r.End) {
		t.Fatalf("begin %q / end %q are not epoch seconds with 6 fraction digits", r.Begin, r.End)
	}
	b, e, at := micros(t, r.Begin), micros(t, r.End), inside.UnixMicro()
	if at < b || at > e {
		t.Errorf("handler ran at %d µs, outside [begin %d, end %d]", at, b, e)
	}
	if e-b < 2000 {
		t.Errorf("end-begin = %d µs, want >= the handler's 2 ms", e-b)
	}
	if r.HandlerNS == nil || *r.HandlerNS < 2e6 || *r.HandlerNS > (e-b+2)*1000 {
		t.Errorf("handler_ns = %v, want between 2 ms and end-begin (%d µs)", r.HandlerNS, e-b)
	}
	if !uuid4RE.MatchString(r.RequestID) {
		t.Errorf("request_id %q is not a uuid4", r.RequestID)
	}
	if !hex12RE.MatchString(r.ContainerID) || r.ContainerID != s.ContainerID() {
		t.Errorf("container_id %q, want 12 hex chars equal to %q", r.ContainerID, s.ContainerID())
	}
	if r.IsCold == nil || !*r.IsCold {
		t.Errorf("is_cold = %v on the first call, want true", r.IsCold)
	}
	if string(r.Result) != `{"output":{"result":42}}` {
		t.Errorf("result = %s, want {\"output\":{\"result\":42}}", r.Result)
	}
	r2 := post(t, s, `{}`)
	if r2.IsCold == nil || *r2.IsCold {
		t.Errorf("is_cold = %v on the second call, want false", r2.IsCold)
	}
	if r2.RequestID == r.RequestID || r2.ContainerID != r.ContainerID {
		t.Errorf("ids: request %q then %q (want different), container %q then %q (want same)",
			r.RequestID, r2.RequestID, r.ContainerID, r2.ContainerID)
	}
}

func TestHTMLNotEscaped(t *testing.T) {
	s := NewServer(func(context.Context, json.RawMessage) (any, error) { return "<li>a & b</li>", nil })
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{}`)))
	body := rec.Body.String()
	if !strings.Contains(body, `"output":"<li>a & b</li>"`) || strings.HasSuffix(body, "\n") {
		t.Fatalf("body %q, want the HTML unescaped and no trailing newline", body)
	}
	if rec.Header().Get("Content-Length") != strconv.Itoa(len(body)) {
		t.Errorf("Content-Length %s for %d bytes", rec.Header().Get("Content-Length"), len(body))
	}
}

// diskError is a handler's own error type, so the answer's error_type can be checked.
type diskError struct{ disk string }

func (e diskError) Error() string { return e.disk + " on fire" }

func TestHandlerError(t *testing.T) {
	s := NewServer(func(context.Context, json.RawMessage) (any, error) {
		return nil, fmt.Errorf("saving: %w", diskError{"disk"})
	})
	r := post(t, s, `{}`)
	if r.Status != http.StatusInternalServerError || r.Error != "saving: disk on fire" {
		t.Fatalf("= %d %q, want 500 with the handler's message", r.Status, r.Error)
	}
	if r.ErrorType != "*fmt.wrapError" || r.Stack == nil || *r.Stack != "" || r.Panic == nil || *r.Panic {
		t.Errorf("error_type %q, stack %v, panic %v: want the returned error's %%T, an empty stack, panic false",
			r.ErrorType, r.Stack, r.Panic)
	}
	if !uuid4RE.MatchString(r.RequestID) || r.ContainerID != s.ContainerID() || r.IsCold == nil || !*r.IsCold {
		t.Errorf("500 body lacks request_id/container_id/is_cold=true: %+v", r)
	}
	s = NewServer(func(context.Context, json.RawMessage) (any, error) { return nil, diskError{"tape"} })
	if r := post(t, s, `{}`); r.ErrorType != "serve.diskError" || r.Error != "tape on fire" {
		t.Errorf("a value error type: error_type %q, error %q; want serve.diskError, tape on fire", r.ErrorType, r.Error)
	}
}

// explode panics a few frames deep, so the stack can be checked to start at the panic.
func explode(depth int) {
	if depth == 0 {
		panic("boom")
	}
	explode(depth - 1)
}

func TestHandlerPanicKeepsServing(t *testing.T) {
	calls := 0
	s := NewServer(func(context.Context, json.RawMessage) (any, error) {
		calls++
		if calls == 1 {
			explode(3)
		}
		return "fine", nil
	}, quiet)
	r := post(t, s, `{}`)
	if r.Status != http.StatusInternalServerError || r.Error != "boom" {
		t.Fatalf("panic answered %d %q, want 500 with the panic value boom", r.Status, r.Error)
	}
	if r.ErrorType != "panic" || r.Panic == nil || !*r.Panic || r.Stack == nil {
		t.Fatalf("error_type %q, panic %v, stack %v: want panic, true and a stack", r.ErrorType, r.Panic, r.Stack)
	}
	lines := strings.Split(*r.Stack, "\n")
	if len(lines) < 3 || !strings.HasPrefix(lines[0], "goroutine ") || !strings.Contains(lines[1], "serve.explode(") {
		t.Errorf("stack should start with the goroutine line and then the panicking frame; got:\n%s", *r.Stack)
	}
	if strings.Contains(*r.Stack, "runtime/debug.Stack") || strings.Contains(*r.Stack, "\npanic(") {
		t.Errorf("stack still has the recovery's own frames:\n%s", *r.Stack)
	}
	r = post(t, s, `{}`)
	if r.Status != http.StatusOK || string(r.Result) != `{"output":"fine"}` {
		t.Fatalf("call after a panic = %d %s, want 200 fine", r.Status, r.Result)
	}
}

func TestPanicStackBounded(t *testing.T) {
	s := NewServer(func(context.Context, json.RawMessage) (any, error) {
		var deep func(int)
		deep = func(n int) {
			if n == 0 {
				panic(errors.New("deep"))
			}
			deep(n - 1)
		}
		deep(500)
		return nil, nil
	}, quiet)
	r := post(t, s, `{}`)
	if r.Stack == nil || len(*r.Stack) > maxStackBytes || !strings.HasSuffix(*r.Stack, "(stack truncated)") {
		t.Fatalf("a 500-frame panic's stack: %d bytes, want at most %d ending with the truncation mark",
			len(*r.Stack), maxStackBytes)
	}
	if r.Error != "deep" || r.ErrorType != "panic" {
		t.Errorf("error %q type %q, want deep and panic", r.Error, r.ErrorType)
	}
}

func TestUnencodableResult(t *testing.T) {
	s := NewServer(func(context.Context, json.RawMessage) (any, error) { return make(chan int), nil })
	r := post(t, s, `{}`)
	if r.Status != http.StatusInternalServerError || !strings.Contains(r.Error, "JSON") {
		t.Fatalf("= %d %q, want 500 saying the result is not JSON-encodable", r.Status, r.Error)
	}
	if r.ErrorType != "*json.UnsupportedTypeError" || r.Panic == nil || *r.Panic {
		t.Errorf("error_type %q panic %v, want the encoder's *json.UnsupportedTypeError and false", r.ErrorType, r.Panic)
	}
}

func TestBodyLimit(t *testing.T) {
	called := false
	s := NewServer(func(context.Context, json.RawMessage) (any, error) { called = true; return nil, nil },
		WithMaxBodyBytes(100))
	big := `{"pad":"` + strings.Repeat("x", 200) + `"}`
	r := post(t, s, big)
	if r.Status != http.StatusRequestEntityTooLarge || !strings.Contains(r.Error, "100 bytes") {
		t.Fatalf("201-byte body with limit 100 = %d %q, want 413 naming the limit", r.Status, r.Error)
	}
	// Without Content-Length the limit must still hold while reading.
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(big))
	req.ContentLength = -1
	if r := do(t, s, req); r.Status != http.StatusRequestEntityTooLarge {
		t.Fatalf("chunked oversize body = %d, want 413", r.Status)
	}
	if called {
		t.Error("handler was called for an oversize body")
	}
	exact := `{"p":"` + strings.Repeat("x", 100-8) + `"}`
	if r := post(t, s, exact); r.Status != http.StatusOK {
		t.Fatalf("body of exactly the limit (%d bytes) = %d %q, want 200", len(exact), r.Status, r.Error)
	}
}

func TestDefaultLimitAboveUpstream(t *testing.T) {
	s := NewServer(func(_ context.Context, e json.RawMessage) (any, error) { return len(e), nil })
	body := `{"pad":"` + strings.Repeat("x", 1<<20) + `"}` // 1 MiB: upstream's servers refuse > 100 kB
	if r := post(t, s, body); r.Status != http.StatusOK || string(r.Result) != `{"output":`+strconv.Itoa(len(body))+`}` {
		t.Fatalf("1 MiB body = %d %q, want 200 with its length", r.Status, r.Error)
	}
}

func TestBadRequests(t *testing.T) {
	s := NewServer(func(context.Context, json.RawMessage) (any, error) {
		t.Error("handler called for a bad request")
		return nil, nil
	})
	for _, body := range []string{`{"a":`, `not json`, ``} {
		if r := post(t, s, body); r.Status != http.StatusBadRequest || !strings.Contains(r.Error, "not JSON") {
			t.Errorf("body %q = %d %q, want 400 saying it is not JSON", body, r.Status, r.Error)
		}
	}
	if r := do(t, s, httptest.NewRequest(http.MethodGet, "/", nil)); r.Status != http.StatusMethodNotAllowed {
		t.Errorf("GET / = %d, want 405", r.Status)
	}
	if r := do(t, s, httptest.NewRequest(http.MethodPost, "/nope", nil)); r.Status != http.StatusNotFound {
		t.Errorf("POST /nope = %d, want 404", r.Status)
	}
}
