//go:build unix

package benchmarks

import (
	"syscall"
	"testing"
	"time"
)

// processUsage is the CPU time this process has used so far (user and system, all threads) and its minor
// page faults (memory it touched for the first time).
func processUsage() (time.Duration, int64) {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0, 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), int64(ru.Minflt)
}

// cpuMeter measures the client's CPU time per call, which a busy machine moves much less than the wall
// time of a call: the function runs in its container, so what this process spends is the client's (and
// the harness's) own cost. Its page faults per call say how much of that went to memory new to the
// process (which costs more than reused memory on a virtual machine). Start one after setup; report it
// once the calls are done.
type cpuMeter struct {
	start  time.Duration
	faults int64
}

// startCPU starts a cpuMeter.
func startCPU() cpuMeter {
	cpu, faults := processUsage()
	return cpuMeter{start: cpu, faults: faults}
}

// report reports the CPU time since the start per call as cpu-ns/call, and the minor page faults per call
// as faults/call.
func (m cpuMeter) report(b *testing.B, calls int) {
	if calls > 0 && m.start > 0 {
		cpu, faults := processUsage()
		b.ReportMetric(float64(cpu-m.start)/float64(calls), "cpu-ns/call")
		b.ReportMetric(float64(faults-m.faults)/float64(calls), "faults/call")
	}
}
