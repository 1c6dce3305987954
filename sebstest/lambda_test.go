package sebstest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/fixtures"
	"github.com/gosebs/sebs/internal/engine"
)

// lambdaDir is the directory of the Go Lambda fixture name.
func lambdaDir(name string) string { return "../fixtures/lambda/go/" + name }

// requireConsistentReport checks what a REPORT line put into res, as upstream's parse_aws_report fills it:
// execution and billing non-zero, billed time at least the execution, GB-seconds = memory/1024 ×
// billed/1000, initialization exactly on cold calls.
func requireConsistentReport(t *testing.T, res *sebs.ExecutionResult, memoryMB int, cold bool) {
	t.Helper()
	require.NotNil(t, res.Billing.BilledTime, "no billed time: the REPORT line was not applied")
	require.NotNil(t, res.Billing.Memory)
	billed := *res.Billing.BilledTime
	assert.Positive(t, res.ProviderTimes.Execution, "provider execution time")
	assert.Positive(t, billed, "billed time")
	assert.GreaterOrEqual(t, billed*1000, res.ProviderTimes.Execution, "billed time (ms) below the execution (µs)")
	assert.Equal(t, memoryMB, *res.Billing.Memory)
	assert.Equal(t, float64(memoryMB)/1024*(float64(billed)/1000), res.Billing.GBSeconds, "GB-seconds as upstream computes them")
	assert.Positive(t, res.Billing.GBSeconds)
	assert.Equal(t, cold, res.Stats.ColdStart, "is_cold")
	assert.Equal(t, cold, res.ProviderTimes.Initialization > 0, "initialization %d µs on a call with cold %v", res.ProviderTimes.Initialization, cold)
}

// TestLambdaGoFunction runs a plain aws-lambda-go function (fixtures/lambda/go/sleep, written as an AWS
// user writes one) through New: its results carry the REPORT's provider times and billing, consistent as
// upstream's; memory used comes from our sampling; cold starts of both modes give a cold call again.
func TestLambdaGoFunction(t *testing.T) {
	requireNoneLeft(t)
	const memoryMB = 256
	for _, mode := range []ColdMode{ColdReplace, ColdRestart} {
		t.Run(string(mode), func(t *testing.T) {
			fn := New(t, LambdaFunction(lambdaDir("sleep")), WithConfig(sebs.FunctionConfig{Memory: memoryMB, Timeout: 5}),
				WithMemorySampling(5*time.Millisecond), WithColdMode(mode))
			bench, err := fixtures.Lookup("sleep")
			require.NoError(t, err)
			in := map[string]any{"sleep": 0.02}
			check := func(call string, res *sebs.ExecutionResult, err error, cold bool) {
				t.Helper()
				require.NoError(t, err, call)
				t.Logf("%s: client %v, provider execution %v, init %v, billed %v, %.6f GB-s, memory %s", call,
					res.Times.ClientDuration(), res.ProviderTimes.ExecutionDuration(), res.ProviderTimes.InitializationDuration(),
					res.Billing.BilledDuration(), res.Billing.GBSeconds, memoryText(res))
				requireConsistentReport(t, res, memoryMB, cold)
				assert.GreaterOrEqual(t, res.ProviderTimes.Execution, int64(20_000), "%s: execution below the 20 ms sleep", call)
				out, err := res.HandlerOutput()
				require.NoError(t, err)
				assert.NoError(t, bench.Validate(in, out), call)
				if !isLoopback(fn.ep.Host) {
					return // a remote engine's memory comes from Docker stats, about once a second: none in a 20 ms call
				}
				require.NotNil(t, res.Stats.MemoryUsed, "%s: no sampled memory", call)
				assert.Less(t, *res.Stats.MemoryUsed, float64(memoryMB), "%s: memory used is the configured size, the emulator's fake figure", call)
				require.NotNil(t, res.Detail)
				assert.NotEmpty(t, res.Detail.MemorySamples, "%s: the samples behind memory_used", call)
			}
			for i, cold := range []bool{true, false} {
				res, err := fn.Invoke(t.Context(), in)
				check("call "+string(rune('1'+i)), res, err, cold)
			}
			res, st, err := fn.ColdInvoke(t.Context(), in)
			check("cold call", res, err, true)
			assert.Positive(t, st.Ready)
			assert.Greater(t, st.FirstByte, st.Ready)
			res, err = fn.Invoke(t.Context(), in)
			check("call after the cold one", res, err, false)
		})
	}
}

// TestLambdaFunctionModel: a Lambda function's only trigger is its Lambda trigger (upstream's AWS library
// trigger shape, with the emulator's URL), its config is the one given, and its container has the Go
// function's security settings and the emulator's environment.
func TestLambdaFunctionModel(t *testing.T) {
	requireNoneLeft(t)
	fn := New(t, LambdaFunction(lambdaDir("sleep")), WithConfig(sebs.FunctionConfig{Memory: 192, Timeout: 4}))
	assert.Empty(t, fn.Triggers(sebs.TriggerHTTP))
	lib := fn.Triggers(sebs.TriggerLibrary)
	require.Len(t, lib, 1)
	lt, ok := lib[0].(*sebs.LambdaTrigger)
	require.True(t, ok, "trigger %T", lib[0])
	assert.Equal(t, fn.URL, lt.URL)
	assert.Equal(t, 7*time.Second, lt.Timeout, "the function's timeout plus the grace for the emulator's answer")
	data, err := json.Marshal(fn.LocalFunction)
	require.NoError(t, err)
	assert.Contains(t, string(data), `"type":"Library"`)

	ins, err := fn.eng.ContainerInspect(t.Context(), fn.ContainerID(), client.ContainerInspectOptions{})
	require.NoError(t, err)
	hc := ins.Container.HostConfig
	assert.True(t, hc.ReadonlyRootfs)
	assert.Contains(t, hc.CapDrop, "ALL")
	assert.Contains(t, hc.SecurityOpt, "no-new-privileges:true")
	assert.Equal(t, int64(192<<20), hc.Memory)
	assert.Equal(t, "65534:65534", ins.Container.Config.User)
	for _, kv := range []string{"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=192", "AWS_LAMBDA_FUNCTION_TIMEOUT=4", "AWS_LAMBDA_FUNCTION_NAME=sleep"} {
		assert.Contains(t, ins.Container.Config.Env, kv)
	}
}

// TestLambdaFaults: through New, a function error, a panic, a runtime that exits, a call past the
// function's timeout, and an emulator that exits (its container killed) each give their own typed error
// within the timeout + 3 s; the function serves the next call after each of the first four, and Stop
// removes the container.
func TestLambdaFaults(t *testing.T) {
	requireNoneLeft(t)
	const timeoutS = 2
	fn := New(t, LambdaFunction(lambdaDir("fault")), WithConfig(sebs.FunctionConfig{Memory: 128, Timeout: timeoutS}))
	bound := timeoutS*time.Second + 3*time.Second
	cases := []struct {
		fault string
		kind  error
		panic bool
	}{
		{"error", sebs.ErrInvocationFailed, false},
		{"panic", sebs.ErrInvocationFailed, true},
		{"exit", sebs.ErrRuntimeFailed, false},
	}
	kinds := []error{sebs.ErrInvocationFailed, sebs.ErrTimeout, sebs.ErrRuntimeFailed, ErrGone}
	for _, c := range cases {
		began := time.Now()
		res, err := fn.Invoke(t.Context(), map[string]any{"fault": c.fault})
		took := time.Since(began)
		require.ErrorIs(t, err, c.kind, "fault %s", c.fault)
		for _, other := range kinds {
			if other != c.kind {
				assert.NotErrorIs(t, err, other, "fault %s: one kind of error only", c.fault)
			}
		}
		t.Logf("fault %s after %v: %v", c.fault, took.Round(time.Millisecond), err)
		assert.LessOrEqual(t, took, bound, "fault %s", c.fault)
		require.NotNil(t, res, "fault %s: the failed result comes with the error", c.fault)
		assert.True(t, res.Stats.Failure, "fault %s", c.fault)
		var he *sebs.HandlerError
		if c.kind == sebs.ErrInvocationFailed {
			require.ErrorAs(t, err, &he)
			assert.Equal(t, c.panic, he.Panic, "fault %s", c.fault)
		} else {
			assert.False(t, errors.As(err, &he), "fault %s: no handler error", c.fault)
		}
		_, err = fn.Invoke(t.Context(), map[string]any{"fault": "none"})
		require.NoError(t, err, "the call after fault %s", c.fault)
	}

	// A call past the function's timeout, by a handler that ignores its deadline (the fault fixture's
	// hang honours it, and its own error at the deadline races the emulator's timeout answer).
	stubborn := New(t, LambdaFunction("testdata/lambda-stubborn"), WithConfig(sebs.FunctionConfig{Memory: 128, Timeout: timeoutS}))
	began := time.Now()
	res, err := stubborn.Invoke(t.Context(), map[string]any{"seconds": 30})
	took := time.Since(began)
	t.Logf("past the timeout after %v: %v", took.Round(time.Millisecond), err)
	require.ErrorIs(t, err, sebs.ErrTimeout)
	for _, other := range kinds {
		if other != sebs.ErrTimeout {
			assert.NotErrorIs(t, err, other, "a timeout: one kind of error only")
		}
	}
	assert.GreaterOrEqual(t, took, timeoutS*time.Second, "the emulator's timeout answer")
	assert.LessOrEqual(t, took, bound)
	require.NotNil(t, res)
	assert.True(t, res.Stats.Failure)
	_, err = stubborn.Invoke(t.Context(), map[string]any{"seconds": 0})
	require.NoError(t, err, "the call after the timeout")
	require.NoError(t, stubborn.Stop(t.Context()))

	// The emulator exits in the middle of a call: its container is killed.
	id := fn.ContainerID()
	calling := make(chan error, 1)
	go func() {
		_, err := fn.Invoke(context.WithoutCancel(t.Context()), map[string]any{"fault": "hang", "seconds": 60})
		calling <- err
	}()
	waitLog(t, fn, "INVOKE START")
	began = time.Now()
	_, err = fn.eng.ContainerKill(t.Context(), id, client.ContainerKillOptions{Signal: "KILL"})
	require.NoError(t, err)
	err = <-calling
	t.Logf("emulator killed after %v: %v", time.Since(began).Round(time.Millisecond), err)
	assert.LessOrEqual(t, time.Since(began), bound)
	require.ErrorIs(t, err, ErrGone)
	require.ErrorIs(t, err, sebs.ErrConnection)
	for _, other := range kinds[:3] {
		assert.NotErrorIs(t, err, other)
	}

	require.NoError(t, fn.Stop(t.Context()))
	_, err = fn.eng.ContainerInspect(context.Background(), id, client.ContainerInspectOptions{})
	assert.True(t, engine.IsGone(err), "container %s still exists after Stop: %v", id, err)
}

// waitLog waits until the function's container log holds want (the emulator logs each call's start).
func waitLog(t *testing.T, fn *Function, want string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		lines, _ := fn.Logs(ctx, 20)
		if strings.Contains(strings.Join(lines, "\n"), want) {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the container log never said %q; last lines:\n%s", want, strings.Join(lines, "\n"))
		case <-tick.C:
		}
	}
}

// TestLambdaPythonFunction runs a benchmark packed as upstream SeBS packs it for AWS (its wrapper's
// handler.py, here the stand-in of fixtures/lambda/python, around function/function.py) through New:
// the wrapper's answer reads as upstream's and the REPORT line fills provider times and billing.
func TestLambdaPythonFunction(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the Python image (built on first use, minutes): not in -short")
	}
	requireNoneLeft(t)
	code := taskRoot(t, map[string]string{
		"handler.py":           "../fixtures/lambda/python/testdata/sebs-aws/handler.py",
		"function/function.py": "../fixtures/python/sleep/function/function.py",
	})
	fn := New(t, LambdaPythonFunction(code), WithConfig(sebs.FunctionConfig{Memory: 256, Timeout: 5}))
	bench, err := fixtures.Lookup("sleep")
	require.NoError(t, err)
	in := map[string]any{"sleep": 0.01}
	for call, cold := range []bool{true, false} {
		res, err := fn.Invoke(t.Context(), in)
		require.NoError(t, err, "call %d", call)
		requireConsistentReport(t, res, 256, cold)
		assert.Equal(t, res.RequestID, res.Output["request_id"], "the wrapper saw the request ID")
		// The stand-in wrapper answers the benchmark's return value under "result", as it is.
		out, err := json.Marshal(res.Output["result"])
		require.NoError(t, err)
		assert.NoError(t, bench.Validate(in, out))
	}
}

// taskRoot makes a directory readable by the container's user 65534 holding files (destination ←
// source), removed when the test ends.
func taskRoot(t *testing.T, files map[string]string) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "sebs-lambda-task-")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	require.NoError(t, os.Chmod(dir, 0o755))
	for dst, src := range files {
		data, err := os.ReadFile(src)
		require.NoError(t, err)
		path := filepath.Join(dir, filepath.FromSlash(dst))
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, data, 0o644))
	}
	return dir
}

// memoryText is a result's sampled memory for the log, or "not sampled".
func memoryText(res *sebs.ExecutionResult) string {
	if res.Stats.MemoryUsed == nil {
		return "not sampled"
	}
	return fmt.Sprintf("%.1f MiB", *res.Stats.MemoryUsed)
}
