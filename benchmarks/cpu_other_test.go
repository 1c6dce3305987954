//go:build !unix

package benchmarks

import "testing"

// cpuMeter reports nothing where getrusage(2) is missing.
type cpuMeter struct{}

func startCPU() cpuMeter                        { return cpuMeter{} }
func (cpuMeter) report(b *testing.B, calls int) {}
