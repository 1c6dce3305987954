package sebstest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/internal/engine"
)

// A Function is a function container started by [Start] or [New]: a [sebs.LocalFunction] (its URL, HTTP
// trigger and JSON) plus what only the Docker side can do: cold starts, memory samples, logs and removal.
// The model's container fields (InstanceID, URL, Port) follow every cold start; the LocalFunction holds no
// Container of its own: the Function removes its containers itself, in [Function.Stop].
//
// Invoke may be called from many goroutines at once; ColdStart and Stop must not run concurrently with
// Invoke.
type Function struct {
	*sebs.LocalFunction

	eng     *engine.Engine // the function's one Docker client, closed by Stop
	s       *settings
	spec    spec
	ep      engine.Endpoint
	inst    *instance    // the current container
	startup sebs.Startup // phases of the most recent start
	mem     *memoryLog   // nil when memory is not sampled
	egress  *egress      // issue 10: the network and forwarder of WithoutEgress (egress.go); nil otherwise
	lambda  *lambdaRun   // an AWS Lambda function's trigger and log follower (lambda_run.go), or nil
	// unpublished: containers are created without a published port, to be invoked on their bridge
	// address (issue 16, publish.go).
	unpublished atomic.Bool

	stopOnce sync.Once
	stopped  atomic.Bool // Stop began: Invoke sends nothing
	stopErr  error
}

// Startup returns the phases of the function's most recent start or cold start.
func (f *Function) Startup() sebs.Startup { return f.startup }

// ContainerID returns the ID of the function's current container; "" for an [Endpoint].
func (f *Function) ContainerID() string {
	if f.inst == nil {
		return ""
	}
	return f.inst.id
}

// Invoke calls the function through its HTTP trigger (a Lambda function: its [sebs.LambdaTrigger]). With
// memory sampling on, the result's stats.memory_used is the peak (MiB) sampled during the call, and its detail
// holds those samples. When the call lost its connection because the container was OOM-killed, the error also
// wraps [ErrOutOfMemory] and names the memory limit.
func (f *Function) Invoke(ctx context.Context, payload any) (*sebs.ExecutionResult, error) {
	if err := f.noContainer(); err != nil {
		return nil, err
	}
	invoke := f.LocalFunction.Invoke
	if f.lambda != nil {
		invoke = f.invokeLambda
	}
	began := time.Now()
	res, err := invoke(ctx, payload)
	if res != nil && f.mem != nil {
		f.mem.annotate(res, began, time.Now())
	}
	f.noteAddress(res)                            // issue 16 (address.go)
	return res, f.explainFailure(ctx, began, err) // issue 10: an OOM kill is named (oom.go)
}

// Timeout returns the bound its trigger puts on each call (0: none): the HTTP trigger's Timeout (from the
// function's config, unless changed since), or for an AWS Lambda function its trigger's, which adds the
// emulator's grace. A ctx whose deadline comes no later bounds the call alone; package bench gives each of its
// callers one such deadline that it reuses from call to call.
func (f *Function) Timeout() time.Duration {
	if f.lambda != nil {
		return f.lambda.trigger.Timeout
	}
	return f.HTTPTrigger().Timeout
}

// noContainer returns why a call would reach no container of the function, or nil. Nothing is sent then:
// after Stop or Retire its bridge address or port may already belong to another container (a parallel
// test's, of the same image even), and a container known to have exited (oom.go) answers no more.
func (f *Function) noContainer() error {
	if f.stopped.Load() || f.inst != nil && f.inst.retired {
		return fmt.Errorf("sebstest: invoke %s: %w: %w (after Stop or Retire, start it again with ColdStart, or use a new Function)",
			f.Name, sebs.ErrConnection, ErrGone)
	}
	if f.inst != nil {
		if n := f.inst.exited.Load(); n != nil {
			return n.err
		}
	}
	return nil
}

// Logs returns up to n of the container's last log lines (stdout and stderr).
func (f *Function) Logs(ctx context.Context, n int) ([]string, error) {
	if f.isEndpoint() {
		return nil, fmt.Errorf("sebstest: logs of %s: %w", f.Name, ErrNoContainer)
	}
	return f.eng.LogTail(ctx, f.inst.id, n)
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
// sample, closes idle connections and the function's Docker client. It is safe to call more than once;
// every call returns the first one's result. Removal goes on when ctx is already cancelled (a test's
// context ends before its cleanup runs): a stop that gave up would leave a container running.
func (f *Function) Stop(ctx context.Context) error {
	f.stopOnce.Do(func() {
		f.stopped.Store(true)
		f.mem.pause()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), removeTimeout)
		defer cancel()
		var errs []error
		if f.inst != nil && !f.inst.retired {
			errs = append(errs, f.removeNow(ctx, f.inst))
		}
		errs = append(errs, f.closeEgress(ctx)) // issue 10: after the container, which is on the network
		f.lambda.stop()
		errs = append(errs, f.LocalFunction.Stop(ctx))
		if f.spec.cleanup != nil {
			errs = append(errs, f.spec.cleanup())
		}
		if !f.isEndpoint() {
			_ = f.eng.Close()
		}
		if err := errors.Join(errs...); err != nil {
			f.stopErr = fmt.Errorf("sebstest: stop %s: %w", f.Name, err)
		}
	})
	return f.stopErr
}
