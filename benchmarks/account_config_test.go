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
	a.start(time.Now().Add(-10 * time.Second))
	got := a.summary(time.Minute)
	for _, want := range []string{"60.0 s in this process", "40.0 s timed in 3 benchmark loops",
		"on 1 function starts", "5.0 s off the clock in the loops", "5.0 s the rest"} {
		if !strings.Contains(got, want) {
			t.Errorf("summary %q lacks %q", got, want)
		}
	}
	if !strings.Contains(got, "10.0 s on") && !strings.Contains(got, "10.1 s on") {
		t.Errorf("summary %q: the start of about 10 s is not there", got)
	}
}
