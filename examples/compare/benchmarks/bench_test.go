// Package benchmarks benchmarks the function in ../function in its own container, as a user's module
// would.
package benchmarks

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/gosebs/sebs/sebstest"
	"github.com/gosebs/sebs/sebstest/bench"
)

// payload asks for the primes below 50,000 (5,133 of them).
var payload = map[string]int{"n": 50_000}

func validate(out json.RawMessage) error {
	var got struct{ Primes int }
	if err := json.Unmarshal(out, &got); err != nil {
		return fmt.Errorf("decode the output %s: %w", out, err)
	}
	if got.Primes != 5_133 {
		return fmt.Errorf("primes below 50000 = %d, want 5133", got.Primes)
	}
	return nil
}

// BenchmarkPrimes builds ../function (at whatever version is checked out), starts it once, and measures
// sequential warm calls: one call per iteration, after a discarded warm-up.
func BenchmarkPrimes(b *testing.B) {
	fn := sebstest.New(b, sebstest.GoFunction("../function"))
	bench.Run(b, []*sebstest.Function{fn}, bench.Spec{
		Mode:     bench.ModeSequential,
		Payload:  payload,
		Validate: validate,
	})
}
