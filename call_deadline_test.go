package sebs

import (
	"context"
	"testing"
	"time"
)

// TestCallContext checks when a trigger bounds a call with a context of its own: only when it has a timeout
// and the caller's context does not end first.
func TestCallContext(t *testing.T) {
	const timeout = time.Minute
	soon, cancelSoon := context.WithTimeout(t.Context(), timeout/2)
	defer cancelSoon()
	late, cancelLate := context.WithTimeout(t.Context(), 2*timeout)
	defer cancelLate()
	for _, tc := range []struct {
		name    string
		ctx     context.Context
		timeout time.Duration
		own     bool // a context of the trigger's own, ending after timeout
	}{
		{"no timeout", t.Context(), 0, false},
		{"no timeout, a deadline", soon, 0, false},
		{"the caller's deadline first", soon, timeout, false},
		{"no deadline", t.Context(), timeout, true},
		{"the timeout first", late, timeout, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := callContext(tc.ctx, tc.timeout)
			if !tc.own {
				cancel()
				if ctx != tc.ctx || ctx.Err() != nil {
					t.Errorf("got a context of the trigger's own (or canceled the caller's), want the caller's as it is")
				}
				return
			}
			if ctx == tc.ctx {
				t.Fatal("got the caller's context, want one that ends after the timeout")
			}
			d, ok := ctx.Deadline()
			if left := time.Until(d); !ok || left > timeout || left < timeout-time.Second {
				t.Errorf("deadline %v away (set: %t), want %v", left, ok, timeout)
			}
			cancel()
			if ctx.Err() == nil || tc.ctx.Err() != nil {
				t.Errorf("cancel: the call's context says %v, the caller's %v; want the call's canceled alone", ctx.Err(), tc.ctx.Err())
			}
		})
	}
}
