package sebs

import (
	"context"
	"time"
)

// callContext bounds one call by a trigger's Timeout: a child of ctx that ends after timeout, or ctx itself
// when timeout is 0 or ctx's own deadline comes no later (the child would end with ctx anyway). Using ctx
// itself costs nothing, where a child costs a timer, a context, its channel and the map its own children go
// into (issue 16: 7 allocations and 670 bytes a call). So a caller that invokes many times can bound its calls
// with one reusable deadline (as package bench does), and the trigger adds no context of its own.
func callContext(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	if timeout <= 0 {
		return ctx, noCancel
	}
	if d, ok := ctx.Deadline(); ok && time.Until(d) <= timeout {
		return ctx, noCancel
	}
	return context.WithTimeout(ctx, timeout)
}

// noCancel is callContext's cancel when it made no context.
func noCancel() {}
