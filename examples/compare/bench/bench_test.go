// Package bench benchmarks the function in ../function in its own container, as a user's module would.
package bench

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/gosebs/sebs/sebstest"
)

// payload asks for the primes below 200,000 (17,984 of them).
var payload = map[string]int{"n": 200_000}

func validate(out json.RawMessage) error {
	var got struct{ Primes int }
	if err := json.Unmarshal(out, &got); err != nil {
		return fmt.Errorf("decode the output %s: %w", out, err)
	}
	if got.Primes != 17_984 {
		return fmt.Errorf("primes below 200000 = %d, want 17984", got.Primes)
	}
	return nil
}

// BenchmarkPrimes builds ../function (at whatever version is checked out), starts it once, and measures
// sequential warm calls: one call per iteration, after a discarded warm-up.
func BenchmarkPrimes(b *testing.B) {
	fn := sebstest.New(b, sebstest.GoFunction("../function"))
	sebstest.Bench(b, []*sebstest.Function{fn}, sebstest.BenchSpec{
		Mode:     sebstest.ModeSequential,
		Payload:  payload,
		Validate: validate,
	})
}
