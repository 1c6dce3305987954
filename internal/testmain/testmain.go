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
// is left. after, when not nil, runs last with the exit code and returns the one to exit with (e.g. to
// write result files). Run does not return.
func Run(m *testing.M, after func(code int) int) {
	sebstest.VerifyTestMain(m, func(code int) int {
		if code == 0 {
			if err := goleak.Find(LeakIgnores()...); err != nil {
				fmt.Fprintln(os.Stderr, "testmain: goroutines left after the tests:", err)
				code = 1
			}
		}
		if after != nil {
			code = after(code)
		}
		return code
	})
}
