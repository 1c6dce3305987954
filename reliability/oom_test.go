package reliability

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/sebstest"
)

// oomLimitMB is the memory limit of the OOM test's function, oomAllocMB what its handler allocates, and
// oomTimeoutS its timeout: room for the allocation and for the engine to record the kill on a loaded
// machine (both take about a second there), which the error must arrive within.
const (
	oomLimitMB  = 64
	oomAllocMB  = 200
	oomTimeoutS = 10
	oomTimeout  = oomTimeoutS * time.Second
)

// TestOutOfMemoryNamed: a function with a 64 MB limit that allocates 200 MB is OOM-killed by the kernel.
// The caller gets, within the function's timeout, an error that matches sebstest.ErrOutOfMemory and still
// sebs.ErrConnection, and that names the limit and what to change; the next call says the same, not a bare
// "connection refused"; a cold start brings the function back.
func TestOutOfMemoryNamed(t *testing.T) {
	cli := testDocker(t)
	fn := startFault(t, sebstest.WithConfig(sebs.FunctionConfig{Timeout: oomTimeoutS, Memory: oomLimitMB}))
	first := fn.ContainerID()
	for i := range 2 {
		_, err, took := invokeTimed(t, fn, map[string]any{"fault": "alloc", "mb": oomAllocMB})
		t.Logf("call %d: %v after %v", i, err, took.Round(time.Millisecond))
		if !errors.Is(err, sebstest.ErrOutOfMemory) || !errors.Is(err, sebs.ErrConnection) {
			t.Fatalf("call %d: %v; want an error matching both sebstest.ErrOutOfMemory and sebs.ErrConnection (%s)",
				i, err, oomTimeline(cli, first, time.Now()))
		}
		var ie *sebs.InvocationError
		if !errors.As(err, &ie) {
			t.Errorf("call %d: the *sebs.InvocationError is not reachable with errors.As: %v", i, err)
		}
		for _, want := range []string{"function fault ran out of its 64 MB memory limit", "OOM-killed, exit 137", "FunctionConfig.Memory"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("call %d: error %q does not say %q", i, err, want)
			}
		}
		if took >= oomTimeout {
			t.Errorf("call %d took %v, want less than the function's timeout %v", i, took, oomTimeout)
		}
	}
	waitExited(t, cli, first, 137)
	if _, err := fn.ColdStart(t.Context()); err != nil {
		t.Fatalf("cold start after the OOM kill: %v", err)
	}
	requireAnswers(t, fn)
	if _, err, _ := invokeTimed(t, fn, map[string]any{"fault": "alloc", "mb": 8}); err != nil {
		t.Errorf("an allocation within the limit failed: %v", err)
	}
}

// TestOutOfMemoryBeforeReady: a function OOM-killed while it starts (it allocates 256 MiB under a 64 MB
// limit before listening) fails its start with an error matching both sebstest.ErrNotReady and
// sebstest.ErrOutOfMemory, naming the limit, and leaves no container.
func TestOutOfMemoryBeforeReady(t *testing.T) {
	cli := testDocker(t)
	key, value := caseLabel(t)
	expectNoCaseContainers(t, cli, key, value)
	began := time.Now()
	fn, err := sebstest.Start(t.Context(), sebstest.GoFunction("testdata/hog"),
		sebstest.WithConfig(sebs.FunctionConfig{Timeout: faultTimeoutS, Memory: oomLimitMB}),
		testcontainers.WithLabels(map[string]string{key: value}))
	if err == nil {
		_ = fn.Stop(t.Context())
		t.Fatal("a function that allocates 256 MiB under a 64 MB limit started")
	}
	t.Logf("start: %v after %v", err, time.Since(began).Round(time.Millisecond))
	if !errors.Is(err, sebstest.ErrNotReady) || !errors.Is(err, sebstest.ErrOutOfMemory) {
		t.Fatalf("start error %v; want one matching both sebstest.ErrNotReady and sebstest.ErrOutOfMemory", err)
	}
	for _, want := range []string{"ran out of its 64 MB memory limit", "OOM-killed, exit 137", "FunctionConfig.Memory"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

// oomTimeline says when the engine recorded container id's exit and its "oom" event, against returned (when
// a call returned): an exit or event recorded after the call returned means the call gave up on the engine
// too soon, one recorded before it that sebstest missed or misread it.
func oomTimeline(cli *testcontainers.DockerClient, id string, returned time.Time) string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got, err := cli.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil || got.Container.State == nil {
		return fmt.Sprintf("no inspect of the container: %v", err)
	}
	st := got.Container.State
	line := fmt.Sprintf("the call returned at %s; the engine shows running %t, exit %d, OOMKilled %t, finished at %s",
		returned.UTC().Format(time.RFC3339Nano), st.Running, st.ExitCode, st.OOMKilled, st.FinishedAt)
	res := cli.Events(ctx, client.EventsListOptions{
		Since:   got.Container.Created,
		Until:   time.Now().Add(time.Second).UTC().Format(time.RFC3339Nano),
		Filters: make(client.Filters).Add("type", "container").Add("container", id).Add("event", "oom"),
	})
	select {
	case m := <-res.Messages:
		return line + fmt.Sprintf(", its oom event at %s", time.Unix(0, m.TimeNano).UTC().Format(time.RFC3339Nano))
	case err := <-res.Err:
		return line + fmt.Sprintf(", no oom event in its log (%v)", err)
	}
}
