//go:build ignore

// A change to ../function/primes.go for compare.sh: the same answers by trial division, which does more
// work than the sieve. The build line above keeps it out of the module; compare.sh drops it when it copies
// the file over.

package main

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
