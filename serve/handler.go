package serve

import (
	"context"
	"encoding/json"
)

// Handler is a serverless function: it receives the request's JSON body as event and returns a value that is
// encoded with encoding/json under result.output, or an error that is reported as a 500 with its message.
// ctx is the HTTP request's context: it ends when the client goes away or the server is forced to close.
type Handler func(ctx context.Context, event json.RawMessage) (any, error)
