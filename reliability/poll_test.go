package reliability

import (
	"fmt"
	"time"
)

// pollEvery is how often poll checks its condition.
const pollEvery = 10 * time.Millisecond

// poll calls cond every pollEvery until it reports done or returns an error, or until timeout passes;
// then it returns an error that wraps cond's last error or says what was still not done.
func poll(timeout time.Duration, what string, cond func() (bool, error)) error {
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	for {
		done, err := cond()
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		if done {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: not done after %v", what, timeout)
		}
		<-tick.C
	}
}
