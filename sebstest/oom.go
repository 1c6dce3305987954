package sebstest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"strconv"
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
// container stopped when it cannot tell whether the container's process is exiting: the client sees the
// connection drop as the kernel kills the process, some milliseconds (on a loaded machine, a second or
// more) before the engine has recorded the exit. When the process is known to be gone or a zombie, the
// wait goes on until the call's timeout (the trigger's, counted from the call's start) instead; when it
// is known to run, there is no wait at all. The call never outlasts its timeout for the wait's sake.
const exitGrace = time.Second

// exitPoll is how often the container's state is read while waiting.
const exitPoll = 10 * time.Millisecond

// explainFailure turns a connection failure caused by the function's container being OOM-killed into an
// error that says so (see [ErrOutOfMemory]); any other error is returned as it is. began is when the call
// started: the wait for the engine ends with the call's timeout.
func (f *Function) explainFailure(ctx context.Context, began time.Time, err error) error {
	if err == nil || !errors.Is(err, sebs.ErrConnection) || f.inst == nil || f.inst.retired {
		return err
	}
	timeout := sebs.DefaultTimeout
	if tr := f.HTTPTrigger(); tr != nil && tr.Timeout > 0 {
		timeout = tr.Timeout
	}
	ctx, cancel := context.WithDeadline(ctx, began.Add(timeout))
	defer cancel()
	c, ok := f.stoppedContainer(ctx, f.inst.id)
	if !ok || c.State == nil || !c.State.OOMKilled {
		return err
	}
	return f.outOfMemory(c, err)
}

// stoppedContainer inspects container id until it is no longer running (ok true), or gives up (ok false):
// at once when its main process is seen running, after exitGrace when the process cannot be seen, and
// when ctx ends.
func (f *Function) stoppedContainer(ctx context.Context, id string) (c container.InspectResponse, ok bool) {
	tick := time.NewTicker(exitPoll)
	defer tick.Stop()
	unseen := time.Now().Add(exitGrace)
	for {
		res, err := f.eng.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
		if err != nil {
			return c, false
		}
		st := res.Container.State
		if st != nil && !st.Running && !st.Restarting {
			return res.Container, true
		}
		if st != nil && isLoopback(f.ep.Host) {
			if running, known := processRunning(st.Pid); known && running {
				return c, false // the process lives: the connection failed for another reason
			} else if !known && time.Now().After(unseen) {
				return c, false
			}
		}
		select {
		case <-ctx.Done():
			return c, false
		case <-tick.C:
		}
	}
}

// processRunning reports whether the process pid (as the local engine reports a container's main process)
// runs, as opposed to being gone or a zombie; known is false where /proc cannot tell (not Linux, or no pid).
func processRunning(pid int) (running, known bool) {
	if runtime.GOOS != "linux" || pid <= 0 {
		return false, false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if errors.Is(err, fs.ErrNotExist) {
		return false, true
	}
	if err != nil {
		return false, false
	}
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 || i+2 >= len(stat) {
		return false, false
	}
	state := stat[i+2]
	return state != 'Z' && state != 'X', true
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
