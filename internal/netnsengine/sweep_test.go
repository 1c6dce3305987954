//go:build linux

package netnsengine

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"
)

// envOwnerHelper makes TestKilledOwnerHelper start an engine and wait to be killed.
const envOwnerHelper = "SEBS_NETNS_OWNER_HELPER"

// TestSweepStale starts an engine with a container running in a child process, kills the child with
// SIGKILL (no Close, no cleanup), and checks that SweepStale removes the dead run's engine: daemon,
// container processes, cgroups, namespace, veth pair and directory.
func TestSweepStale(t *testing.T) {
	requireSupported(t)
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	child := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestKilledOwnerHelper$", "-test.count=1")
	child.Env = append(os.Environ(), envOwnerHelper+"=1")
	child.Stderr = os.Stderr
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer child.Process.Kill()
	var ns string
	var daemonPID int
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if _, err := fmt.Sscanf(sc.Text(), "ENGINE %s %d", &ns, &daemonPID); err == nil {
			break
		}
	}
	n, ok := parseName(ns)
	if !ok {
		t.Fatalf("the child process reported no engine (read error %v)", sc.Err())
	}
	ctrPIDs := cgroupPIDs(ns)
	if len(ctrPIDs) == 0 {
		t.Fatalf("no process in the child's engine's cgroups: its container does not run")
	}
	child.Process.Kill()
	child.Wait()

	removed, err := SweepStale(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(removed, "engine "+ns) {
		t.Errorf("SweepStale removed %q, want engine %s among them", removed, ns)
	}
	checkGone(t, n, daemonPID)
	for _, pid := range ctrPIDs {
		if running(pid) {
			t.Errorf("the dead run's container process %d still runs", pid)
		}
	}
}

// TestKilledOwnerHelper is the child process of TestSweepStale: it starts an engine, runs the test
// function on it, prints "ENGINE <namespace> <daemon pid>" and waits to be killed.
// Run as an ordinary test it skips.
func TestKilledOwnerHelper(t *testing.T) {
	if os.Getenv(envOwnerHelper) != "1" {
		t.Skip("the child process of TestSweepStale; runs only there")
	}
	ctx := context.Background()
	eng, err := Start(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	cli, err := eng.Client()
	if err != nil {
		t.Fatal(err)
	}
	buildHello(t, ctx, cli)
	_, url := runHello(t, ctx, cli, eng)
	if body := call(t, ctx, url); !strings.HasPrefix(body, "hello") {
		t.Fatalf("GET %s = %q", url, body)
	}
	fmt.Printf("ENGINE %s %d\n", eng.Namespace(), eng.DaemonPID())
	select {}
}
