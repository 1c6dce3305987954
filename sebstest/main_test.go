package sebstest

import (
	"fmt"
	"os"
	"testing"

	"go.uber.org/goleak"
)

// TestMain runs the package's tests under VerifyTestMain (sweep before, no container left after) and fails
// the package when a test leaves a goroutine behind. The Docker client's idle connections are not ours to
// close. (The package cannot use internal/testmain, which imports it.)
func TestMain(m *testing.M) {
	VerifyTestMain(m, func(code int) int {
		if code != 0 {
			return code
		}
		if err := goleak.Find(
			goleak.IgnoreAnyFunction("net/http.(*persistConn).readLoop"),
			goleak.IgnoreAnyFunction("net/http.(*persistConn).writeLoop"),
			goleak.IgnoreAnyFunction("github.com/testcontainers/testcontainers-go.(*Reaper).connect.func1"),
		); err != nil {
			fmt.Fprintln(os.Stderr, "goroutines left after the tests:", err)
			return 1
		}
		return 0
	})
}
