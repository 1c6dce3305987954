package benchmarks

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gosebs/sebs/sebstest"
	"github.com/gosebs/sebs/sebstest/bench"
)

// timeAccount is where a suite process's wall time went, printed when the process ends (issue 16: make
// bench reports where the time the benchmarks do not measure goes). It is safe for concurrent use.
type timeAccount struct {
	mu      sync.Mutex
	runs    int           // benchmark loops (bench.Run calls)
	timed   time.Duration // their timed work: b.Elapsed once each returned
	inLoop  time.Duration // the rest of their wall time: off the clock in the loops (removals), warm-up, metrics
	starts  int           // functions started
	started time.Duration // the time they took: building or checking images, first containers
}

// run is bench.Run, accounted.
func (a *timeAccount) run(b *testing.B, fns []*sebstest.Function, spec bench.Spec) {
	a.loop(b, func(b *testing.B) { bench.Run(b, fns, spec) })
}

// loop runs a benchmark loop, f, and accounts for its wall time: what b.Elapsed says it timed, and the rest.
func (a *timeAccount) loop(b *testing.B, f func(*testing.B)) {
	began := time.Now()
	f(b)
	wall, timed := time.Since(began), b.Elapsed()
	a.mu.Lock()
	defer a.mu.Unlock()
	a.runs++
	a.timed += timed
	a.inLoop += max(wall-timed, 0)
}

// start notes a function start that began at began and has just ended (defer it).
func (a *timeAccount) start(began time.Time) {
	d := time.Since(began)
	a.mu.Lock()
	defer a.mu.Unlock()
	a.starts++
	a.started += d
}

// summary says where the wall time of a process that has run for wall went, or "" when it ran no
// benchmark through the account.
func (a *timeAccount) summary(wall time.Duration) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.runs == 0 {
		return ""
	}
	rest := max(wall-a.timed-a.inLoop-a.started, 0)
	return fmt.Sprintf("benchmarks: %s in this process: %s timed in %d benchmark loops, %s on %d function starts "+
		"(building or checking images, first containers), %s off the clock around and in the loops (removing cold and "+
		"burst modes' old containers, warm-up calls, metrics), %s the rest (removing functions, result files, "+
		"sweeping and leak checks)",
		seconds(wall), seconds(a.timed), a.runs, seconds(a.started), a.starts, seconds(a.inLoop), seconds(rest))
}

// seconds formats d as seconds with one decimal.
func seconds(d time.Duration) string { return fmt.Sprintf("%.1f s", d.Seconds()) }
