// Command slower is the function of ../../function written by trial division: same answers, more work.
// compare.sh copies it over function/main.go to play a pull request that slows the function down.
package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/gosebs/sebs/serve"
)

type event struct {
	N int `json:"n"`
}

func main() {
	serve.Main(func(ctx context.Context, raw json.RawMessage) (any, error) {
		var ev event
		if err := json.Unmarshal(raw, &ev); err != nil {
			return nil, fmt.Errorf("event must be {\"n\": <int>}: %w", err)
		}
		if ev.N < 2 || ev.N > 10_000_000 {
			return nil, fmt.Errorf("n must be in 2..10000000, got %d", ev.N)
		}
		return map[string]int{"primes": countPrimes(ev.N)}, nil
	})
}

// countPrimes counts the primes below n by trial division.
func countPrimes(n int) int {
	count := 0
	for i := 2; i < n; i++ {
		prime := true
		for d := 2; d*d <= i; d++ {
			if i%d == 0 {
				prime = false
				break
			}
		}
		if prime {
			count++
		}
	}
	return count
}
