//go:build !unix

package files

import (
	"context"
	"time"
)

// Lock is a no-op where flock is not available; concurrent builds of one function then rely on the
// go command's own atomic writes.
func Lock(string) (func(), error) { return func() {}, nil }

// LockContext is a no-op where flock is not available, as Lock is.
func LockContext(context.Context, string, time.Duration, func(time.Duration)) (func(), error) {
	return func() {}, nil
}
