//go:build unix

package files

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

// Lock takes an exclusive lock on path (created if missing), waiting for other holders, across
// processes. The returned function releases it.
func Lock(path string) (func(), error) {
	f, err := openLock(path)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return release(f), nil
}

// lockPoll is how often LockContext tries again while another process holds the lock.
const lockPoll = 100 * time.Millisecond

// LockContext is Lock that gives up when ctx ends. While another process holds the lock it calls waiting,
// if not nil, at once and then every `every` with the time waited so far, so a long wait (another process
// building what this one needs) shows as progress.
func LockContext(ctx context.Context, path string, every time.Duration, waiting func(waited time.Duration)) (func(), error) {
	f, err := openLock(path)
	if err != nil {
		return nil, err
	}
	began := time.Now()
	var told time.Time
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return release(f), nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if waiting != nil && (told.IsZero() || time.Since(told) >= every) {
			told = time.Now()
			waiting(time.Since(began))
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("lock %s: gave up after %s: %w", path, time.Since(began).Round(time.Millisecond), ctx.Err())
		case <-time.After(lockPoll):
		}
	}
}

// openLock opens (creating if missing) the file a lock is taken on.
func openLock(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	return f, nil
}

// release returns the function that unlocks f and closes it.
func release(f *os.File) func() {
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}
}
