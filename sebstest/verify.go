package sebstest

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/gosebs/sebs/internal/engine"
	"github.com/gosebs/sebs/internal/owner"
	"github.com/gosebs/sebs/internal/sweep"
)

// VerifyTestMain runs a package's tests, in the shape of goleak.VerifyTestMain: call it from TestMain.
// Before the tests it removes what dead test processes of this host left behind (a process killed by
// -timeout, SIGINT or SIGKILL skips t.Cleanup, and without Ryuk its containers keep running). After tests
// that passed, it fails the run when a container this process created still exists: every function a test
// starts must be stopped by the time the tests end. Then each cleanup runs, in order, with the exit code,
// and returns the code to exit with (e.g. after writing result files). VerifyTestMain does not return.
//
// Without a Docker engine there is nothing to sweep or check, and the tests run as they are.
func VerifyTestMain(m *testing.M, cleanup ...func(exitCode int) int) {
	sweepDead()
	code := m.Run()
	if code == 0 {
		if err := nothingLeft(); err != nil {
			fmt.Fprintln(os.Stderr, "sebstest:", err)
			code = 1
		}
	}
	for _, c := range cleanup {
		code = c(code)
	}
	os.Exit(code)
}

// sweepDead removes what dead test processes left; without an engine there is nothing to sweep.
func sweepDead() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	eng, err := engine.Open(ctx)
	if err != nil {
		return
	}
	defer eng.Close()
	rep, err := sweep.Dead(ctx, eng)
	switch {
	case err != nil:
		fmt.Fprintf(os.Stderr, "sebstest: sweep of dead test processes' containers: %v\n", err)
	case rep.Len() > 0:
		fmt.Fprintf(os.Stderr, "sebstest: removed what dead test processes left:\n%s\n", rep)
	}
}

// nothingLeft reports the containers this process owns that still exist.
func nothingLeft() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	eng, err := engine.Open(ctx)
	if err != nil {
		return nil
	}
	defer eng.Close()
	own := owner.Labels()
	f := client.Filters{}.Add("label",
		owner.LabelOwnerPID+"="+own[owner.LabelOwnerPID],
		owner.LabelOwnerStart+"="+own[owner.LabelOwnerStart],
		owner.LabelOwnerHost+"="+own[owner.LabelOwnerHost])
	res, err := eng.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		return fmt.Errorf("list this process's containers after the tests: %w", err)
	}
	if len(res.Items) > 0 {
		var ids []string
		for _, c := range res.Items {
			ids = append(ids, engine.ShortID(c.ID))
		}
		return fmt.Errorf("%d container(s) of this test process left after the tests (stop every function a test starts): %v", len(ids), ids)
	}
	return nil
}
