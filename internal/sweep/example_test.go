package sweep_test

import (
	"context"
	"log"
	"time"

	"github.com/gosebs/sebs/internal/engine"
	"github.com/gosebs/sebs/internal/sweep"
)

// Dead belongs before m.Run (sebstest.VerifyTestMain calls it): a test process killed by -timeout, SIGINT
// or SIGKILL skips its t.Cleanup, and without Ryuk its containers keep running. The next run removes them.
func ExampleDead() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	eng, err := engine.Open(ctx)
	if err != nil {
		log.Printf("no Docker engine, nothing to sweep: %v", err)
		return
	}
	defer eng.Close()
	rep, err := sweep.Dead(ctx, eng)
	if err != nil {
		log.Printf("sweep leftovers: %v", err)
	}
	if rep.Len() > 0 {
		log.Printf("removed leftovers of dead test processes:\n%s", rep)
	}
}

// All is for cleaning up by hand (make clean): everything labelled, except what running test processes
// of this host own.
func ExampleAll() {
	ctx := context.Background()
	eng, err := engine.Open(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer eng.Close()
	rep, err := sweep.All(ctx, eng, sweep.Options{DryRun: true})
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("would remove:\n%s", rep)
}
