// Package testmain is the TestMain of this repository's packages that start function containers: a thin
// wrapper over sebstest.VerifyTestMain (sweep dead owners' leftovers, fail when a container outlives the
// tests) that also fails the package when a test leaves a goroutine behind.
package testmain

import (
	"fmt"
	"os"
	"testing"

	"go.uber.org/goleak"

	"github.com/gosebs/sebs/sebstest"
)

// LeakIgnores are the goroutines that are not the tests' to end: idle keep-alive connections of the
// Docker client, and Ryuk's connection where Ryuk runs.
func LeakIgnores() []goleak.Option {
	return []goleak.Option{
		goleak.IgnoreAnyFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreAnyFunction("net/http.(*persistConn).writeLoop"),
		goleak.IgnoreAnyFunction("github.com/testcontainers/testcontainers-go.(*Reaper).connect.func1"),
	}
}

// Run runs m under [sebstest.VerifyTestMain] and, when the tests passed, fails the package if a goroutine
// is left. after, when not nil, runs first with the exit code and returns the one to go on with (e.g. to
// write result files): what it ends, such as a Recorder's writer goroutines, is not a leak, and what it
// leaves is. Run does not return.
func Run(m *testing.M, after func(code int) int) {
	sebstest.VerifyTestMain(m, finish(after, func() error { return goleak.Find(LeakIgnores()...) }))
}

// finish is Run's last step: after, then the leak check (leaks) when the code is still 0.
func finish(after func(code int) int, leaks func() error) func(code int) int {
	return func(code int) int {
		if after != nil {
			code = after(code)
		}
		if code == 0 {
			if err := leaks(); err != nil {
				fmt.Fprintln(os.Stderr, "testmain: goroutines left after the tests:", err)
				code = 1
			}
		}
		return code
	}
}
