// Command function is a serverless function on github.com/gosebs/sebs/serve: given {"n": N} it returns
// how many primes there are below N (countPrimes, in primes.go).
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
