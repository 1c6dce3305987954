package serve

import "context"

type requestIDKey struct{}

// RequestID returns the request id (a uuid4) the server made for the invocation whose context is ctx, the
// same id it sends back as request_id, or "" if ctx does not come from a [Server] invocation.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}
