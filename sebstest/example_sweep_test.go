package sebstest_test

import (
	"context"
	"log"
	"time"

	"github.com/gosebs/sebs/sebstest"
)

// Sweep belongs in TestMain, before m.Run: a test process killed by -timeout, SIGINT or SIGKILL skips its
// t.Cleanup, and without Ryuk its containers keep running. The next run removes them:
//
//	func TestMain(m *testing.M) {
//		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
//		if rep, err := sebstest.Sweep(ctx); err != nil {
//			log.Printf("sweep leftovers: %v", err)
//		} else if rep.Len() > 0 {
//			log.Printf("removed leftovers of dead test processes:\n%s", rep)
//		}
//		cancel()
//		os.Exit(m.Run())
//	}
func ExampleSweep() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rep, err := sebstest.Sweep(ctx)
	if err != nil {
		log.Printf("sweep leftovers: %v", err)
	}
	if rep.Len() > 0 {
		log.Printf("removed leftovers of dead test processes:\n%s", rep)
	}
}

// SweepAll is for cleaning up by hand (make clean): everything labelled, except what running test
// processes of this host own.
func ExampleSweepAll() {
	rep, err := sebstest.SweepAll(context.Background(), sebstest.SweepOptions{DryRun: true})
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("would remove:\n%s", rep)
}
