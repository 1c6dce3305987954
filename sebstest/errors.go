package sebstest

import (
	"errors"
	"strings"
)

// ErrNotReady is wrapped by a start or cold start that failed because the function never answered: its
// container exited first (the error gives the exit code and whether it was OOM-killed), or the readiness
// wait timed out. The error carries the container's last log lines.
var ErrNotReady = errors.New("function did not answer")

// ErrOutOfMemory is wrapped when the kernel killed a function's process for using more memory than its
// container's limit (the function config's Memory): by an invocation that lost its connection because
// of it (the error also matches the invocation's own kind, sebs.ErrConnection), and by a start or cold
// start whose container was killed before it answered (also [ErrNotReady]). The message names the limit.
var ErrOutOfMemory = errors.New("function ran out of memory")

// ErrGone is wrapped by [Attach] when the function's container no longer exists or no longer runs, and by
// [Function.Invoke] on a function that was stopped or retired (with [sebs.ErrConnection]): nothing is sent,
// since its old address may already belong to another container.
var ErrGone = errors.New("container is gone")

// reaperHint explains a failure to start testcontainers-go's reaper (Ryuk), whose image must be pulled from a
// registry: where none is reachable, every container start fails with it. It returns "" for other errors.
func reaperHint(err error) string {
	if err == nil || !strings.Contains(err.Error(), "reaper") {
		return ""
	}
	return "\n(testcontainers' reaper, Ryuk, could not start, most often because its image cannot be pulled. Set " +
		"TESTCONTAINERS_RYUK_DISABLED=true, as the Makefile does: sebstest's labels and sweep remove " +
		"what a killed test run leaves behind, without Ryuk)"
}
