package bench

import (
	"context"
	"errors"
	"math"
	"time"
)

// callDeadline bounds one caller's calls, one after another, by the function's timeout with one timer and one
// context for all of them (issue 16). Each call's context reports its own deadline, so the trigger adds no
// timeout context of its own, which cost 7 allocations, a new timer and a new context a call. A call that
// overruns cancels the shared context with context.DeadlineExceeded as its cause; its context then says
// DeadlineExceeded, so the trigger reports a timeout, as its own timeout context would have. The next call
// gets a fresh context.
//
// A callDeadline is for one goroutine: begin, end and close must not run concurrently.
type callDeadline struct {
	parent  context.Context
	timeout time.Duration
	ctx     context.Context // child of parent, canceled by timer when a call overruns
	cancel  context.CancelCauseFunc
	timer   *time.Timer // stopped between calls
}

// newCallDeadline returns the deadline keeper of a caller whose calls run under parent, bounded by timeout
// (0: no bound but parent's). Its context is the caller's own even then: the transport files each call's
// context in it, and callers that shared one context would all take its lock.
func newCallDeadline(parent context.Context, timeout time.Duration) *callDeadline {
	d := &callDeadline{parent: parent, timeout: timeout}
	d.renew()
	return d
}

// renew makes the context (and with a timeout the timer) of the calls to come: after a timer ran, the old
// context is canceled.
func (d *callDeadline) renew() {
	ctx, cancel := context.WithCancelCause(d.parent)
	d.ctx, d.cancel = ctx, cancel
	if d.timeout > 0 {
		d.timer = time.AfterFunc(math.MaxInt64, func() { cancel(context.DeadlineExceeded) })
		d.timer.Stop()
	}
}

// begin starts one call's clock and returns the context to make it under.
func (d *callDeadline) begin() context.Context {
	if d.timeout <= 0 {
		return d.ctx
	}
	d.timer.Reset(d.timeout)
	return &deadlineContext{Context: d.ctx, deadline: time.Now().Add(d.timeout)}
}

// end stops the clock of the call begin started. When the timer ran first (the call overran, or returned as
// it fired), its context is canceled and the next call gets a new one.
func (d *callDeadline) end() {
	if d.timeout > 0 && !d.timer.Stop() {
		d.renew()
	}
}

// close releases the timer and the context.
func (d *callDeadline) close() {
	if d.timer != nil {
		d.timer.Stop()
	}
	d.cancel(nil) // the context is filed in parent's until canceled
}

// deadlineContext is a call's context: the caller's shared context, with the call's own deadline, and
// context.DeadlineExceeded as its error when the timer canceled it. Done and Value are the shared context's,
// so net/http's transport takes it for the cancelCtx it is and files its own child there, without a
// goroutine.
type deadlineContext struct {
	context.Context
	deadline time.Time
}

// Deadline returns the call's deadline.
func (c *deadlineContext) Deadline() (time.Time, bool) { return c.deadline, true }

// Err returns context.DeadlineExceeded when the call's timer canceled the context, else the shared
// context's error.
func (c *deadlineContext) Err() error {
	err := c.Context.Err()
	if err != nil && errors.Is(context.Cause(c.Context), context.DeadlineExceeded) {
		return context.DeadlineExceeded
	}
	return err
}
