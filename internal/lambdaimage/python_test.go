package lambdaimage_test

import (
	"github.com/gosebs/sebs/internal/owner"
	"os"
	"path/filepath"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"

	"github.com/gosebs/sebs/fixtures"
	"github.com/gosebs/sebs/internal/lambdaimage"
	"github.com/gosebs/sebs/sebstest"
)

// TestPythonUnderEmulator runs a benchmark packaged as upstream SeBS packages it for AWS (the wrapper's
// handler.py, here our stand-in, around function/function.py) on the Python base image under the
// emulator, with a read-only root, its code mounted read-only and a tmpfs at /tmp: the wrapper's answer
// reads as upstream's, and the REPORT line fills provider times and billing.
func TestPythonUnderEmulator(t *testing.T) {
	eng := engine(t)
	base, err := sebstest.PythonImage(t.Context(), testWriter{t})
	if err != nil {
		t.Fatal(err)
	}
	labels := ownerLabels()
	labels[owner.LabelKind] = owner.KindImage
	img, err := lambdaimage.BuildPython(t.Context(), eng, base, lambdaimage.Options{Labels: labels, Progress: testWriter{t}})
	if err != nil {
		t.Fatal(err)
	}
	code := taskRoot(t, map[string]string{
		"handler.py":           "../../fixtures/lambda/python/testdata/sebs-aws/handler.py",
		"function/function.py": "../../fixtures/python/sleep/function/function.py",
	})
	const memoryMB, timeoutS = 256, 5
	c := startLambda(t, eng, img, memoryMB, timeoutS, func(hc *container.HostConfig) {
		hc.Mounts = []mount.Mount{{Type: mount.TypeBind, Source: code, Target: lambdaimage.PythonTaskRoot, ReadOnly: true}}
		hc.Tmpfs = map[string]string{"/tmp": "rw,size=64m"}
	})
	tr := c.trigger(t, timeoutS)
	bench, err := fixtures.Lookup("sleep")
	if err != nil {
		t.Fatal(err)
	}
	in := map[string]any{"sleep": 0.01}
	for call := range 2 {
		res, err := tr.Invoke(t.Context(), in)
		if err != nil {
			t.Fatalf("call %d: %v\nemulator log:\n%s", call, err, c.stderr)
		}
		t.Logf("call %d: client %v, benchmark %v, provider execution %v, init %v, billed %v",
			call, res.Times.ClientDuration(), res.Times.BenchmarkDuration(), res.ProviderTimes.ExecutionDuration(),
			res.ProviderTimes.InitializationDuration(), res.Billing.BilledDuration())
		if res.Stats.ColdStart != (call == 0) || res.Output["request_id"] != res.RequestID {
			t.Errorf("call %d: is_cold %v, request_id %v (sent %s)", call, res.Stats.ColdStart, res.Output["request_id"], res.RequestID)
		}
		if res.Times.Benchmark < 10_000 || res.ProviderTimes.Execution < res.Times.Benchmark || *res.Billing.BilledTime*1000 < res.ProviderTimes.Execution {
			t.Errorf("call %d: benchmark %d µs, provider execution %d µs, billed %d ms; want 10 ms <= benchmark <= execution <= billed",
				call, res.Times.Benchmark, res.ProviderTimes.Execution, *res.Billing.BilledTime)
		}
		if res.Billing.GBSeconds != float64(memoryMB)/1024*(float64(*res.Billing.BilledTime)/1000) {
			t.Errorf("call %d: %v GB-s, want memory/1024 × billed/1000", call, res.Billing.GBSeconds)
		}
		out, err := jsonValue(res.Output["result"])
		if err != nil {
			t.Fatal(err)
		}
		if err := bench.Validate(in, out); err != nil {
			t.Errorf("call %d: %v", call, err)
		}
	}
}

// taskRoot makes a directory, readable by the container's user 65534, holding files (destination →
// source), removed when the test ends.
func taskRoot(t *testing.T, files map[string]string) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "sebs-lambda-task-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for to, from := range files {
		data, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(dir, to)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
