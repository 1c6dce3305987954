package reliability

import (
	"sync"
	"testing"

	"github.com/gosebs/sebs"
)

// outcome is one call of a mixed run, as a results collector keeps it.
type outcome struct {
	ok  bool // the call was meant to succeed
	res *sebs.ExecutionResult
	err error
}

// collector keeps every outcome of a run, from many goroutines.
type collector struct {
	mu  sync.Mutex
	all []outcome
}

func (c *collector) add(o outcome) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.all = append(c.all, o)
}

// mixedFaults are the faults interleaved with good calls in TestFaultResultsKept.
var mixedFaults = []map[string]any{
	{"fault": "bad-json"},
	{"fault": "status-500"},
	{"fault": "missing-request-id"},
	{"fault": "missing-is-cold"},
	{"fault": "huge-body", "bytes": 2 * faultMaxBody},
	{"fault": "hang", "seconds": 30},
}

// TestFaultResultsKept runs good calls and faults interleaved, from several goroutines at once, on one
// function: every good call succeeds and its result is kept with its own request id, every fault fails,
// and no fault costs a good call its result.
func TestFaultResultsKept(t *testing.T) {
	const workers, perWorker = 4, 12
	fn := startFault(t)
	var (
		c  collector
		wg sync.WaitGroup
	)
	for w := range workers {
		wg.Go(func() {
			for i := range perWorker {
				var p map[string]any
				ok := i%2 == 0
				if ok {
					p = map[string]any{"fault": "none"}
				} else {
					p = mixedFaults[(w*perWorker+i/2)%len(mixedFaults)]
				}
				res, err, _ := invokeTimed(t, fn, p)
				c.add(outcome{ok: ok, res: res, err: err})
			}
		})
	}
	wg.Wait()

	if len(c.all) != workers*perWorker {
		t.Fatalf("collected %d outcomes of %d calls", len(c.all), workers*perWorker)
	}
	ids := map[string]bool{}
	good := 0
	for _, o := range c.all {
		if !o.ok {
			if o.err == nil {
				t.Errorf("a fault call succeeded: %v", o.res.Output)
			}
			continue
		}
		if o.err != nil {
			t.Errorf("a good call failed: %v", o.err)
			continue
		}
		if o.res == nil || o.res.RequestID == "" || o.res.Stats.Failure {
			t.Errorf("a good call's result is incomplete: %+v", o.res)
			continue
		}
		if ids[o.res.RequestID] {
			t.Errorf("request id %s kept twice", o.res.RequestID)
		}
		ids[o.res.RequestID] = true
		good++
	}
	if want := workers * perWorker / 2; good != want || len(ids) != want {
		t.Errorf("kept %d good results with %d distinct request ids, want %d", good, len(ids), want)
	}
}
