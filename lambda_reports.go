package sebs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// LambdaReports matches a Lambda function's REPORT lines to its calls. Write
// the function's log stream into it (it is an io.Writer: a container's
// demultiplexed stdout, say); [LambdaReports.Wait] returns the report of one
// request ID as soon as its line has been written. A [LambdaTrigger] whose
// Reports field is set uses it to fill each result's provider times and
// billing.
//
// Reports nobody asked for are kept until taken, at most
// [MaxPendingLambdaReports] of them (the oldest go first). Lines that are not
// REPORT lines are ignored. A LambdaReports is safe for concurrent use; the
// zero value is ready.
type LambdaReports struct {
	mu      sync.Mutex
	partial []byte                  // the current line, not yet ended by '\n'
	pending map[string]LambdaReport // by request ID
	order   []string                // request IDs of pending, oldest first
	changed chan struct{}           // closed and replaced whenever a report arrives or the stream ends
	ended   error                   // why the stream ended, nil while it runs
	lastErr error                   // the last REPORT line that could not be parsed
}

// MaxPendingLambdaReports bounds the reports a [LambdaReports] keeps for
// request IDs nobody has asked for yet.
const MaxPendingLambdaReports = 4096

// maxPartialLine bounds the unterminated line LambdaReports buffers; a longer
// one keeps only its tail, where a REPORT would be.
const maxPartialLine = 64 << 10

// Write reads complete lines of p (and of earlier writes) for REPORT lines.
// It never fails.
func (r *LambdaReports) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.partial = append(r.partial, p...)
	for {
		i := bytes.IndexByte(r.partial, '\n')
		if i < 0 {
			break
		}
		r.line(string(r.partial[:i]))
		r.partial = r.partial[i+1:]
	}
	if len(r.partial) > maxPartialLine {
		r.partial = append([]byte(nil), r.partial[len(r.partial)-len(reportPrefix)-512:]...)
	}
	return len(p), nil
}

// line handles one complete log line; r.mu is held.
func (r *LambdaReports) line(s string) {
	if !strings.Contains(s, reportPrefix) {
		return
	}
	rep, err := ParseLambdaReport(s)
	if err != nil {
		r.lastErr = err
		return
	}
	if r.pending == nil {
		r.pending = map[string]LambdaReport{}
	}
	if _, dup := r.pending[rep.RequestID]; !dup {
		r.order = append(r.order, rep.RequestID)
	}
	r.pending[rep.RequestID] = rep
	for len(r.pending) > MaxPendingLambdaReports {
		delete(r.pending, r.order[0])
		r.order = r.order[1:]
	}
	r.notify()
}

// notify wakes every waiter; r.mu is held.
func (r *LambdaReports) notify() {
	if r.changed != nil {
		close(r.changed)
		r.changed = nil
	}
}

// Close says the log stream ended, with why (nil for a plain end): waiters
// for reports that have not arrived fail at once instead of at their
// deadline. Reports already written can still be taken.
func (r *LambdaReports) Close(why error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if why == nil {
		why = errors.New("the log stream ended")
	}
	if r.ended == nil {
		r.ended = why
	}
	if len(r.partial) > 0 {
		r.line(string(r.partial))
		r.partial = nil
	}
	r.notify()
}

// Take removes and returns the report of requestID if it has arrived.
func (r *LambdaReports) Take(requestID string) (LambdaReport, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rep, ok := r.take(requestID)
	return rep, ok
}

// take is Take with r.mu held.
func (r *LambdaReports) take(requestID string) (LambdaReport, bool) {
	rep, ok := r.pending[requestID]
	if !ok {
		return LambdaReport{}, false
	}
	delete(r.pending, requestID)
	for i, id := range r.order {
		if id == requestID {
			r.order = append(r.order[:i], r.order[i+1:]...)
			break
		}
	}
	return rep, true
}

// Wait removes and returns the report of requestID, waiting for it until ctx
// is done or the stream is closed. Its error wraps ErrNoReport and says what
// was seen instead.
func (r *LambdaReports) Wait(ctx context.Context, requestID string) (LambdaReport, error) {
	rep, err := r.wait(ctx, requestID)
	if err != nil {
		return rep, fmt.Errorf("%w: %w", ErrNoReport, err)
	}
	return rep, nil
}

// wait is Wait with an error that says why, without ErrNoReport.
func (r *LambdaReports) wait(ctx context.Context, requestID string) (LambdaReport, error) {
	for {
		r.mu.Lock()
		if rep, ok := r.take(requestID); ok {
			r.mu.Unlock()
			return rep, nil
		}
		if r.ended != nil {
			err := r.missing(requestID, r.ended)
			r.mu.Unlock()
			return LambdaReport{}, err
		}
		if r.changed == nil {
			r.changed = make(chan struct{})
		}
		changed := r.changed
		r.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			r.mu.Lock()
			err := r.missing(requestID, context.Cause(ctx))
			r.mu.Unlock()
			return LambdaReport{}, err
		}
	}
}

// missing describes a report that did not come; r.mu is held.
func (r *LambdaReports) missing(requestID string, why error) error {
	err := fmt.Errorf("request %q (%w); %d other reports pending", requestID, why, len(r.pending))
	if r.lastErr != nil {
		err = fmt.Errorf("%w; the last unreadable REPORT line: %w", err, r.lastErr)
	}
	return err
}
