package reliability

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/sebstest"
)

// TestFaultExit: a function process that exits mid-call gives the caller ErrConnection within the
// timeout, its container stops, a cold start brings the function back, and after Stop neither the dead
// container nor its replacement exists.
func TestFaultExit(t *testing.T) {
	cli := testDocker(t)
	fn := startFault(t)
	first := fn.ContainerID()
	_, err, took := invokeTimed(t, fn, map[string]any{"fault": "exit"})
	t.Logf("exit: %v after %v", err, took.Round(time.Millisecond))
	if !errors.Is(err, sebs.ErrConnection) {
		t.Fatalf("exit gave %v, want %v", err, sebs.ErrConnection)
	}
	if took >= faultTimeout+callMargin {
		t.Errorf("the call took %v, want less than %v", took, faultTimeout+callMargin)
	}
	waitExited(t, cli, first, 3)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := fn.ColdStart(ctx); err != nil {
		t.Fatalf("cold start after the exit: %v", err)
	}
	second := fn.ContainerID()
	if second == first {
		t.Fatalf("the cold start kept container %.12s", first)
	}
	res := requireAnswers(t, fn)
	if !res.Stats.ColdStart {
		t.Errorf("the first call after the cold start is not cold")
	}
	if err := fn.Stop(ctx); err != nil {
		t.Fatalf("stop: %v", err)
	}
	requireGone(t, cli, first, second)
}

// waitExited polls until the container has stopped, and checks its exit code.
func waitExited(t *testing.T, cli *testcontainers.DockerClient, id string, code int) {
	t.Helper()
	var st *container.State
	err := poll(10*time.Second, "wait for the container to exit", func() (bool, error) {
		res, err := cli.ContainerInspect(context.Background(), id, client.ContainerInspectOptions{})
		if err != nil {
			return false, err
		}
		st = res.Container.State
		return st != nil && !st.Running, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if st.ExitCode != code {
		t.Errorf("container exited with code %d, want %d", st.ExitCode, code)
	}
}

// TestFaultSlowStart: a function that listens only after a delay is waited for, not reported as failed,
// and the wait shows in the measured startup.
func TestFaultSlowStart(t *testing.T) {
	const delay = 2 * time.Second
	fn := startFault(t, testcontainers.WithEnv(map[string]string{"SEBS_FAULT_START_DELAY": delay.String()}))
	if got := fn.Startup().Total(); got < delay {
		t.Errorf("startup took %v, less than the function's start delay %v: readiness was not waited for", got, delay)
	}
	requireAnswers(t, fn)
}

// TestFaultNeverReady: a function that never listens gives a start error naming the ready timeout within
// that timeout (plus container create and removal), and leaves no container behind.
func TestFaultNeverReady(t *testing.T) {
	const ready = 3 * time.Second
	cli := testDocker(t)
	key, value := caseLabel(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// Build the image first, so the timing below is of the start alone.
	warm := startFault(t)
	if err := warm.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	fn, err := sebstest.Start(ctx, sebstest.Fixture("fault", sebs.LanguageGo),
		testcontainers.WithEnv(map[string]string{"SEBS_FAULT_NEVER_READY": "1"}),
		sebstest.WithReadyTimeout(ready),
		testcontainers.WithLabels(map[string]string{key: value}))
	took := time.Since(began)
	if err == nil {
		_ = fn.Stop(ctx)
		t.Fatal("a function that never listens started")
	}
	t.Logf("never ready: %v after %v", err, took.Round(time.Millisecond))
	for _, m := range []string{"did not answer", ready.String(), "WithReadyTimeout"} {
		if !strings.Contains(err.Error(), m) {
			t.Errorf("start error %q does not mention %q", err, m)
		}
	}
	// The slack covers container create, start and removal on a busy 2-core engine; it stays below the
	// default ready timeout, so a start that ignored WithReadyTimeout would still fail here.
	if slack := 20 * time.Second; took < ready || took >= ready+slack {
		t.Errorf("start failed after %v, want the ready timeout %v (plus at most %v to create and remove)", took, ready, slack)
	}
	left, err := containersWithLabels(ctx, cli, key+"="+value)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) > 0 {
		t.Errorf("the failed start left container(s) %v", left)
	}
}
