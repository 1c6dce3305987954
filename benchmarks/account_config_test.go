package benchmarks

import (
	"strings"
	"testing"
	"time"
)

// TestTimeAccountSummary: the summary splits the wall time into its parts, the rest being what none of
// them took, and says nothing for a process that ran no benchmark loop.
func TestTimeAccountSummary(t *testing.T) {
	var a timeAccount
	if s := a.summary(time.Minute); s != "" {
		t.Errorf("no loops run: got %q, want nothing", s)
	}
	a.runs, a.timed, a.inLoop = 3, 40*time.Second, 5*time.Second
	a.starts, a.started = 17, 10*time.Second
	got := a.summary(time.Minute)
	for _, want := range []string{"60.0 s in this process", "40.0 s timed in 3 benchmark loops",
		"10.0 s on 17 function starts", "5.0 s off the clock around and in the loops", "5.0 s the rest"} {
		if !strings.Contains(got, want) {
			t.Errorf("summary %q lacks %q", got, want)
		}
	}
}

// TestTimeAccountStart: a start is counted with the time since it began.
func TestTimeAccountStart(t *testing.T) {
	var a timeAccount
	a.start(time.Now().Add(-2 * time.Second))
	if a.starts != 1 || a.started < 2*time.Second || a.started > time.Minute {
		t.Errorf("after one start begun 2 s ago: %d starts, %v", a.starts, a.started)
	}
}

// TestTimeAccountLoop: a benchmark loop's timed work is what b.Elapsed says, and the time it spent with the
// timer stopped is counted off the clock.
func TestTimeAccountLoop(t *testing.T) {
	var a timeAccount
	n := 0
	testing.Benchmark(func(b *testing.B) {
		a.loop(b, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				time.Sleep(20 * time.Millisecond) // off the clock, as a removal is
				b.StartTimer()
				time.Sleep(10 * time.Millisecond)
			}
			n = b.N
		})
	})
	if a.runs != 1 || n < 1 {
		t.Fatalf("%d loops, %d iterations", a.runs, n)
	}
	if a.timed < time.Duration(n)*10*time.Millisecond {
		t.Errorf("timed %v for %d iterations of 10 ms on the clock", a.timed, n)
	}
	if a.inLoop < time.Duration(n)*20*time.Millisecond {
		t.Errorf("off the clock %v for %d iterations of 20 ms off it", a.inLoop, n)
	}
}
