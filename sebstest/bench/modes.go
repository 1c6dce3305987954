package bench

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/sebstest"
)

// outcome is one call as it came back, before it is checked and recorded.
type outcome struct {
	fn   *sebstest.Function
	res  *sebs.ExecutionResult
	err  error
	cold *sebs.Startup // the cold start before the call (cold and burst modes)
}

// run is the benchmark loop of the bencher's mode.
func (bn *bencher) run() {
	switch bn.spec.Mode {
	case ModeCold:
		bn.runCold()
	case ModeBurst:
		bn.runBurst()
	case ModeSequential:
		bn.runSequential()
	default:
		bn.runWarm()
	}
	bn.loopEnd = time.Now()
}

func (bn *bencher) runWarm() {
	fn := bn.fns[0]
	if bn.conc == 1 {
		bn.loopBegin = time.Now()
		for bn.b.Loop() {
			res, err := fn.Invoke(bn.ctx, bn.body)
			bn.finish(outcome{fn: fn, res: res, err: err})
		}
		return
	}
	batch := make([]outcome, bn.conc)
	var wg sync.WaitGroup
	bn.loopBegin = time.Now()
	for bn.b.Loop() {
		for i := 1; i < bn.conc; i++ {
			wg.Go(func() {
				res, err := fn.Invoke(bn.ctx, bn.body)
				batch[i] = outcome{fn: fn, res: res, err: err}
			})
		}
		res, err := fn.Invoke(bn.ctx, bn.body)
		batch[0] = outcome{fn: fn, res: res, err: err}
		wg.Wait()
		for _, o := range batch {
			bn.finish(o)
		}
	}
}

func (bn *bencher) runSequential() {
	fn := bn.fns[0]
	res, err := fn.Invoke(bn.ctx, bn.body)
	if err := bn.check(outcome{fn: fn, res: res, err: err}, "warm-up call"); err != nil {
		bn.b.Fatal(err)
	}
	bn.loopBegin = time.Now()
	for bn.b.Loop() {
		res, err := fn.Invoke(bn.ctx, bn.body)
		bn.finish(outcome{fn: fn, res: res, err: err})
	}
}

// runCold forces a cold start before every call. The old container's removal is off the clock.
func (bn *bencher) runCold() {
	fn := bn.fns[0]
	bn.loopBegin = time.Now()
	for bn.b.Loop() {
		bn.retire()
		res, st, err := fn.ColdInvoke(bn.ctx, bn.body)
		bn.finish(outcome{fn: fn, res: res, err: err, cold: &st})
	}
}

// runBurst cold-starts every function at once, waits until all are ready, then releases all calls at
// once; each call must report is_cold, as in the cold mode. The old containers' removal is off the clock.
func (bn *bencher) runBurst() {
	batch := make([]outcome, len(bn.fns))
	starts := make([]sebs.Startup, len(bn.fns))
	bn.loopBegin = time.Now()
	for bn.b.Loop() {
		bn.retire()
		var ready, done sync.WaitGroup
		gate := make(chan struct{})
		for i, fn := range bn.fns {
			ready.Add(1)
			done.Go(func() {
				began := time.Now()
				st, err := fn.ColdStart(bn.ctx)
				ready.Done()
				<-gate
				starts[i] = st
				batch[i] = outcome{fn: fn, err: err, cold: &starts[i]}
				if err != nil {
					return
				}
				called := time.Now()
				res, err := fn.Invoke(bn.ctx, bn.body)
				if err == nil && !res.Stats.ColdStart {
					err = sebstest.NotColdError(res, fn.Name)
				}
				batch[i].res, batch[i].err = res, err
				if res != nil {
					// Wall clock from the start of the cold start, including the wait for the others.
					starts[i].FirstByte = called.Sub(began) + res.Times.FirstByteDuration()
				}
			})
		}
		ready.Wait()
		close(gate)
		done.Wait()
		for _, o := range batch {
			bn.finish(o)
		}
	}
}

// retire removes the functions' containers before a cold start with the benchmark timer stopped, so an
// iteration times the new containers' create, start and readiness and the calls, not the removal.
func (bn *bencher) retire() {
	bn.b.StopTimer()
	defer bn.b.StartTimer()
	for _, fn := range bn.fns {
		if err := fn.Retire(bn.ctx); err != nil {
			bn.b.Fatal(err)
		}
	}
}

// finish records a call and fails the benchmark when it failed or its output is invalid.
func (bn *bencher) finish(o outcome) {
	err := bn.check(o, "call")
	s := bn.sample(o, err)
	bn.samples = append(bn.samples, s)
	bn.provider.add(bn.spec.Mode, o.res)
	if rerr := bn.spec.Recorder.Record(s, o.res, o.fn.Config.Memory); rerr != nil && err == nil {
		err = rerr
	}
	if err != nil {
		bn.b.Fatal(err)
	}
}

// check returns the call's error, or the validation error of its output, saying what to do.
func (bn *bencher) check(o outcome, what string) error {
	if o.err != nil {
		return fmt.Errorf("bench: %s mode, %s of %s: %w%s", bn.spec.Mode, what, o.fn.Name, o.err, bn.logTail(o.fn))
	}
	if bn.spec.Validate == nil {
		return nil
	}
	out, err := o.res.HandlerOutput()
	if err == nil {
		err = bn.spec.Validate(out)
	}
	if err != nil {
		return fmt.Errorf("bench: %s mode, %s of %s (request %s): invalid output: %w", bn.spec.Mode, what, o.fn.Name, o.res.RequestID, err)
	}
	return nil
}

// logTail returns the function's last log lines for an error message, or "" when there are none.
func (bn *bencher) logTail(fn *sebstest.Function) string {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(bn.ctx), 5*time.Second)
	defer cancel()
	lines, err := fn.Logs(ctx, 10)
	if err != nil || len(lines) == 0 {
		return ""
	}
	return "\ncontainer log (last lines):\n\t" + strings.Join(lines, "\n\t")
}
