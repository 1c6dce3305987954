package serve

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
)

// TestColdExactlyOnce sends N first calls at once: exactly one may report is_cold.
func TestColdExactlyOnce(t *testing.T) {
	const n = 32
	start := make(chan struct{})
	s := NewServer(func(context.Context, json.RawMessage) (any, error) { return nil, nil })
	colds := make(chan bool, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			<-start
			r := post(t, s, `{}`)
			colds <- r.IsCold != nil && *r.IsCold
		})
	}
	close(start)
	wg.Wait()
	close(colds)
	count := 0
	for c := range colds {
		if c {
			count++
		}
	}
	if count != 1 {
		t.Fatalf("%d of %d concurrent first calls reported is_cold, want exactly 1", count, n)
	}
}

// TestColdPerServer: a new Server (a new process, in a container) is cold again, with a new container id.
func TestColdPerServer(t *testing.T) {
	h := func(context.Context, json.RawMessage) (any, error) { return nil, nil }
	a, b := NewServer(h), NewServer(h)
	ra, rb := post(t, a, `{}`), post(t, b, `{}`)
	if !*ra.IsCold || !*rb.IsCold {
		t.Errorf("first calls on two servers: is_cold %v and %v, want both true", *ra.IsCold, *rb.IsCold)
	}
	if ra.ContainerID == rb.ContainerID {
		t.Errorf("two servers share container id %q", ra.ContainerID)
	}
}
