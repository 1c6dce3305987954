package sebstest

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/moby/moby/client"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/internal/engine"
)

// ColdMode is how [Function.ColdStart] makes the next invocation cold.
type ColdMode string

const (
	// ColdReplace removes the container and starts a new one from the same image: a new sandbox, as a
	// platform gives a cold invocation. Its phases include create. It is the default.
	ColdReplace ColdMode = "replace"
	// ColdRestart restarts the same container: a new process in the same sandbox, faster than a replace.
	ColdRestart ColdMode = "restart"
)

// parseColdMode returns the cold mode named s (case and surrounding space ignored).
func parseColdMode(s string) (ColdMode, error) {
	m := ColdMode(strings.ToLower(strings.TrimSpace(s)))
	if m != ColdReplace && m != ColdRestart {
		return "", fmt.Errorf("unknown cold mode %q: use %q or %q", s, ColdReplace, ColdRestart)
	}
	return m, nil
}

// ColdStart forces the next invocation to be cold and returns how long each phase took. With the default
// [ColdReplace] the old container is removed and a new one started and readied; with [ColdRestart] the
// container is restarted with no grace period. The function's model moves to the new container
// ([sebs.LocalFunction.MoveTo]).
func (f *Function) ColdStart(ctx context.Context) (sebs.Startup, error) {
	if f.isEndpoint() {
		return f.endpointColdStart(ctx)
	}
	f.mem.pause()
	var (
		inst *instance
		err  error
	)
	switch f.s.coldMode {
	case ColdRestart:
		inst, err = f.restart(ctx)
	default:
		inst, err = f.replace(ctx)
	}
	if err != nil {
		return sebs.Startup{}, fmt.Errorf("sebstest: cold start of %s: %w", f.Name, err)
	}
	f.inst, f.startup = inst, inst.startup
	f.LocalFunction.MoveTo(inst.id, inst.url(f.ep), inst.port)
	if err := f.followLambda(inst); err != nil {
		return inst.startup, fmt.Errorf("sebstest: cold start of %s: %w", f.Name, err)
	}
	if err := f.mem.resume(ctx, inst.id); err != nil {
		return inst.startup, fmt.Errorf("sebstest: cold start of %s: %w", f.Name, err)
	}
	return inst.startup, nil
}

// ColdInvoke forces a cold start, invokes the function once, and checks that the invocation reports
// is_cold. The returned phases include FirstByte: from the start of the cold start to the response's
// first byte.
func (f *Function) ColdInvoke(ctx context.Context, payload any) (*sebs.ExecutionResult, sebs.Startup, error) {
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
		return res, st, NotColdError(res, f.Name)
	}
	return res, st, nil
}

// Retire removes the function's container ahead of a cold start, so that a benchmark can leave the removal
// off the clock: the next [Function.ColdStart] (or ColdInvoke) then only creates, starts and readies the
// new one. Until then the function has no container and cannot be invoked. With [ColdRestart] there is
// nothing to remove, and Retire does nothing.
func (f *Function) Retire(ctx context.Context) error {
	if f.s.coldMode == ColdRestart || f.inst == nil || f.inst.retired {
		return nil
	}
	f.mem.pause()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), removeTimeout)
	defer cancel()
	if err := f.removeNow(ctx, f.inst); err != nil {
		return fmt.Errorf("sebstest: retire %s: %w", f.Name, err)
	}
	f.inst = &instance{id: f.inst.id, retired: true}
	return nil
}

// NotColdError says that the first invocation after a cold start of the function name did not report
// is_cold, and why that happens; [Function.ColdInvoke] and the cold benchmark modes return it.
func NotColdError(res *sebs.ExecutionResult, name string) error {
	return fmt.Errorf("sebstest: invocation %s after a cold start of %s reported is_cold false, so the cold start "+
		"cannot be verified: the function's server does not report the first call of its process as cold "+
		"(upstream SeBS's servers never do; use the warm or sequential mode for them)", res.RequestID, name)
}

// replace removes the current container and launches a new one. When the launch fails, the function is
// left with no container (Stop then finds nothing to remove).
func (f *Function) replace(ctx context.Context) (*instance, error) {
	if !f.inst.retired {
		f.remove(f.inst)
	}
	inst, err := f.launch(ctx)
	if err != nil {
		f.inst = &instance{id: f.inst.id, retired: true} // gone
		return nil, err
	}
	return inst, nil
}

// restart restarts the current container with no grace period and waits until it is ready again.
func (f *Function) restart(ctx context.Context) (*instance, error) {
	old := f.inst
	zero := 0
	began := time.Now()
	if _, err := f.eng.ContainerRestart(ctx, old.id, client.ContainerRestartOptions{Timeout: &zero}); err != nil {
		return nil, fmt.Errorf("restart container %s: %w", engine.ShortID(old.id), err)
	}
	inst := &instance{ctr: old.ctr, id: old.id, wait: old.wait, unpublished: old.unpublished, hooks: old.hooks,
		startup: sebs.Startup{Start: time.Since(began)}}
	if err := f.awaitReady(ctx, inst, inst.wait); err != nil {
		return nil, err
	}
	return inst, nil
}
