package lambdaimage_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/fixtures"
	"github.com/gosebs/sebs/sebstest"
)

// TestSleepUnderEmulator runs the sleep fixture, a plain aws-lambda-go function, under the emulator:
// provider times and billing come from its REPORT lines and agree with each other as upstream's do,
// and only the first call is cold.
func TestSleepUnderEmulator(t *testing.T) {
	eng := engine(t)
	img := buildFixture(t, eng, "sleep")
	const memoryMB, timeoutS = 256, 5
	c := startLambda(t, eng, img, memoryMB, timeoutS)
	tr := c.trigger(t, timeoutS)
	bench, err := fixtures.Lookup("sleep")
	if err != nil {
		t.Fatal(err)
	}
	in := map[string]any{"sleep": 0.05}
	for call, cold := range []bool{true, false, false} {
		res, err := tr.Invoke(t.Context(), in)
		if err != nil {
			t.Fatalf("call %d: %v\nemulator log:\n%s", call, err, c.stderr)
		}
		t.Logf("call %d: client %v (first byte %v), provider execution %v, init %v, billed %v, %.6f GB-s",
			call, res.Times.ClientDuration(), res.Times.FirstByteDuration(), res.ProviderTimes.ExecutionDuration(),
			res.ProviderTimes.InitializationDuration(), res.Billing.BilledDuration(), res.Billing.GBSeconds)
		out, err := res.HandlerOutput()
		if err != nil {
			t.Fatal(err)
		}
		if err := bench.Validate(in, out); err != nil {
			t.Errorf("call %d: %v", call, err)
		}
		if res.Stats.ColdStart != cold || (res.ProviderTimes.Initialization > 0) != cold {
			t.Errorf("call %d: cold %v, initialization %d µs; want cold %v with initialization only then",
				call, res.Stats.ColdStart, res.ProviderTimes.Initialization, cold)
		}
		if res.ProviderTimes.Execution < 50_000 || *res.Billing.BilledTime*1000 < res.ProviderTimes.Execution {
			t.Errorf("call %d: execution %d µs, billed %d ms; want execution >= the 50 ms sleep and billed >= execution",
				call, res.ProviderTimes.Execution, *res.Billing.BilledTime)
		}
		if *res.Billing.Memory != memoryMB || res.Billing.GBSeconds != float64(memoryMB)/1024*(float64(*res.Billing.BilledTime)/1000) {
			t.Errorf("call %d: billing %d MB, %v GB-s; want %d MB and memory/1024 × billed/1000", call, *res.Billing.Memory, res.Billing.GBSeconds, memoryMB)
		}
		if res.Stats.MemoryUsed != nil {
			t.Errorf("call %d: memory used %v taken from the emulator's fake figure", call, *res.Stats.MemoryUsed)
		}
		if res.Times.ClientDuration() < res.ProviderTimes.ExecutionDuration() {
			t.Errorf("call %d: client time %v below the provider's execution %v", call, res.Times.ClientDuration(), res.ProviderTimes.ExecutionDuration())
		}
	}
}

// TestFaultsUnderEmulator: a function error, a panic, a call past the function's timeout and a runtime
// that exits each give their own typed error within timeout + 3 s, and the emulator serves the next call;
// an emulator that dies mid-call is a connection error.
func TestFaultsUnderEmulator(t *testing.T) {
	eng := engine(t)
	img := buildFixture(t, eng, "fault")
	const memoryMB, timeoutS = 128, 5 // the first call starts the runtime: seconds on a loaded machine
	c := startLambda(t, eng, img, memoryMB, timeoutS)
	tr := c.trigger(t, timeoutS)
	bound := time.Duration(timeoutS)*time.Second + 3*time.Second
	cases := []struct {
		fault   string
		kind    error
		panic   bool
		errType string
	}{
		{"error", sebs.ErrInvocationFailed, false, "FaultError"},
		{"panic", sebs.ErrInvocationFailed, true, "string"},
		{"hang", sebs.ErrTimeout, false, ""},
		{"exit", sebs.ErrRuntimeFailed, false, ""},
	}
	for _, cs := range cases {
		began := time.Now()
		res, err := tr.Invoke(t.Context(), map[string]any{"fault": cs.fault, "message": "boom"})
		took := time.Since(began)
		if !errors.Is(err, cs.kind) {
			t.Errorf("fault %s: error %v, want kind %v", cs.fault, err, cs.kind)
			continue
		}
		t.Logf("fault %s after %v: %v", cs.fault, took.Round(time.Millisecond), err)
		if took > bound {
			t.Errorf("fault %s: the error took %v, more than timeout + 3 s", cs.fault, took)
		}
		if res == nil || !res.Stats.Failure {
			t.Errorf("fault %s: result %+v, want a failed result with the error", cs.fault, res)
		}
		var he *sebs.HandlerError
		switch {
		case cs.errType == "":
			if errors.As(err, &he) {
				t.Errorf("fault %s: handler error %v, want none", cs.fault, he)
			}
		case !errors.As(err, &he):
			t.Errorf("fault %s: no *sebs.HandlerError in %v", cs.fault, err)
		case he.Type != cs.errType || he.Panic != cs.panic:
			t.Errorf("fault %s: handler error type %q, panic %v; want %q, %v", cs.fault, he.Type, he.Panic, cs.errType, cs.panic)
		}
		if cs.fault == "hang" && (took < timeoutS*time.Second || res.ProviderTimes.Execution != timeoutS*1_000_000) {
			t.Errorf("fault hang: answered after %v with provider execution %d µs; want the %d s timeout", took, res.ProviderTimes.Execution, timeoutS)
		}
		if _, err := tr.Invoke(t.Context(), map[string]any{"fault": "none"}); err != nil {
			t.Errorf("the call after fault %s: %v", cs.fault, err)
		}
	}

	// The emulator itself dies in the middle of a call.
	started := strings.Count(c.stderr.String(), "INVOKE START")
	calling := tr.InvokeAsync(t.Context(), map[string]any{"fault": "hang", "seconds": 60})
	waitFor(t, "the emulator logs the call's start", func() bool { return strings.Count(c.stderr.String(), "INVOKE START") > started })
	began := time.Now()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if _, err := eng.ContainerKill(ctx, c.id, client.ContainerKillOptions{Signal: "KILL"}); err != nil {
		t.Fatal(err)
	}
	o := <-calling
	if !errors.Is(o.Err, sebs.ErrConnection) || time.Since(began) > bound {
		t.Errorf("call to a killed emulator: %v after %v; want ErrConnection within %v", o.Err, time.Since(began), bound)
	}
}

// BenchmarkDynamicHTML compares the same benchmark, dynamic-html, on this module's Go runtime (package
// serve, fixtures/go) and as a Lambda function under AWS's emulator (fixtures/lambda/go): warm calls on
// one container, a fresh connection per call as upstream's trigger makes; the cold start (container
// create to first answer, then the first call) is logged.
func BenchmarkDynamicHTML(b *testing.B) {
	in := json.RawMessage(`{"username":"testname","random_len":10}`)
	b.Run("runtime=serve", func(b *testing.B) {
		f := sebstest.New(b, sebstest.GoFunction("../../fixtures/go/dynamic-html"))
		first, err := f.Invoke(b.Context(), in)
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("cold start: ready after %v, first call %v", f.Startup().Total(), first.Times.ClientDuration())
		benchCalls(b, f.Invoke, in)
	})
	b.Run("runtime=lambda-emulator", func(b *testing.B) {
		eng := engine(b)
		img := buildFixture(b, eng, "dynamic-html")
		began := time.Now()
		c := startLambda(b, eng, img, 256, 5)
		ready := time.Since(began)
		tr := c.trigger(b, 5)
		first, err := tr.Invoke(b.Context(), in)
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("cold start: ready after %v, first call %v (provider init %v, execution %v)", ready, first.Times.ClientDuration(),
			first.ProviderTimes.InitializationDuration(), first.ProviderTimes.ExecutionDuration())
		benchCalls(b, tr.Invoke, in)
	})
}

// benchCalls calls invoke b.N times and reports the mean client time and, when the results have one,
// the provider's execution time per call.
func benchCalls(b *testing.B, invoke func(context.Context, any) (*sebs.ExecutionResult, error), in any) {
	var client, provider time.Duration
	for b.Loop() {
		res, err := invoke(b.Context(), in)
		if err != nil {
			b.Fatal(err)
		}
		client += res.Times.ClientDuration()
		provider += res.ProviderTimes.ExecutionDuration()
	}
	b.ReportMetric(float64(client.Nanoseconds())/float64(b.N), "client-ns/call")
	if provider > 0 {
		b.ReportMetric(float64(provider.Nanoseconds())/float64(b.N), "provider-exec-ns/call")
	}
}

// waitFor polls cond every 5 ms until it holds, failing the test after 30 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited 30 s for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
