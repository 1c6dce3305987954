package sebstest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/gosebs/sebs"
)

// oomError says that the kernel killed a function's process because it used more memory than its
// container's limit. It wraps [ErrOutOfMemory] and the error the caller would have had otherwise (a
// *sebs.InvocationError of kind sebs.ErrConnection, or [ErrNotReady]), so errors.Is matches both.
type oomError struct {
	name     string
	limitMB  int64
	exitCode int
	err      error
}

func (e *oomError) Error() string {
	return fmt.Sprintf("sebstest: function %s ran out of its %d MB memory limit (OOM-killed, exit %d); raise "+
		"FunctionConfig.Memory (sebstest.WithConfig) or make the function use less: %v", e.name, e.limitMB, e.exitCode, e.err)
}

func (e *oomError) Unwrap() []error { return []error{ErrOutOfMemory, e.err} }

// exitGrace bounds how long a failed invocation waits for the engine to report that the function's
// container stopped: the client sees the connection drop as the kernel kills the process, a few
// milliseconds before the engine has recorded the exit.
const exitGrace = time.Second

// exitPoll is how often the container's state is read during the grace period.
const exitPoll = 10 * time.Millisecond

// explainFailure turns a connection failure caused by the function's container being OOM-killed into an
// error that says so (see [ErrOutOfMemory]); any other error is returned as it is. It waits at most
// [exitGrace] for the engine to record the exit, and less when ctx ends first.
func (f *Function) explainFailure(ctx context.Context, err error) error {
	if err == nil || !errors.Is(err, sebs.ErrConnection) || f.inst == nil || f.inst.retired {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, exitGrace)
	defer cancel()
	c, ok := f.stoppedContainer(ctx, f.inst.id)
	if !ok || c.State == nil || !c.State.OOMKilled {
		return err
	}
	return f.outOfMemory(c, err)
}

// stoppedContainer inspects container id until it is no longer running, or ctx ends (ok false).
func (f *Function) stoppedContainer(ctx context.Context, id string) (c container.InspectResponse, ok bool) {
	tick := time.NewTicker(exitPoll)
	defer tick.Stop()
	for {
		res, err := f.eng.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
		if err != nil {
			return c, false
		}
		if st := res.Container.State; st != nil && !st.Running && !st.Restarting {
			return res.Container, true
		}
		select {
		case <-ctx.Done():
			return c, false
		case <-tick.C:
		}
	}
}

// outOfMemory wraps err in the OOM error of the stopped container c, naming its memory limit.
func (f *Function) outOfMemory(c container.InspectResponse, err error) error {
	m := f.model()
	limit := int64(m.Config.Memory)
	if c.HostConfig != nil && c.HostConfig.Memory > 0 {
		limit = c.HostConfig.Memory >> 20
	}
	return &oomError{name: m.Name, limitMB: limit, exitCode: c.State.ExitCode, err: err}
}

// notReadyExit is the error of a container that stopped before it answered: [ErrNotReady] with its
// exit code and last log lines, and [ErrOutOfMemory] too when it was OOM-killed.
func (f *Function) notReadyExit(c container.InspectResponse) error {
	st := c.State
	err := fmt.Errorf("%w: the container exited with code %d (OOM-killed: %t) before answering%s",
		ErrNotReady, st.ExitCode, st.OOMKilled, f.logTail(c.ID))
	if st.OOMKilled {
		return f.outOfMemory(c, err)
	}
	return err
}
