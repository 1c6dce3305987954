//go:build unix

package benchmarks

import (
	"syscall"
	"testing"
	"time"
)

// processCPU is the CPU time this process has used so far, user and system, all threads.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cpuMeter measures the client's CPU time per call, which a busy machine moves much less than the wall
// time of a call: the function runs in its container, so what this process spends is the client's (and
// the harness's) own cost. Start one after setup; report it once the calls are done.
type cpuMeter struct{ start time.Duration }

// startCPU starts a cpuMeter.
func startCPU() cpuMeter { return cpuMeter{start: processCPU()} }

// report reports the CPU time since the start per call as cpu-ns/call.
func (m cpuMeter) report(b *testing.B, calls int) {
	if calls > 0 && m.start > 0 {
		b.ReportMetric(float64(processCPU()-m.start)/float64(calls), "cpu-ns/call")
	}
}
