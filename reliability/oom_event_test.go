package reliability

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/internal/engine"
	"github.com/gosebs/sebs/internal/owner"
	"github.com/gosebs/sebs/sebstest"
)

// TestOOMKilledReadsTheEventLog: engine.OOMKilled tells an OOM kill from the engine's event log when the
// inspect's OOMKilled flag is not set (the engine records the exit and the OOM notice apart, and
// TestOutOfMemoryBeforeReady once inspected between the two: exit 137, flag false), and does not take a
// plain SIGKILL, exit 137 as well, for one.
func TestOOMKilledReadsTheEventLog(t *testing.T) {
	cli := testDocker(t)
	key, value := caseLabel(t)
	expectNoCaseContainers(t, cli, key, value)
	ctx := t.Context()
	// The hog's image, from a function started with room to spare (it allocates 256 MiB, then serves).
	hog, err := sebstest.Start(ctx, sebstest.GoFunction("testdata/hog"),
		sebstest.WithConfig(sebs.FunctionConfig{Timeout: faultTimeoutS, Memory: 512}),
		testcontainers.WithLabels(map[string]string{key: value}))
	if err != nil {
		t.Fatal(err)
	}
	defer hog.Stop(context.WithoutCancel(ctx))
	eng, err := engine.Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	own, err := eng.ContainerInspect(ctx, hog.ContainerID(), client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	image := own.Container.Config.Image
	labels := owner.Labels()
	labels[key] = value
	// run starts the hog's image under a memory limit of mb, calls stop on it (nil: nothing), and returns
	// the inspect of the container once it has stopped, removing it.
	run := func(mb int64, stop func(id string) error) container.InspectResponse {
		t.Helper()
		created, err := eng.ContainerCreate(ctx, client.ContainerCreateOptions{
			Config:     &container.Config{Image: image, Labels: maps.Clone(labels)},
			HostConfig: &container.HostConfig{Resources: container.Resources{Memory: mb << 20, MemorySwap: mb << 20}},
		})
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = eng.Remove(context.WithoutCancel(ctx), created.ID) }()
		if _, err := eng.ContainerStart(ctx, created.ID, client.ContainerStartOptions{}); err != nil {
			t.Fatal(err)
		}
		if stop != nil {
			if err := stop(created.ID); err != nil {
				t.Fatal(err)
			}
		}
		waitCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		w := eng.ContainerWait(waitCtx, created.ID, client.ContainerWaitOptions{Condition: container.WaitConditionNotRunning})
		select {
		case <-w.Result:
		case err := <-w.Error:
			t.Fatalf("wait for container %s to stop: %v", engine.ShortID(created.ID), err)
		}
		res, err := eng.ContainerInspect(ctx, created.ID, client.ContainerInspectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Container.State == nil || res.Container.State.ExitCode != 137 {
			t.Fatalf("container %s stopped with state %+v, want exit code 137", engine.ShortID(created.ID), res.Container.State)
		}
		return res.Container
	}

	oom := run(oomLimitMB, nil)
	oom.State.OOMKilled = false // as an inspect between the engine's two events shows it
	if !eng.OOMKilled(ctx, oom) {
		t.Error("an OOM-killed container whose inspect missed the flag was not found OOM-killed in the event log")
	}
	killed := run(512, func(id string) error {
		_, err := eng.ContainerKill(ctx, id, client.ContainerKillOptions{Signal: "KILL"})
		return err
	})
	if killed.State.OOMKilled || eng.OOMKilled(ctx, killed) {
		t.Errorf("a container killed with SIGKILL under a 512 MB limit was taken for OOM-killed (state %+v)", killed.State)
	}
}
