package sebstest_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/sebstest"
	"github.com/gosebs/sebs/sebstest/bench"
	"github.com/gosebs/sebs/serve"
)

// fakePlatform is a deployed function served in-process by package serve: every redeploy swaps in a new
// serve.Server, whose first call reports is_cold, as a platform's new instance would.
type fakePlatform struct {
	srv       *httptest.Server
	cur       atomic.Pointer[serve.Server]
	redeploys atomic.Int32
}

func newFakePlatform(t *testing.T) *fakePlatform {
	t.Helper()
	p := &fakePlatform{}
	p.redeploy(context.Background())
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.cur.Load().ServeHTTP(w, r)
	}))
	t.Cleanup(p.srv.Close)
	return p
}

// redeploy is the cold hook: a new instance of the function.
func (p *fakePlatform) redeploy(context.Context) error {
	p.cur.Store(serve.NewServer(func(_ context.Context, event json.RawMessage) (any, error) {
		return map[string]any{"echo": event}, nil
	}))
	p.redeploys.Add(1)
	return nil
}

func TestEndpointInvokesByURL(t *testing.T) {
	p := newFakePlatform(t)
	fn, err := sebstest.Endpoint(p.srv.URL, sebstest.WithName("fake"), sebstest.WithKeepAlive())
	if err != nil {
		t.Fatal(err)
	}
	defer fn.Stop(context.Background())
	first, err := fn.Invoke(t.Context(), map[string]any{"n": 1})
	if err != nil {
		t.Fatal(err)
	}
	second, err := fn.Invoke(t.Context(), map[string]any{"n": 2})
	if err != nil {
		t.Fatal(err)
	}
	if !first.Stats.ColdStart || second.Stats.ColdStart {
		t.Errorf("is_cold of two calls = %v, %v; want true, false", first.Stats.ColdStart, second.Stats.ColdStart)
	}
	if fn.Name != "fake" || fn.ContainerID() != "" || fn.URL != p.srv.URL {
		t.Errorf("endpoint name %q, container %q, URL %q; want fake, none, %s", fn.Name, fn.ContainerID(), fn.URL, p.srv.URL)
	}
	if _, err := fn.Logs(t.Context(), 5); !errors.Is(err, sebstest.ErrNoContainer) {
		t.Errorf("Logs error %v, want ErrNoContainer", err)
	}
}

func TestEndpointColdStartNeedsHook(t *testing.T) {
	p := newFakePlatform(t)
	fn, err := sebstest.Endpoint(p.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer fn.Stop(context.Background())
	_, _, err = fn.ColdInvoke(t.Context(), nil)
	if !errors.Is(err, sebstest.ErrNoContainer) || !strings.Contains(err.Error(), "WithColdHook") {
		t.Errorf("ColdInvoke error %v, want ErrNoContainer naming WithColdHook", err)
	}
	for _, mode := range []bench.Mode{bench.ModeCold, bench.ModeBurst} {
		r := testing.Benchmark(func(b *testing.B) {
			bench.Run(b, []*sebstest.Function{fn}, bench.Spec{Mode: mode})
		})
		if r.N != 0 {
			t.Errorf("%s mode on an endpoint without a cold hook ran %d iterations, want a failure", mode, r.N)
		}
	}
	if p.redeploys.Load() != 1 {
		t.Errorf("the platform was redeployed %d times, want only the first deploy", p.redeploys.Load())
	}
}

func TestEndpointColdHookGivesVerifiedColdCalls(t *testing.T) {
	dir := t.TempDir()
	rec, err := bench.NewRecorder(dir)
	if err != nil {
		t.Fatal(err)
	}
	var fns []*sebstest.Function
	for _, name := range []string{"a", "b"} {
		p := newFakePlatform(t)
		fn, err := sebstest.Endpoint(p.srv.URL, sebstest.WithName(name), sebstest.WithColdHook(p.redeploy))
		if err != nil {
			t.Fatal(err)
		}
		defer fn.Stop(context.Background())
		fns = append(fns, fn)
	}
	runs := map[bench.Mode]testing.BenchmarkResult{}
	for _, mode := range []bench.Mode{bench.ModeCold, bench.ModeBurst} {
		runs[mode] = testing.Benchmark(func(b *testing.B) {
			bench.Run(b, fns, bench.Spec{Mode: mode, Benchmark: "echo", Recorder: rec})
		})
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	samples, err := sebs.ReadSamples(filepath.Join(dir, "samples.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	cold, burst := runs[bench.ModeCold], runs[bench.ModeBurst]
	if cold.N == 0 || burst.N == 0 || len(samples) != cold.N+2*burst.N {
		t.Fatalf("%d samples from %d cold and %d burst iterations (of 2 calls)", len(samples), cold.N, burst.N)
	}
	for i, s := range samples {
		if !s.IsCold || s.ColdStart == nil || s.ColdStart.Start <= 0 || s.Error != "" {
			t.Errorf("sample %d is not a verified cold call timed by the hook: %+v", i, s)
		}
	}
	if cold.Extra["coldstart-ns/start"] <= 0 || burst.Extra["coldstart-ns/start"] <= 0 {
		t.Errorf("coldstart-ns/start = %v (cold), %v (burst); want > 0", cold.Extra["coldstart-ns/start"], burst.Extra["coldstart-ns/start"])
	}
}

func TestEndpointRefusesContainerOptions(t *testing.T) {
	for _, tc := range []struct {
		url  string
		opts []sebstest.Option
		want string
	}{
		{"127.0.0.1:9000", []sebstest.Option{sebstest.WithCPUs(1)}, "WithCPUs"},
		{"127.0.0.1:9000", []sebstest.Option{sebstest.WithMemorySampling(1e6), sebstest.WithColdMode(sebstest.ColdRestart)}, "WithMemorySampling, WithColdMode"},
		{"ftp://example.com/", nil, "scheme"},
		{"http://:80/", nil, "no host"},
		{"http://example.com:99999/", nil, "not a TCP port"},
		{"127.0.0.1:9000", []sebstest.Option{sebstest.WithColdHook(nil)}, "nil"},
	} {
		if _, err := sebstest.Endpoint(tc.url, tc.opts...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Endpoint(%q) error %v, want one naming %q", tc.url, err, tc.want)
		}
	}
	fn, err := sebstest.Endpoint("https://fn.example.com/api/sleep?x=1")
	if err != nil {
		t.Fatal(err)
	}
	if fn.Name != "fn.example.com-api-sleep" || fn.Port != 443 || fn.Config.Memory != sebstest.DefaultMemoryMB {
		t.Errorf("default name %q, port %d, memory %d", fn.Name, fn.Port, fn.Config.Memory)
	}
	if _, err := sebstest.Start(t.Context(), sebstest.Image("x"), sebstest.WithColdHook(func(context.Context) error { return nil })); err == nil ||
		!strings.Contains(err.Error(), "Endpoint only") {
		t.Errorf("Start with a cold hook: error %v, want a refusal", err)
	}
}

func TestEndpointOverHTTPS(t *testing.T) {
	srv := httptest.NewTLSServer(serve.NewServer(func(context.Context, json.RawMessage) (any, error) { return "ok", nil }))
	t.Cleanup(srv.Close)
	fn, err := sebstest.Endpoint(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer fn.Stop(context.Background())
	if _, err := fn.Invoke(t.Context(), nil); err == nil {
		t.Fatal("a call to a self-signed server succeeded without InsecureSkipVerify")
	}
	fn.HTTPTrigger().InsecureSkipVerify = true // the test server's certificate is self-signed
	res, err := fn.Invoke(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if out, err := res.HandlerOutput(); err != nil || string(out) != `"ok"` {
		t.Errorf("handler output %s, %v; want \"ok\"", out, err)
	}
}

// TestFunctionTimeoutIsItsTriggers checks that Timeout reports the bound the trigger puts on each call: the
// config's timeout at first, and the trigger's own after the user changed it.
func TestFunctionTimeoutIsItsTriggers(t *testing.T) {
	p := newFakePlatform(t)
	fn, err := sebstest.Endpoint(p.srv.URL, sebstest.WithName("fake"), sebstest.WithConfig(sebs.FunctionConfig{Timeout: 7, Memory: 128}))
	if err != nil {
		t.Fatal(err)
	}
	defer fn.Stop(context.Background())
	if got := fn.Timeout(); got != 7*time.Second {
		t.Errorf("Timeout() = %v, want the config's 7s", got)
	}
	fn.HTTPTrigger().Timeout = 3 * time.Second
	if got := fn.Timeout(); got != 3*time.Second {
		t.Errorf("after the trigger's Timeout was set to 3s, Timeout() = %v", got)
	}
}
