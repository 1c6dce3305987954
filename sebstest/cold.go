package sebstest

import (
	"context"
	"fmt"
	"time"

	"github.com/moby/moby/client"

	"github.com/gosebs/sebs"
)

// ColdMode is how [Function.ColdStart] makes the next invocation cold.
type ColdMode int

const (
	// ColdReplace removes the container and starts a new one from the same image: a new sandbox, as a
	// platform gives a cold invocation. Its phases include create.
	ColdReplace ColdMode = iota
	// ColdRestart restarts the same container: a new process in the same sandbox, faster than a replace.
	ColdRestart
)

// ColdStart forces the next invocation to be cold and returns how long each phase took. With the default
// [ColdReplace] the old container is removed and a new one started and readied; with [ColdRestart] the
// container is restarted with no grace period. The function's URL is updated when the port changes.
func (f *Function) ColdStart(ctx context.Context) (Startup, error) {
	var (
		st  Startup
		err error
	)
	switch f.s.coldMode {
	case ColdRestart:
		st, err = f.restart(ctx)
	default:
		st, err = f.replace(ctx)
	}
	if err != nil {
		return st, fmt.Errorf("sebstest: cold start of %s: %w", f.Name, err)
	}
	f.startup = st
	return st, nil
}

// ColdInvoke forces a cold start, invokes the function once, and checks that the invocation reports
// is_cold. The returned phases include FirstByte: from the start of the cold start to the response's
// first byte.
func (f *Function) ColdInvoke(ctx context.Context, payload any) (*sebs.ExecutionResult, Startup, error) {
	began := time.Now()
	st, err := f.ColdStart(ctx)
	if err != nil {
		return nil, st, err
	}
	called := time.Now()
	res, err := f.Invoke(ctx, payload)
	if err != nil {
		return res, st, err
	}
	st.FirstByte = called.Sub(began) + res.Times.FirstByteDuration()
	f.startup = st
	if !res.Stats.ColdStart {
		return res, st, notColdError(res, f.Name)
	}
	return res, st, nil
}

// notColdError says that the first invocation after a cold start did not report is_cold, and why that
// happens.
func notColdError(res *sebs.ExecutionResult, name string) error {
	return fmt.Errorf("sebstest: invocation %s after a cold start of %s reported is_cold false, so the cold start "+
		"cannot be verified: the function's server does not report the first call of its process as cold "+
		"(upstream SeBS's servers never do; use the warm or sequential mode for them)", res.RequestID, name)
}

func (f *Function) replace(ctx context.Context) (Startup, error) {
	old := f.inst
	if f.mem != nil {
		f.mem.pause()
	}
	f.remove(old)
	inst, err := f.launch(ctx)
	if err != nil {
		f.inst = &instance{id: old.id} // gone; Stop finds nothing to remove
		return Startup{}, err
	}
	f.inst = inst
	f.retarget(inst)
	if err := f.resumeSampling(ctx); err != nil {
		return inst.startup, err
	}
	return inst.startup, nil
}

func (f *Function) restart(ctx context.Context) (Startup, error) {
	inst := f.inst
	if f.mem != nil {
		f.mem.pause()
	}
	zero := 0
	began := time.Now()
	if _, err := f.s.cli.ContainerRestart(ctx, inst.id, client.ContainerRestartOptions{Timeout: &zero}); err != nil {
		return Startup{}, fmt.Errorf("restart container %s: %w", shortID(inst.id), err)
	}
	inst.startup = Startup{Start: time.Since(began)}
	if err := f.awaitReady(ctx, inst); err != nil {
		return Startup{}, err
	}
	f.retarget(inst)
	if err := f.resumeSampling(ctx); err != nil {
		return inst.startup, err
	}
	return inst.startup, nil
}

// retarget points the function's URL and trigger at the instance's published port.
func (f *Function) retarget(inst *instance) {
	f.LocalFunction.InstanceID = inst.id
	f.LocalFunction.Port = inst.port
	f.LocalFunction.URL = inst.url(f.ep)
	tr := f.LocalFunction.HTTPTrigger()
	tr.Close()
	tr.URL = f.LocalFunction.URL
}
