package sebstest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/internal/engine"
)

func TestSettingsSplitOursFromTestcontainers(t *testing.T) {
	env := testcontainers.WithEnv(map[string]string{"A": "1"})
	s, err := newSettings([]testcontainers.ContainerCustomizer{WithName("fn"), nil, env, WithKeepAlive()})
	require.NoError(t, err)
	assert.Equal(t, "fn", s.name)
	assert.True(t, s.keepAlive)
	assert.Len(t, s.customizers, 1, "testcontainers' own options are kept for the request")

	_, err = newSettings([]testcontainers.ContainerCustomizer{WithCPUs(-1)})
	assert.ErrorContains(t, err, "WithCPUs")

	var req testcontainers.GenericContainerRequest
	assert.ErrorContains(t, WithName("x").Customize(&req), "pass it to sebstest.Start",
		"an Option given to testcontainers directly fails instead of doing nothing")
}

func TestColdModeIsAString(t *testing.T) {
	for in, want := range map[string]ColdMode{"replace": ColdReplace, " Restart ": ColdRestart, "REPLACE": ColdReplace} {
		got, err := parseColdMode(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got)
	}
	_, err := parseColdMode("reboot")
	assert.ErrorContains(t, err, `unknown cold mode "reboot"`)
	_, err = newSettings([]testcontainers.ContainerCustomizer{WithColdMode("Restart")})
	require.NoError(t, err, "WithColdMode parses case-insensitively")
	_, err = newSettings([]testcontainers.ContainerCustomizer{WithColdMode("later")})
	assert.ErrorContains(t, err, "WithColdMode")
}

func TestWithCodeIsAbsolute(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	require.NoError(t, os.Mkdir("code", 0o755))
	s, err := newSettings([]testcontainers.ContainerCustomizer{WithCode("code")})
	require.NoError(t, err)
	assert.True(t, filepath.IsAbs(s.codeDir), "WithCode made %q absolute", s.codeDir)
	assert.Equal(t, "code", filepath.Base(s.codeDir))
	_, err = newSettings([]testcontainers.ContainerCustomizer{WithCode("missing")})
	assert.ErrorContains(t, err, "not a directory")
}

// TestWithCodeRefusedWhenTheSourceOwnsFunction: a Go function's binary is /function, and Python and
// upstream sources mount their code there; a second mount would shadow it.
func TestWithCodeRefusedWhenTheSourceOwnsFunction(t *testing.T) {
	RequireDocker(t)
	requireNoneLeft(t)
	_, err := Start(context.Background(), Fixture("sleep", sebs.LanguageGo), WithCode(t.TempDir()))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "already uses /function")
}

// TestTestcontainersOptionsGoStraightToNew: testcontainers' own options mix with ours in one list.
func TestTestcontainersOptionsGoStraightToNew(t *testing.T) {
	requireNoneLeft(t)
	fn := New(t, Fixture("sleep", sebs.LanguageGo),
		testcontainers.WithEnv(map[string]string{"SEBS_TEST_GREETING": "hello"}),
		testcontainers.WithLabels(map[string]string{"example.com/team": "perf"}),
		WithName("sleep-env"))
	res, err := fn.eng.ContainerInspect(context.Background(), fn.ContainerID(), client.ContainerInspectOptions{})
	require.NoError(t, err)
	assert.Contains(t, res.Container.Config.Env, "SEBS_TEST_GREETING=hello")
	assert.Equal(t, "perf", res.Container.Config.Labels["example.com/team"])
	assert.Equal(t, "sleep-env", fn.Name)
	_, err = fn.Invoke(context.Background(), map[string]any{"sleep": 0})
	require.NoError(t, err)
}

func TestReservedLabelsRefused(t *testing.T) {
	RequireDocker(t)
	requireNoneLeft(t)
	_, err := Start(context.Background(), Fixture("sleep", sebs.LanguageGo),
		testcontainers.WithLabels(map[string]string{"dev.gosebs.owner.pid": "1"}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "reserved prefix")
}

// countingStrategy is a caller's wait strategy: it counts its calls and waits for the protocol itself.
type countingStrategy struct{ calls int }

func (c *countingStrategy) WaitUntilReady(ctx context.Context, tgt wait.StrategyTarget) error {
	c.calls++
	return ForProtocol().WithPollInterval(10*time.Millisecond).WaitUntilReady(ctx, tgt)
}

// TestCallersWaitStrategyReplacesOurs: testcontainers.WithWaitStrategy replaces ForProtocol, for the start
// and for restarts, and its time is the Ready phase.
func TestCallersWaitStrategyReplacesOurs(t *testing.T) {
	requireNoneLeft(t)
	var ws countingStrategy
	fn := New(t, Fixture("sleep", sebs.LanguageGo), testcontainers.WithWaitStrategy(&ws), WithColdMode(ColdRestart))
	assert.Equal(t, 1, ws.calls)
	assert.Positive(t, fn.Startup().Ready)
	_, err := fn.ColdStart(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 2, ws.calls, "a restart waits with the caller's strategy too")
}

// TestNotReadyReportsExit: a function that exits before answering (a malformed PORT exits with code 2 at
// once) is reported as ErrNotReady with its exit code, whether it was OOM-killed, and its last log lines.
func TestNotReadyReportsExit(t *testing.T) {
	RequireDocker(t)
	requireNoneLeft(t)
	_, err := Start(context.Background(), Fixture("sleep", sebs.LanguageGo),
		testcontainers.WithEnv(map[string]string{"PORT": "bad"}))
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrNotReady), "%v", err)
	assert.Contains(t, err.Error(), "exited with code 2")
	assert.Contains(t, err.Error(), "OOM-killed: false")
	assert.True(t, strings.Contains(err.Error(), "log (last lines)"), "%v", err)
}

// TestOneDockerClientPerFunction is the must-show of issue 9: one New(t, PythonFunction(...)) with memory
// sampling, an invocation, a cold start, the samples and the stop open exactly one Docker client of ours
// (testcontainers-go's own provider client is not ours).
func TestOneDockerClientPerFunction(t *testing.T) {
	RequireDocker(t)
	requireNoneLeft(t)
	for _, src := range []struct {
		name string
		src  Source
	}{
		{"python", PythonFunction("../fixtures/python/sleep")},
		{"go", GoFunction("../fixtures/go/sleep")},
	} {
		t.Run(src.name, func(t *testing.T) {
			if src.name == "python" && testing.Short() {
				t.Skip("builds the Python image on first use (minutes); not in -short")
			}
			before := engine.Opened()
			var fn *Function
			t.Run("use", func(t *testing.T) {
				fn = New(t, src.src, WithMemorySampling(5*time.Millisecond))
				ctx := context.Background()
				_, err := fn.Invoke(ctx, map[string]any{"sleep": 0.01})
				require.NoError(t, err)
				_, err = fn.ColdStart(ctx)
				require.NoError(t, err)
				_, err = fn.Invoke(ctx, map[string]any{"sleep": 0.01})
				require.NoError(t, err)
				assert.NotEmpty(t, fn.MemorySamples())
			}) // New's cleanup stops the function here
			assert.Equal(t, int64(1), engine.Opened()-before, "Docker clients opened for one function")
			assert.NoError(t, fn.eng.Close(), "closed exactly once: a second Close returns the first result")
		})
	}
}
