package reliability

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/testcontainers/testcontainers-go"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/internal/engine"
	"github.com/gosebs/sebs/internal/sweep"
	"github.com/gosebs/sebs/sebstest"
)

// victimTimeout is the -test.timeout the timeout victim runs with; its panic kills it before t.Cleanup.
const victimTimeout = 5 * time.Second

// killCase is one way a test run dies.
type killCase struct {
	name  string
	flags []string                         // extra flags for the victim
	kill  func(t *testing.T, v *victimRun) // what ends it (nil: it ends by itself)
	ended func(st *os.ProcessState, output string) bool
}

var killCases = []killCase{
	{
		name: "sigint",
		kill: func(t *testing.T, v *victimRun) { signal(t, v, syscall.SIGINT) },
		ended: func(st *os.ProcessState, _ string) bool {
			ws, ok := st.Sys().(syscall.WaitStatus)
			return ok && ws.Signaled() && ws.Signal() == syscall.SIGINT
		},
	},
	{
		name: "sigkill",
		kill: func(t *testing.T, v *victimRun) { signal(t, v, syscall.SIGKILL) },
		ended: func(st *os.ProcessState, _ string) bool {
			ws, ok := st.Sys().(syscall.WaitStatus)
			return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
		},
	},
	{
		name:  "test-timeout",
		flags: []string{"-test.timeout=" + victimTimeout.String()},
		ended: func(st *os.ProcessState, output string) bool {
			return st.ExitCode() == 2 && strings.Contains(output, "panic: test timed out after "+victimTimeout.String())
		},
	},
}

func signal(t *testing.T, v *victimRun, sig syscall.Signal) {
	t.Helper()
	if err := v.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("send %v to the victim: %v", sig, err)
	}
}

// TestKilledRunsAreSwept kills a test process that owns two function containers, by SIGINT, by SIGKILL
// and by a -test.timeout panic. None of these runs t.Cleanup, so the containers must still exist
// afterwards (the scenario is real); then the sweep the next run's TestMain does (sweep.Dead, here
// confined to the victim's test scope with sweep.Scope, so parallel packages stay out of it) must
// remove them, leave no network or dangling image of a dead owner, and leave alone the containers of
// live processes: this test's own function, and the victim's while it still runs.
func TestKilledRunsAreSwept(t *testing.T) {
	cli := testDocker(t)
	own := sebstest.New(t, sebstest.Fixture("sleep", sebs.LanguageGo)) // also builds the image the victims use
	bin := buildVictim(t)
	for _, kc := range killCases {
		t.Run(kc.name, func(t *testing.T) {
			key, value := caseLabel(t)
			signalled := kc.kill != nil
			v := startVictim(t, bin, key+"="+value, signalled, kc.flags...)
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()

			if signalled {
				// While the victim lives, a sweep leaves its containers alone.
				sweepScope(ctx, t, value)
				requireExist(ctx, t, cli, "the live victim's", v.containers...)
				kc.kill(t, v)
			}
			st := v.wait(t, time.Minute)
			if !kc.ended(st, v.output.String()) {
				t.Fatalf("the victim ended with %v, not as this case intends; its output:\n%s", st, v.output)
			}
			// The scenario is real: the dead victim's containers are still there. The timeout may strike
			// while the second container starts; any container it created counts.
			left, err := containersWithLabels(ctx, cli, key+"="+value)
			if err != nil {
				t.Fatal(err)
			}
			if len(left) == 0 || len(left) < len(v.containers) {
				t.Fatalf("the killed victim left %d container(s) (%v), want its %d; its output:\n%s",
					len(left), left, max(len(v.containers), 1), v.output)
			}
			requireExist(ctx, t, cli, "the killed victim's", v.containers...)

			rep := sweepScope(ctx, t, value)
			requireGone(t, cli, left...)
			for _, id := range left {
				if !reported(rep.Containers, id) {
					t.Errorf("the sweep report does not list container %.12s:\n%s", id, rep)
				}
			}
			requireExist(ctx, t, cli, "this live test's", own.ContainerID())
			requireSweptEventually(ctx, t, cli, value, !signalled)
		})
	}
	if _, err := own.Invoke(context.Background(), map[string]any{"sleep": 0}); err != nil {
		t.Errorf("this test's own function stopped answering after the sweeps: %v", err)
	}
}

// requireSweptEventually fails the test when resources of the scope's dead owners remain after the sweep.
// A -test.timeout panic can strike while the victim's container create request is in flight: the daemon
// completes it after the process died, after the listing above (seen on a loaded CI machine). Such a late
// container is what the next run's sweep removes, so with lateCreates the check sweeps again, a few times
// within 30 s, before it fails; without, the first sweep must have removed everything.
func requireSweptEventually(ctx context.Context, t *testing.T, cli *testcontainers.DockerClient, scope string, lateCreates bool) {
	t.Helper()
	var timeout time.Duration // without late creates, the first look must find nothing
	if lateCreates {
		timeout = 30 * time.Second
	}
	var left []string
	err := poll(timeout, "the sweep of dead owners' resources", func() (bool, error) {
		var err error
		if left, err = deadLeftovers(ctx, cli, scope); err != nil || len(left) == 0 {
			return err == nil, err
		}
		if lateCreates {
			sweepScope(ctx, t, scope)
		}
		return false, nil
	})
	if err != nil {
		t.Fatalf("after the sweep, resources of dead owners remain: %v (%v)", left, err)
	}
}

// TestCleanCommandRemovesDeadLeftovers: `make clean`'s command, go run ./cmd/sebs-clean,
// removes what a SIGKILLed test run left, and not this live test's function.
func TestCleanCommandRemovesDeadLeftovers(t *testing.T) {
	cli := testDocker(t)
	own := sebstest.New(t, sebstest.Fixture("sleep", sebs.LanguageGo))
	bin := buildVictim(t)
	key, value := caseLabel(t)
	v := startVictim(t, bin, key+"="+value, true)
	signal(t, v, syscall.SIGKILL)
	v.wait(t, time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	requireExist(ctx, t, cli, "the killed victim's", v.containers...)

	cmd := exec.CommandContext(ctx, "go", "run", "./cmd/sebs-clean", "-scope", value)
	cmd.Dir = ".."
	out, err := cmd.CombinedOutput()
	t.Logf("sebs-clean:\n%s", out)
	if err != nil {
		t.Fatalf("sebs-clean: %v", err)
	}
	requireGone(t, cli, v.containers...)
	requireExist(ctx, t, cli, "this live test's", own.ContainerID())
}

// sweepScope runs the next run's sweep on one test scope (sweep.Scope: sweep.Dead's rules, confined to
// the victim's resources) and fails the test on an error.
func sweepScope(ctx context.Context, t *testing.T, scope string) sweep.Report {
	t.Helper()
	eng, err := engine.Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	rep, err := sweep.Scope(ctx, eng, scope)
	if err != nil {
		t.Fatalf("sweep: %v\n%s", err, rep)
	}
	return rep
}

// requireExist fails the test if any of the containers is gone.
func requireExist(ctx context.Context, t *testing.T, cli *testcontainers.DockerClient, whose string, ids ...string) {
	t.Helper()
	for _, id := range ids {
		ok, err := containerExists(ctx, cli, id)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			t.Fatalf("%s container %.12s is gone", whose, id)
		}
	}
}

// reported reports whether a sweep report lists the container.
func reported(rs []sweep.Resource, id string) bool {
	for _, r := range rs {
		if r.ID == id {
			return true
		}
	}
	return false
}
