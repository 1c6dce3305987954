package sebstest_test

import (
	"fmt"
	"testing"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/sebstest"
)

// testLambdaSleep is a test of an AWS Lambda function as it would sit in the function's _test.go file:
// LambdaFunction builds the folder's main package (calling lambda.Start) with AWS's emulator into an image,
// New starts it with the config's memory and timeout, and every result carries what Lambda would report:
// provider execution and initialization times and the billing.
func testLambdaSleep(t testing.TB) {
	fn := sebstest.New(t, sebstest.LambdaFunction("../fixtures/lambda/go/sleep"),
		sebstest.WithConfig(sebs.FunctionConfig{Memory: 512, Timeout: 3}))
	for range 2 {
		res, err := fn.Invoke(t.Context(), map[string]any{"sleep": 0.01})
		if err != nil {
			t.Fatal(err)
		}
		out, err := res.HandlerOutput()
		if err != nil {
			t.Fatal(err)
		}
		fmt.Printf("output %s, cold %v, initialized %v, billed at least the execution %v, %d MB billed\n", out,
			res.Stats.ColdStart, res.ProviderTimes.Initialization > 0,
			*res.Billing.BilledTime*1000 >= res.ProviderTimes.Execution, *res.Billing.Memory)
	}
}

// ExampleLambdaFunction runs testLambdaSleep once, for real (see ExampleNew).
func ExampleLambdaFunction() {
	testing.Benchmark(func(b *testing.B) {
		testLambdaSleep(b)
		b.SkipNow()
	})
	// Output:
	// output {"result":0.01}, cold true, initialized true, billed at least the execution true, 512 MB billed
	// output {"result":0.01}, cold false, initialized false, billed at least the execution true, 512 MB billed
}
