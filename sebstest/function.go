package sebstest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/gosebs/sebs"
)

// A Function is a function container started by [Start] or [New]: a [sebs.LocalFunction] (its URL, HTTP
// trigger and JSON) plus what only the Docker side can do: cold starts, memory samples and logs.
//
// Invoke may be called from many goroutines at once; ColdStart and Stop must not run concurrently with
// Invoke.
type Function struct {
	*sebs.LocalFunction

	s       *settings
	spec    imageSpec
	ep      endpoint
	h       *handle
	inst    *instance // the current container
	startup Startup   // phases of the most recent start
	mem     *memoryLog

	stopOnce sync.Once
	stopErr  error
}

// Startup is how long each phase of bringing a function up took.
type Startup struct {
	// Create is the container create call; zero for a restart.
	Create time.Duration
	// Start is the container start (or restart) call.
	Start time.Duration
	// Ready runs from the end of start to the function's first HTTP answer.
	Ready time.Duration
	// FirstByte runs from the beginning of the start to the first byte of the first invocation's
	// response; it is set by [Function.ColdInvoke] only.
	FirstByte time.Duration
}

// Total is the time from the start of create to the function's first answer.
func (s Startup) Total() time.Duration { return s.Create + s.Start + s.Ready }

// Startup returns the phases of the function's most recent start or cold start.
func (f *Function) Startup() Startup { return f.startup }

// ContainerID returns the ID of the function's current container.
func (f *Function) ContainerID() string { return f.inst.id }

// Invoke calls the function through its HTTP trigger. With memory sampling on, the result's
// stats.memory_used is the peak (MiB) sampled during the call, and its detail holds those samples.
func (f *Function) Invoke(ctx context.Context, payload any) (*sebs.ExecutionResult, error) {
	if f.mem == nil {
		return f.LocalFunction.Invoke(ctx, payload)
	}
	began := time.Now()
	res, err := f.LocalFunction.Invoke(ctx, payload)
	if res != nil {
		f.mem.annotate(res, began, time.Now())
	}
	return res, err
}

// Logs returns up to n of the container's last log lines (stdout and stderr).
func (f *Function) Logs(ctx context.Context, n int) ([]string, error) {
	lines, err := containerLogTail(ctx, f.s.cli, f.inst.id, n)
	if err != nil {
		return nil, fmt.Errorf("read logs of container %s: %w", shortID(f.inst.id), err)
	}
	return lines, nil
}

// MemorySamples returns every memory sample taken so far, across cold starts, oldest first; nil when
// sampling is off.
func (f *Function) MemorySamples() []sebs.MemorySample {
	if f.mem == nil {
		return nil
	}
	return f.mem.all()
}

// Stop removes the function's container at once (no grace period), ends memory sampling keeping every
// sample, and closes idle connections. It is safe to call more than once.
func (f *Function) Stop(ctx context.Context) error {
	f.stopOnce.Do(func() {
		if f.mem != nil {
			f.mem.stop()
		}
		f.stopErr = f.LocalFunction.Stop(ctx)
		f.s.close()
	})
	return f.stopErr
}

// handle is the function's [sebs.Container]: it always names the current container, across cold starts.
type handle struct{ f *Function }

func (h *handle) ID() string {
	if h.f.inst == nil {
		return ""
	}
	return h.f.inst.id
}

func (h *handle) Stop(ctx context.Context) error {
	inst := h.f.inst
	if inst == nil {
		return nil
	}
	// Removal must not be abandoned because the caller's context ended (a test's context is cancelled
	// before its cleanup runs): a stop that fails leaves a container running, and Stop is done only once.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), removeTimeout)
	defer cancel()
	if inst.ctr != nil {
		if err := inst.ctr.Terminate(ctx, testcontainersStopNow()...); err != nil && !isGone(err) {
			return fmt.Errorf("remove container %s: %w", shortID(inst.id), err)
		}
		return nil
	}
	return removeByID(ctx, h.f.s.cli, inst.id)
}

var _ sebs.Container = (*handle)(nil)

// removeTimeout bounds the removal of a function's container.
const removeTimeout = time.Minute

// ErrGone is wrapped by [Attach] when the function's container no longer exists or no longer runs.
var ErrGone = errors.New("container is gone")
