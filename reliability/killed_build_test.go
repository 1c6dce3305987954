//go:build linux

package reliability

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildScript is the Python image recipe's build script, relative to this package.
var buildScript = filepath.Join("..", "fixtures", "python", "image", "build.sh")

// buildStageTimeout bounds how long a build may take to reach the line a test waits for; debootstrap with
// an empty package cache needs about a minute to get to unpacking.
const buildStageTimeout = 8 * time.Minute // debootstrap took 3 minutes to unpack beside other builds

// TestKilledImageBuildLeavesNothing kills the Python image build outright (SIGKILL to its whole process
// group, which no trap survives) in the middle of debootstrap, when its work directory holds a few
// hundred MB and a /proc mount. The scenario is real: both are still there afterwards. Then `build.sh
// --clean`, what `make clean` runs, must unmount and remove them. Before that, it must leave the directory
// alone while the build runs, and also while only the build's children run (its main process killed, as
// Go's exec kills only the process it started when a build overruns its cancellation). A build killed
// before debootstrap starts is removed by the next build before it makes its own, and a build stopped by
// SIGTERM removes its own.
func TestKilledImageBuildLeavesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("runs debootstrap three times; not in -short")
	}
	requireImageBuilder(t)
	parent := buildParent(t)

	a := startBuild(t, parent)
	a.waitFor(t, "debootstrap: Unpacking required packages")
	workA := onlyWorkDir(t, parent)
	if len(mountsBelow(t, workA)) == 0 {
		t.Fatalf("debootstrap mounted nothing in %s by the time it unpacks; the scenario this test needs "+
			"(a mount left behind) did not happen. Build output:\n%s", workA, a.output)
	}
	requireLeftAlone(t, parent, workA, "a running build")
	a.killMain(t)
	requireLeftAlone(t, parent, workA, "a build whose main process is dead but whose children run")
	a.kill(t, syscall.SIGKILL)
	if !dirExists(workA) || len(mountsBelow(t, workA)) == 0 {
		t.Fatalf("after SIGKILL the build's work directory or its mount is gone already; the scenario is not real")
	}
	out := cleanBuilds(t, parent)
	if dirExists(workA) {
		t.Fatalf("--clean left the killed build's work directory %s; its output:\n%s", workA, out)
	}
	if m := mountsBelow(t, parent); len(m) > 0 {
		t.Fatalf("--clean left mounts of the killed build: %v; its output:\n%s", m, out)
	}

	// A build killed early is removed by the next build; a build stopped by SIGTERM cleans up itself.
	b := startBuild(t, parent)
	b.waitFor(t, "sebs-python: [")
	workB := onlyWorkDir(t, parent)
	b.kill(t, syscall.SIGKILL)
	if !dirExists(workB) {
		t.Fatalf("the work directory of the build killed early (%s) is gone already; the scenario is not real", workB)
	}
	c := startBuild(t, parent)
	c.waitFor(t, "sebs-python: [")
	if dirExists(workB) {
		t.Fatalf("the next build did not remove %s, left by a killed build; its output:\n%s", workB, c.output)
	}
	c.kill(t, syscall.SIGTERM)
	if left := workDirs(t, parent); len(left) > 0 {
		t.Fatalf("a build stopped by SIGTERM left %v; its output:\n%s", left, c.output)
	}
}

// requireImageBuilder skips the test where the Python image cannot be built (not root, no debootstrap),
// and fails it instead under CI=true, which installs debootstrap and runs as root.
func requireImageBuilder(t *testing.T) {
	t.Helper()
	var why string
	switch {
	case os.Geteuid() != 0:
		why = "debootstrap needs root"
	case !hasDebootstrap():
		why = "debootstrap is not installed (apt-get install debootstrap)"
	}
	if why == "" {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("cannot build the Python image here (%s), and CI=true forbids skipping", why)
	}
	t.Skipf("cannot build the Python image here: %s", why)
}

func hasDebootstrap() bool {
	if _, err := exec.LookPath("debootstrap"); err == nil {
		return true
	}
	_, err := os.Stat("/usr/sbin/debootstrap")
	return err == nil
}

// buildParent makes the folder the test's builds put their work directories in: in /dev/shm, where
// build.sh puts them by default, so debootstrap is as fast as in a real build. Whatever is left there is
// unmounted and removed when the test ends.
func buildParent(t *testing.T) string {
	t.Helper()
	base := "/dev/shm"
	if !dirExists(base) {
		base = os.TempDir()
	}
	parent, err := os.MkdirTemp(base, "sebs-killed-build-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, m := range mountsBelow(t, parent) {
			_ = syscall.Unmount(m, syscall.MNT_DETACH)
		}
		if err := os.RemoveAll(parent); err != nil {
			t.Errorf("remove %s: %v", parent, err)
		}
	})
	return parent
}

// imageBuild is a running build.sh in a process group of its own.
type imageBuild struct {
	cmd     *exec.Cmd
	output  *syncBuffer
	lines   chan string   // its output, a line at a time
	exited  chan struct{} // closed when it has ended and been waited for
	started time.Time
}

// startBuild starts `build.sh --force` with its work directory in parent and a lock file of its own, so
// that it neither waits for nor holds up a real build. It is killed, with its group, when the test ends.
func startBuild(t *testing.T, parent string) *imageBuild {
	t.Helper()
	cmd := exec.Command("bash", buildScript, "--force")
	cmd.Env = append(os.Environ(), "TMPDIR="+parent, "SEBS_IMAGE_LOCK="+filepath.Join(parent, "lock"))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	b := &imageBuild{cmd: cmd, output: &syncBuffer{}, lines: make(chan string, 1024), exited: make(chan struct{}), started: time.Now()}
	cmd.Stderr = b.output
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", buildScript, err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-b.exited
	})
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			b.output.Write([]byte(sc.Text() + "\n"))
			select {
			case b.lines <- sc.Text():
			default: // nobody waits for lines this far on
			}
		}
		_ = cmd.Wait()
		close(b.exited)
		close(b.lines)
	}()
	return b
}

// waitFor waits until the build prints a line containing s, and fails the test if it ends first or takes
// longer than buildStageTimeout.
func (b *imageBuild) waitFor(t *testing.T, s string) {
	t.Helper()
	deadline := time.After(buildStageTimeout)
	for {
		select {
		case line, ok := <-b.lines:
			if !ok {
				t.Fatalf("the build ended (%v) before printing %q; its output:\n%s", b.cmd.ProcessState, s, b.output)
			}
			if strings.Contains(line, s) {
				t.Logf("the build printed %q after %s", s, time.Since(b.started).Round(time.Millisecond))
				return
			}
		case <-deadline:
			t.Fatalf("the build did not print %q within %v; its output:\n%s", s, buildStageTimeout, b.output)
		}
	}
}

// kill sends sig to the build's whole process group and waits for the build to end.
func (b *imageBuild) kill(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := syscall.Kill(-b.cmd.Process.Pid, sig); err != nil {
		t.Fatalf("send %v to the build: %v", sig, err)
	}
	select {
	case <-b.exited:
	case <-time.After(time.Minute):
		t.Fatalf("the build still runs a minute after %v; its output:\n%s", sig, b.output)
	}
}

// requireLeftAlone runs `build.sh --clean` and fails the test if it removed work, or did not say that it
// left it alone.
func requireLeftAlone(t *testing.T, parent, work, whose string) {
	t.Helper()
	out := cleanBuilds(t, parent)
	if !dirExists(work) {
		t.Fatalf("--clean removed the work directory of %s (%s); its output:\n%s", whose, work, out)
	}
	if !strings.Contains(out, work+" belongs to a build that still runs") {
		t.Errorf("--clean did not say it left %s alone (%s); its output:\n%s", whose, work, out)
	}
}

// killMain sends SIGKILL to the build's main process only and reaps it, as Go's exec does when a build
// overruns its cancellation; its children go on, their parent gone, so no PID of the build's start remains.
func (b *imageBuild) killMain(t *testing.T) {
	t.Helper()
	if err := b.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("kill the build's main process: %v", err)
	}
	// The reader goroutine calls cmd.Wait only at EOF, which the children's open stdout holds off: this is
	// the only wait for the process now.
	if _, err := b.cmd.Process.Wait(); err != nil {
		t.Fatalf("reap the build's main process: %v", err)
	}
	select {
	case <-b.exited:
		t.Fatalf("the whole build ended when only its main process was killed; its output:\n%s", b.output)
	default:
	}
}

// cleanBuilds runs `build.sh --clean` over parent, as `make clean` does over the default places, and
// returns its output.
func cleanBuilds(t *testing.T, parent string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", buildScript, "--clean")
	cmd.Env = append(os.Environ(), "TMPDIR="+parent)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("build.sh --clean: %v\n%s", err, out)
	}
	return string(out)
}

// workDirs lists the build work directories in parent.
func workDirs(t *testing.T, parent string) []string {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join(parent, "sebs-python-root.*"))
	if err != nil {
		t.Fatal(err)
	}
	return dirs
}

// onlyWorkDir returns the one build work directory in parent, and fails the test if there is not exactly one.
func onlyWorkDir(t *testing.T, parent string) string {
	t.Helper()
	dirs := workDirs(t, parent)
	if len(dirs) != 1 {
		t.Fatalf("want one build work directory in %s, found %v", parent, dirs)
	}
	return dirs[0]
}

// mountsBelow lists the mount points under dir, deepest first.
func mountsBelow(t *testing.T, dir string) []string {
	t.Helper()
	data, err := os.ReadFile("/proc/mounts")
	if err != nil {
		t.Fatalf("read /proc/mounts: %v", err)
	}
	var ms []string
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) > 1 && strings.HasPrefix(f[1], dir+"/") {
			ms = append([]string{f[1]}, ms...)
		}
	}
	return ms
}

func dirExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}
