//go:build !unix

package files

import (
	"context"
	"time"
)

// LockContext is a no-op where flock is not available, as Lock is.
func LockContext(context.Context, string, time.Duration, func(time.Duration)) (func(), error) {
	return func() {}, nil
}
