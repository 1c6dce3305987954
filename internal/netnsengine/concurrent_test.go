//go:build linux

package netnsengine

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/client"
)

// TestConcurrentEngines starts two engines at once, as two test packages of one go test run do, and
// checks that they get different addresses and namespaces, both answer, and are separate daemons.
func TestConcurrentEngines(t *testing.T) {
	requireSupported(t)
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	var engs [2]*Engine
	var errs [2]error
	var wg sync.WaitGroup
	for i := range engs {
		wg.Go(func() { engs[i], errs[i] = Start(ctx, Options{}) })
	}
	wg.Wait()
	for i, e := range engs {
		if errs[i] != nil {
			t.Fatalf("engine %d: %v", i, errs[i])
		}
		t.Cleanup(func() {
			if err := e.Close(); err != nil {
				t.Error(err)
			}
		})
	}
	if engs[0].IP() == engs[1].IP() || engs[0].Namespace() == engs[1].Namespace() {
		t.Fatalf("both engines at %s in %s / %s", engs[0].IP(), engs[0].Namespace(), engs[1].Namespace())
	}
	var ids [2]string
	for i, e := range engs {
		cli, err := e.Client()
		if err != nil {
			t.Fatal(err)
		}
		info, err := cli.Info(ctx, client.InfoOptions{})
		cli.Close()
		if err != nil {
			t.Fatalf("engine %d at %s: %v", i, e.DockerHost(), err)
		}
		ids[i] = info.Info.ID
	}
	if ids[0] == ids[1] {
		t.Errorf("both engines report daemon ID %s", ids[0])
	}
}
