package lambdaimage

import (
	"context"
	"io"
	"runtime"
	"slices"
	"strings"
	"testing"
)

func TestEnv(t *testing.T) {
	env, err := Env("sleep", 256, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"AWS_LAMBDA_FUNCTION_NAME=sleep", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256", "AWS_LAMBDA_FUNCTION_TIMEOUT=3"}
	if !slices.Equal(env, want) {
		t.Errorf("Env = %q, want %q", env, want)
	}
	for _, c := range []struct{ mem, timeout int }{{0, 3}, {128, 0}, {-1, 1}} {
		if _, err := Env("f", c.mem, c.timeout); err == nil {
			t.Errorf("Env(memory %d, timeout %d) accepted; the emulator needs both positive", c.mem, c.timeout)
		}
	}
}

func TestTagName(t *testing.T) {
	for in, want := range map[string]string{"dynamic-html": "dynamic-html", "My Func!": "my-func", "...": "function", "graph_bfs.v2": "graph_bfs.v2"} {
		if got := tagName(in); got != want {
			t.Errorf("tagName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEmulatorOtherArchitecture(t *testing.T) {
	other := "arm64"
	if runtime.GOARCH == "arm64" {
		other = "amd64"
	}
	_, err := Emulator(context.Background(), other, io.Discard)
	if err == nil || !strings.Contains(err.Error(), other) {
		t.Errorf("Emulator(%s) on %s = %v, want an error naming the architecture", other, runtime.GOARCH, err)
	}
}

// TestEmulatorCached: the emulator is built at most once per machine; later calls return the cached
// binary without building.
func TestEmulatorCached(t *testing.T) {
	first, err := Emulator(t.Context(), runtime.GOARCH, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var progress strings.Builder
	again, err := Emulator(t.Context(), runtime.GOARCH, &progress)
	if err != nil {
		t.Fatal(err)
	}
	if again != first || progress.Len() != 0 {
		t.Errorf("second call: %s (first %s), progress %q; want the cached binary and no build", again, first, progress.String())
	}
}
