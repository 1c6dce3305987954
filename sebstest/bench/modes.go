package bench

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
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

// run is the benchmark loop of the bencher's mode. It returns the first failure, which ends the loop;
// Run reports it, so the failure names the benchmark's line, not one in this package.
func (bn *bencher) run() error {
	defer func() { bn.loopEnd = time.Now() }()
	switch bn.spec.Mode {
	case ModeCold:
		return bn.runCold()
	case ModeBurst:
		return bn.runBurst()
	case ModeSequential:
		return bn.runSequential()
	default:
		return bn.runWarm()
	}
}

func (bn *bencher) runWarm() error {
	fn := bn.fns[0]
	if err := bn.discardFirstCall(fn); err != nil {
		return err
	}
	if bn.conc == 1 {
		return bn.runOneCaller(fn)
	}
	return bn.runWarmCallers(fn)
}

func (bn *bencher) runSequential() error {
	fn := bn.fns[0]
	res, err := fn.Invoke(bn.ctx, bn.body)
	if err := bn.check(outcome{fn: fn, res: res, err: err}, "warm-up call"); err != nil {
		return err
	}
	return bn.runOneCaller(fn)
}

// runOneCaller calls fn once per iteration and counts and logs each call (finish) before the next. Handing
// the bookkeeping to another goroutine, as runWarmCallers does, measured slower here: two goroutine
// hand-offs a call cost more than the validation and bookkeeping they take off the caller's path.
func (bn *bencher) runOneCaller(fn *sebstest.Function) error {
	dl := newCallDeadline(bn.ctx, fn.Timeout())
	defer dl.close()
	bn.loopBegin = time.Now()
	for bn.b.Loop() {
		res, err := fn.Invoke(dl.begin(), bn.body)
		dl.end()
		if err := bn.finish(outcome{fn: fn, res: res, err: err}); err != nil {
			return err
		}
	}
	return nil
}

// runWarmCallers keeps bn.conc calls under way, as a load generator does: bn.conc callers, each calling
// again as soon as its call returns, with no barrier between iterations (an iteration hands out bn.conc
// calls, so ns/op is the time of bn.conc calls at that concurrency). Each caller validates, counts and logs
// its own calls (finish, safe for concurrent use): a single goroutine doing that for all of them, one more
// goroutine among 64 callers on 2 cores, fell behind and held them up. The calls handed out before the
// loop ended finish on the clock; the first failure stops the callers (at most the calls under way and
// one handed out per caller still complete) and is returned.
func (bn *bencher) runWarmCallers(fn *sebstest.Function) error {
	calls := make(chan struct{}, bn.conc)
	failed := make(chan error, 1)
	var stopped atomic.Bool
	var callers sync.WaitGroup
	timeout := fn.Timeout()
	for range bn.conc {
		callers.Go(func() {
			// Each caller makes its calls under its own context (deadline.go), in which the transport files
			// each call's context: under bn.ctx, all callers would take its one lock for every call (issue 16:
			// a mutex profile of BenchmarkLoadOverhead showed it).
			dl := newCallDeadline(bn.ctx, timeout)
			defer dl.close()
			for range calls {
				if stopped.Load() {
					continue // drain: a call already failed
				}
				res, err := fn.Invoke(dl.begin(), bn.body)
				dl.end()
				if err := bn.finish(outcome{fn: fn, res: res, err: err}); err != nil && !stopped.Swap(true) {
					failed <- err
				}
			}
		})
	}
	var err error
	bn.loopBegin = time.Now()
loop:
	for bn.b.Loop() {
		for range bn.conc {
			select {
			case calls <- struct{}{}:
			case err = <-failed:
				break loop
			}
		}
	}
	bn.b.StartTimer() // the loop stopped the clock; the calls under way belong to it
	close(calls)
	callers.Wait()
	bn.b.StopTimer()
	if err == nil {
		select {
		case err = <-failed:
		default:
		}
	}
	return err
}

// discardFirstCall makes one call before the warm loop, and leaves it out of every metric and file,
// when the function's server cannot say which call is cold (upstream's reports is_cold false always):
// that first call imports the function. It counts in cold-excluded.
func (bn *bencher) discardFirstCall(fn *sebstest.Function) error {
	if fn.ReportsCold() {
		return nil
	}
	res, err := fn.Invoke(bn.ctx, bn.body)
	if err := bn.check(outcome{fn: fn, res: res, err: err}, "first call (discarded)"); err != nil {
		return err
	}
	bn.coldExcluded++
	bn.logf("bench: warm mode: %s cannot report is_cold (upstream's server says false always), so its first call, "+
		"which imports the function, was discarded and counted in cold-excluded", fn.Name)
	return nil
}

// runCold forces a cold start before every call. The old container's removal is off the clock.
func (bn *bencher) runCold() error {
	fn := bn.fns[0]
	bn.loopBegin = time.Now()
	for bn.b.Loop() {
		if err := bn.retire(); err != nil {
			return err
		}
		res, st, err := fn.ColdInvoke(bn.ctx, bn.body)
		if err := bn.finish(outcome{fn: fn, res: res, err: err, cold: &st}); err != nil {
			return err
		}
	}
	return nil
}

// runBurst cold-starts every function at once, waits until all are ready, then releases all calls at
// once; each call must report is_cold, as in the cold mode. The old containers' removal is off the clock.
func (bn *bencher) runBurst() error {
	batch := make([]outcome, len(bn.fns))
	starts := make([]sebs.Startup, len(bn.fns))
	bn.loopBegin = time.Now()
	for bn.b.Loop() {
		if err := bn.retire(); err != nil {
			return err
		}
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
		if err := bn.finishAll(batch); err != nil {
			return err
		}
	}
	return nil
}

// retire removes the functions' containers before a cold start with the benchmark timer stopped, so an
// iteration times the new containers' create, start and readiness and the calls, not the removal. The
// removals run at once (issue 16: a burst's took one removal time each, one after the other); nothing is
// timed while they run, and the timer starts again only when every one has finished.
func (bn *bencher) retire() error {
	bn.b.StopTimer()
	defer bn.b.StartTimer()
	errs := make([]error, len(bn.fns))
	var wg sync.WaitGroup
	for i, fn := range bn.fns {
		wg.Go(func() { errs[i] = fn.Retire(bn.ctx) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// finish counts a call, logs it for the Recorder (callLog), and returns its error, or its output's
// validation error, or the Recorder's when the call filled the log. It is safe for concurrent use: the
// validation, the sample and the snapshot are made in the caller's goroutine, and only the tallies and
// the copy into the log take the bencher's lock.
func (bn *bencher) finish(o outcome) error {
	err := bn.check(o, "call")
	s := bn.sample(o, err)
	rec := bn.spec.Recorder
	var entry *[]byte
	var object *loggedCall // a call the snapshot could not hold (rare)
	if rec != nil {
		fn, recorded := bn.index(o.fn), time.Now()
		entry = linePool.Get().(*[]byte)
		defer putLine(entry)
		var ok bool
		if *entry, ok = snapshotCall((*entry)[:0], fn, recorded, &s, o.res); !ok {
			entry, object = nil, &loggedCall{sample: s, res: o.res, fn: fn, recorded: recorded}
		}
	}
	var full callLog
	replay := false
	bn.mu.Lock()
	bn.tally.add(&s, bn.spec.Mode == ModeWarm)
	bn.provider.add(bn.spec.Mode, o.res)
	if rec != nil {
		if entry != nil {
			bn.log.add(*entry, &rec.logBlocks)
		} else {
			bn.log.addObject(*object, &rec.logBlocks)
		}
		if bn.log.full(rec.logLimit) {
			full, bn.log, replay = bn.log, callLog{}, true
			// One replay at a time, in the order the logs filled: taken before the lock is let go, so a
			// log that fills during this replay waits for it rather than interleaving with it.
			bn.replaying.Lock()
		}
	}
	bn.mu.Unlock()
	if replay {
		rerr := bn.record(&full)
		bn.replaying.Unlock()
		if rerr != nil && err == nil {
			err = rerr
		}
	}
	return err
}

// record hands the calls of log to the Recorder, in the order they finished, and empties it.
func (bn *bencher) record(log *callLog) error {
	rec := bn.spec.Recorder
	if rec == nil {
		return nil
	}
	return log.replay(&rec.logBlocks, func(fn int, recorded time.Time, s sebs.Sample, res *sebs.ExecutionResult) error {
		return rec.record(s, res, bn.fns[fn].Config, recorded)
	})
}

// recordLoop hands the loop's log to the Recorder once the loop has ended (off the clock), and waits until
// the Recorder has written what it handed to its files' writers, so that their writing does not go on
// into the next loop.
func (bn *bencher) recordLoop() error {
	err := bn.record(&bn.log)
	bn.spec.Recorder.writeOut()
	return err
}

// index returns fn's index in the bencher's functions.
func (bn *bencher) index(fn *sebstest.Function) int {
	for i, f := range bn.fns {
		if f == fn {
			return i
		}
	}
	panic("bench: a call of a function not given to Run") // outcomes only come from bn.fns
}

// finishAll finishes every call of a batch and returns the first error.
func (bn *bencher) finishAll(batch []outcome) error {
	var first error
	for _, o := range batch {
		if err := bn.finish(o); err != nil && first == nil {
			first = err
		}
	}
	return first
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
