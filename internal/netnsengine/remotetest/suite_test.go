//go:build linux

package remotetest

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gosebs/sebs/internal/netnsengine"
)

// EnvLogs names a folder to write each run's whole output to (a file per package), passed or not.
const EnvLogs = "SEBS_REMOTE_LOGS"

// EnvRun sets the -test.run pattern of the runs on the remote engine: "." runs every test (make test-remote
// does), another pattern narrows them; unset, the runs take defaultRun.
const EnvRun = "SEBS_REMOTE_RUN"

// defaultRun is what make test runs on the remote engine: the tests whose path through the engine differs
// when it is remote (start, invoke and address; the published-port and bridge paths; cold starts, stop and
// removal under a cancelled context; attach; exit and readiness failures; limits; bench's cold and burst
// modes; memory through Docker stats; the sweep). Every other test of those packages runs on the local
// engine in make test. The whole list on the remote one took 6 min 39 s of make test's 2 cores; this one
// leaves out, besides, the Python tests (copying the Python image to the remote engine alone took 17 s) and
// BenchmarkSleep (a build and a run of the benchmarks package), which take no other path through the
// engine than the Go tests and bench's: make test-remote (SEBS_REMOTE_RUN set) runs all of them.
const defaultRun = "^(TestStartInvokeSleep|TestColdStart|TestStopRemovesContainer|TestStopWithCancelledContextStillRemoves|" +
	"TestPublishedPortOption|TestBridgeFallback|TestBridgeAddress|TestSerializeAndAttach|TestNotReadyReportsExit|" +
	"TestLimitsAndSecurityInContainerConfig|" +
	"TestBenchColdSamplesAreAllCold|TestBenchBurstColdStartsEveryFunction|TestBenchWarmExcludesColdSamples|" +
	"TestMemorySamplerDockerStats|TestSweep)$"

// remoteSkip are the tests the remote run leaves out: those that need images or services this suite does not
// put on the remote engine (MinIO, the Lambda emulator, the Node.js image; SeBS directories run a driver
// container of the Python image per directory, minutes on the remote engine), and one that asserts memory
// samples across cold starts, which Docker stats gives only once a second there. They run on the local engine.
const remoteSkip = "^(TestStorage.*|ExampleWithStorage|TestLambda.*|ExampleLambdaFunction|TestNode.*|TestUpstreamImageNode|TestBenchmarkDir.*|TestMemorySamplingAcrossColdStarts)$"

// pythonTests are the tests that need the Python base image. The suite copies it from the local engine
// (copyPythonImage); where the local engine lacks it, building it on the remote one would take
// fixtures/python/image/build.sh (debootstrap from a Debian mirror, then docker import to DOCKER_HOST):
// traffic beyond loopback and the engine's namespace, and minutes, so then these tests are left out
// (TestOneDockerClientPerFunction too: one of its cases is a Python function).
const pythonTests = "^(TestPythonFunction|TestUpstreamImage|TestKeptCapabilities|TestModesOnUpstreamServer|TestOneDockerClientPerFunction)$"

// suite lists the runs: sebstest's integration tests, the benchmark helpers' tests, the memory sampler's
// and the sweep's (which start containers through the engine), and, when full, BenchmarkSleep (Go, test
// size, warm and cold modes, three iterations; the Lambda column runs locally, as the Lambda tests do).
func suite(python, full bool) []suiteRun {
	run := defaultRun
	if p := os.Getenv(EnvRun); p != "" {
		run = p
	}
	skip := remoteSkip
	if !python {
		skip += "|" + pythonTests
	}
	tests := []string{"-test.v", "-test.count=1", "-test.timeout=10m", "-test.run", run, "-test.skip", skip}
	runs := []suiteRun{
		{pkg: "sebstest", args: tests},
		{pkg: "sebstest/bench", args: tests},
		{pkg: "internal/cgroupmem", args: tests},
		{pkg: "internal/sweep", args: tests},
	}
	if full {
		runs = append(runs, suiteRun{pkg: "benchmarks", args: []string{"-test.v", "-test.timeout=10m", "-test.run", "^$",
			"-test.bench", "^BenchmarkSleep$", "-test.benchtime", "3x",
			"-sebs.python=false", "-sebs.lambda=false", "-sebs.sizes=test", "-sebs.modes=warm,cold", "-sebs.concurrency=1"}})
	}
	return runs
}

// full says whether the runs are make test-remote's (SEBS_REMOTE_RUN set: Python tests and BenchmarkSleep
// included) rather than make test's selection (defaultRun).
func full() bool { return os.Getenv(EnvRun) != "" }

// TestSuiteOnRemoteEngine starts a remote engine, runs the suite against it, and checks that every run
// passed, the images were built on the remote engine, nothing is left on it, none of the work reached
// the machine's own engine, and that the engine's namespace, veth pair and daemon are gone after Close.
// The engine is closed in a cleanup, so a failing run or check still tears it down; a killed test's
// engine is removed by the next Start (netnsengine.SweepStale).
func TestSuiteOnRemoteEngine(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a second Docker daemon and runs the Docker suites; not in -short (make test-remote runs it)")
	}
	if err := netnsengine.Check(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true and %v", err)
		}
		t.Skip(err)
	}
	began := time.Now()
	ctx, cancel := context.WithTimeout(t.Context(), 25*time.Minute)
	defer cancel()
	root, bin := moduleRoot(t), t.TempDir()
	compile(t, ctx, root, bin, suite(true, full())) // only the packages matter here; python changes their flags
	compiled := time.Since(began)

	eng, err := netnsengine.Start(ctx, netnsengine.Options{Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeAndCheck(t, eng) })
	t.Logf("engine %s at %s (publish on %s), daemon start %s", eng.Namespace(), eng.DockerHost(), eng.IP(), eng.Timings().Daemon)
	cli, err := eng.Client()
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	local := openLocal(t)
	python := false
	if full() { // make test's selection has no Python test: no image to copy
		var why string
		if python, why = copyPythonImage(t, ctx, local, cli); !python {
			if os.Getenv("CI") == "true" {
				t.Fatalf("CI=true and the Python tests cannot run on the remote engine: %s", why)
			}
			t.Logf("Python tests left out: %s", why)
		}
	}
	runs := suite(python, full())

	env := append(eng.Env(), "TESTCONTAINERS_RYUK_DISABLED=true")
	t.Run("addresses", func(t *testing.T) { checkAddresses(t, ctx, env, eng.IP(), cli) })
	pids := []int{os.Getpid()}
	for _, r := range runs {
		res := execute(ctx, root, bin, r, env)
		pass, fail, skip, failures := summary(res.out)
		t.Logf("%s: %d passed, %d failed, %d skipped in %s", r.pkg, pass, fail, skip, res.elapsed.Round(time.Millisecond))
		if res.pid != 0 {
			pids = append(pids, res.pid)
		}
		checkBenchMemory(t, benchLines(res.out))
		// The binary's exit status is the verdict: "--- FAIL" lines may also be a test's log of a child process
		// that fails on purpose (sebstest/bench's quiet-output victim). A narrowed run may match nothing.
		if res.err != nil || pass == 0 && !narrowed() {
			t.Errorf("%s on the remote engine: %v; failed: %s\noutput's end:\n%s",
				r.pkg, res.err, strings.Join(failures, "; "), tail(res.out, 60))
		}
		if dir := os.Getenv(EnvLogs); dir != "" { // every run's whole -test.v output, with each test's time
			if err := os.WriteFile(filepath.Join(dir, strings.ReplaceAll(r.pkg, "/", "-")+".log"), res.out, 0o644); err != nil {
				t.Errorf("keep %s's output: %v", r.pkg, err)
			}
		}
	}
	checkBuiltRemotely(t, ctx, cli)
	checkRemoteEmpty(t, ctx, cli)
	local.checkUntouched(t, pids)
	t.Logf("compile %s, suite on the remote engine %s", compiled.Round(time.Millisecond), time.Since(began).Round(time.Millisecond))
}

// narrowed says whether the user's EnvRun pattern may match nothing in a package: any pattern but ".".
func narrowed() bool { p := os.Getenv(EnvRun); return p != "" && p != "." }

// closeAndCheck closes the engine and fails the test when its namespace, veth pair or daemon outlive it.
func closeAndCheck(t *testing.T, eng *netnsengine.Engine) {
	pid := eng.DaemonPID()
	if err := eng.Close(); err != nil {
		t.Errorf("close the remote engine: %v", err)
	}
	if _, err := os.Stat(filepath.Join("/run/netns", eng.Namespace())); !os.IsNotExist(err) {
		t.Errorf("namespace %s still exists after Close (stat error %v)", eng.Namespace(), err)
	}
	if _, err := net.InterfaceByName(eng.Veth()); err == nil {
		t.Errorf("veth %s still exists after Close", eng.Veth())
	}
	if pid != 0 {
		if _, err := os.Stat(filepath.Join("/proc", strconv.Itoa(pid))); err == nil {
			t.Errorf("the engine's daemon (pid %d) still runs after Close", pid)
		}
	}
}

// checkBenchMemory logs the benchmark lines and fails the test when a cold-mode line reports no
// container memory: on a remote engine it comes from Docker stats, the cgroup files being out of reach.
// Docker stats answer about once a second, so a warm run of a few milliseconds may hold no sample and
// report no peak-mem-B; a cold iteration (a container start, most of a second) must.
func checkBenchMemory(t *testing.T, lines []string) {
	t.Helper()
	for _, line := range lines {
		t.Log(line)
		v, ok := metric(line, "peak-mem-B")
		switch {
		case strings.Contains(line, "mode=cold") && (!ok || v <= 0):
			t.Errorf("cold-mode benchmark reports no memory (peak-mem-B %v, reported %v): %s", v, ok, line)
		case !ok:
			t.Logf("no memory sample within that run (Docker stats come about once a second)")
		}
	}
}
