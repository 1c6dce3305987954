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
	"syscall"
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

// How long a failed invocation waits for the engine to report that the function's container stopped:
// the client sees the connection drop as the kernel kills the process, some milliseconds (on a loaded
// machine, a second or more) before the engine has recorded the exit. When the container's main process
// is seen running (in /proc, local engines on Linux), there is no wait at all; when it is gone or a
// zombie, the wait is up to goneGrace; when it cannot be seen, up to exitGrace. The call never outlasts
// its timeout (the trigger's, counted from the call's start) for the wait's sake.
const (
	exitGrace = time.Second
	goneGrace = 5 * time.Second
	exitPoll  = 10 * time.Millisecond // how often the container's state is read while waiting
)

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
	inst := f.inst
	c, ok := f.stoppedContainer(ctx, inst.id)
	if !ok || c.State == nil {
		return err
	}
	explained := err
	if f.eng.OOMKilled(ctx, c) {
		explained = f.outOfMemory(c, err)
	}
	inst.exited.Store(&exitNote{explained})
	return explained
}

// stoppedContainer inspects container id until it is no longer running (ok true), or gives up (ok false)
// as the constants above say, or when ctx ends.
func (f *Function) stoppedContainer(ctx context.Context, id string) (c container.InspectResponse, ok bool) {
	tick := time.NewTicker(exitPoll)
	defer tick.Stop()
	began := time.Now()
	gone := false // the process was once seen gone or exiting: it does not come back, so neither does exitGrace
	for {
		res, err := f.eng.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
		if err != nil {
			return c, false
		}
		st := res.Container.State
		if st == nil {
			return c, false
		}
		if !st.Running && !st.Restarting {
			return res.Container, true
		}
		if isLoopback(f.ep.Host) && !gone {
			switch processState(st.Pid, res.Container.ID) {
			case procRunning:
				return c, false // the process lives: the connection failed for another reason
			case procGone:
				gone = true
			}
		}
		grace := exitGrace
		if gone {
			grace = goneGrace
		}
		if time.Since(began) >= grace {
			return c, false
		}
		select {
		case <-ctx.Done():
			return c, false
		case <-tick.C:
		}
	}
}

// What /proc says about a container's main process.
type procSeen int

const (
	procUnknown procSeen = iota // not Linux, no pid, or a process of another PID namespace
	procRunning                 // the container's process runs
	procGone                    // no such process, or a zombie: it is exiting
)

// processState reads /proc/<pid> of a container's main process, as a local engine reports it; a process
// whose cgroup does not name the container is another PID namespace's, not the container's.
func processState(pid int, containerID string) procSeen {
	if runtime.GOOS != "linux" || pid <= 0 {
		return procUnknown
	}
	dir := "/proc/" + strconv.Itoa(pid)
	stat, err := os.ReadFile(dir + "/stat")
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ESRCH) {
		return procGone // ESRCH: the process was reaped between the open and the read
	}
	if err != nil {
		return procUnknown
	}
	exiting, ok := statExiting(stat)
	if !ok {
		return procUnknown
	}
	if exiting {
		return procGone
	}
	cg, err := os.ReadFile(dir + "/cgroup")
	if err != nil || !bytes.Contains(cg, []byte(containerID)) {
		return procUnknown
	}
	return procRunning
}

// statExiting reads a /proc/<pid>/stat line: exiting is true for a zombie or dead process and for one
// that has begun to exit (the kernel's PF_EXITING flag). An OOM-killed process closes its sockets while it
// exits, before it is a zombie: the client sees the connection drop while the process still shows as
// running, and only the flag says that it is going (reliability's TestOutOfMemoryNamed failed once in a
// make test on a loaded machine, its OOM taken for a connection dropped for another reason). ok is false
// for a line it cannot read.
func statExiting(stat []byte) (exiting, ok bool) {
	i := bytes.LastIndexByte(stat, ')') // the command name, in parentheses, may hold anything
	if i < 0 {
		return false, false
	}
	// After the name: state ppid pgrp session tty_nr tpgid flags ...
	fields := bytes.Fields(stat[i+1:])
	if len(fields) < 7 || len(fields[0]) != 1 {
		return false, false
	}
	if state := fields[0][0]; state == 'Z' || state == 'X' || state == 'x' {
		return true, true
	}
	flags, err := strconv.ParseUint(string(fields[6]), 10, 64)
	if err != nil {
		return false, false
	}
	const pfExiting = 0x4 // PF_EXITING, include/linux/sched.h
	return flags&pfExiting != 0, true
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
func (f *Function) notReadyExit(ctx context.Context, c container.InspectResponse) error {
	oom := f.eng.OOMKilled(ctx, c)
	err := fmt.Errorf("%w: the container exited with code %d (OOM-killed: %t) before answering%s",
		ErrNotReady, c.State.ExitCode, oom, f.logTail(c.ID))
	if oom {
		return f.outOfMemory(c, err)
	}
	return err
}
