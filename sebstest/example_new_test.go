package sebstest_test

import (
	"fmt"
	"testing"

	"github.com/gosebs/sebs/sebstest"
)

// testSleep is a test as it would sit in your function's _test.go file, there named
// func TestSleep(t *testing.T): New builds the Go function in the folder (a main package on package serve),
// starts it in a container, and removes it when the test ends; the test invokes it and checks the
// handler's output.
func testSleep(t testing.TB) {
	fn := sebstest.New(t, sebstest.GoFunction("../fixtures/go/sleep"))
	res, err := fn.Invoke(t.Context(), map[string]any{"sleep": 0.001})
	if err != nil {
		t.Fatal(err)
	}
	out, err := res.HandlerOutput()
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("cold:", res.Stats.ColdStart)
	fmt.Println("output:", string(out))

	again, err := fn.Invoke(t.Context(), map[string]any{"sleep": 0.001})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("second call cold:", again.Stats.ColdStart)
}

// ExampleNew runs testSleep. go test hands a test its *testing.T; an example borrows a live testing.TB
// from testing.Benchmark instead (and skips the timing loop), so the test runs once, for real.
func ExampleNew() {
	testing.Benchmark(func(b *testing.B) {
		testSleep(b)
		b.SkipNow()
	})
	// Output:
	// cold: true
	// output: {"result":0.001}
	// second call cold: false
}
