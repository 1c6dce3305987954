package sebs_test

import (
	"fmt"

	"github.com/gosebs/sebs"
)

// A REPORT line of AWS's Lambda Runtime Interface Emulator fills the provider times, the billing and the
// cold-start flag, as upstream SeBS fills them on AWS.
func ExampleParseLambdaReport() {
	line := "REPORT RequestId: 8f5e\tInit Duration: 0.09 ms\tDuration: 10.48 ms\tBilled Duration: 11 ms\tMemory Size: 128 MB\tMax Memory Used: 128 MB\t"
	rep, err := sebs.ParseLambdaReport(line)
	if err != nil {
		fmt.Println(err)
		return
	}
	var res sebs.ExecutionResult
	if err := rep.Apply(&res); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("execution µs:", res.ProviderTimes.Execution, "init µs:", res.ProviderTimes.Initialization, "cold:", res.Stats.ColdStart)
	fmt.Println("billed ms:", *res.Billing.BilledTime, "memory MB:", *res.Billing.Memory, "GB-s:", res.Billing.GBSeconds)
	// Output:
	// execution µs: 10480 init µs: 90 cold: true
	// billed ms: 11 memory MB: 128 GB-s: 0.001375
}
