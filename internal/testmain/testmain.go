// Package testmain is the TestMain of this repository's packages that start function containers: it
// removes what dead test processes left behind (without Ryuk, a process killed by -timeout, SIGINT or
// SIGKILL never runs its t.Cleanup), runs the tests, and fails the package when a test leaves a goroutine
// or a container behind.
package testmain

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
	"go.uber.org/goleak"

	"github.com/gosebs/sebs/sebstest"
)

// LeakIgnores are the goroutines that are not the tests' to end: idle keep-alive connections of the
// Docker client, and Ryuk's connection where Ryuk runs.
func LeakIgnores() []goleak.Option {
	return []goleak.Option{
		goleak.IgnoreAnyFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreAnyFunction("net/http.(*persistConn).writeLoop"),
		goleak.IgnoreAnyFunction("github.com/testcontainers/testcontainers-go.(*Reaper).connect.func1"),
	}
}

// Run sweeps leftovers of dead test processes, then runs m under goleak. When the tests passed, it fails
// the package if a container this process created still exists. after, when not nil, runs last with the
// exit code and returns the one to exit with (e.g. to write result files). Run does not return.
func Run(m *testing.M, after func(code int) int) {
	sweep()
	goleak.VerifyTestMain(m, append(LeakIgnores(), goleak.Cleanup(func(code int) {
		if code == 0 {
			if err := nothingLeft(); err != nil {
				fmt.Fprintln(os.Stderr, "testmain:", err)
				code = 1
			}
		}
		if after != nil {
			code = after(code)
		}
		os.Exit(code)
	}))...)
}

// sweep removes what dead test processes left; without an engine there is nothing to sweep.
func sweep() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rep, err := sebstest.Sweep(ctx)
	switch {
	case err != nil:
		fmt.Fprintf(os.Stderr, "testmain: sweep of dead test processes' containers: %v\n", err)
	case rep.Len() > 0:
		fmt.Fprintf(os.Stderr, "testmain: removed what dead test processes left:\n%s\n", rep)
	}
}

// nothingLeft reports the containers this process owns that still exist: every container a test starts
// must be removed by the time the tests end. Without an engine there is nothing to check (the tests
// skipped, or failed under CI=true).
func nothingLeft() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cli, err := testcontainers.NewDockerClientWithOpts(ctx)
	if err != nil {
		return nil
	}
	defer cli.Close()
	own := sebstest.Labels()
	f := client.Filters{}.Add("label",
		sebstest.LabelOwnerPID+"="+own[sebstest.LabelOwnerPID],
		sebstest.LabelOwnerStart+"="+own[sebstest.LabelOwnerStart],
		sebstest.LabelOwnerHost+"="+own[sebstest.LabelOwnerHost])
	res, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		return fmt.Errorf("list this process's containers after the tests: %w", err)
	}
	if len(res.Items) > 0 {
		var ids []string
		for _, c := range res.Items {
			ids = append(ids, c.ID[:12])
		}
		return fmt.Errorf("%d container(s) of this test process left after the tests: %v", len(ids), ids)
	}
	return nil
}
