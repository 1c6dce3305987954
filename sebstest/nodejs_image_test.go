//go:build linux

package sebstest

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gosebs/sebs/fixtures"
)

// nodeBuild prepares a forced build of the Node.js image whose work directory and lock are in a fresh
// directory, and returns build.sh's path and that directory. It skips (fails under CI=true) where no image can
// be built: not root, or no debootstrap.
func nodeBuild(t *testing.T) (script, tmp string) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a Node.js image build (debootstrap); not in -short")
	}
	_, lookErr := exec.LookPath("debootstrap")
	if _, err := os.Stat("/usr/sbin/debootstrap"); os.Getuid() != 0 || (lookErr != nil && err != nil) {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true: building the Node.js image needs root and debootstrap (scripts/setup.sh debootstrap)")
		}
		t.Skip("building the Node.js image needs root and debootstrap")
	}
	root, err := fixtures.Root()
	require.NoError(t, err)
	tmp = t.TempDir()
	t.Setenv("TMPDIR", tmp)
	t.Setenv("SEBS_IMAGE_LOCK", filepath.Join(tmp, "build.lock"))
	return filepath.Join(root, "nodejs", "image", "build.sh"), tmp
}

// awaitWorkDir polls until a build has made its work directory under tmp and started debootstrap in it, and
// returns the directory.
func awaitWorkDir(t *testing.T, tmp string, failed <-chan error) string {
	t.Helper()
	deadline := time.After(2 * time.Minute)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		dirs, _ := filepath.Glob(filepath.Join(tmp, "sebs-nodejs-root.*"))
		if len(dirs) == 1 {
			if _, err := os.Stat(filepath.Join(dirs[0], "root", "debootstrap")); err == nil {
				return dirs[0]
			}
		}
		select {
		case err := <-failed:
			t.Fatalf("the build ended before debootstrap ran: %v", err)
		case <-deadline:
			t.Fatalf("no build work directory with debootstrap running under %s after 2 minutes: %v", tmp, dirs)
		case <-tick.C:
		}
	}
}

// TestNodeImageBuildCancelled: a test run that gives up during the image build (its context cancelled) stops
// the whole build, which removes its work directory, and says the build was cancelled.
func TestNodeImageBuildCancelled(t *testing.T) {
	script, tmp := nodeBuild(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	failed := make(chan error, 1)
	go func() { failed <- runImageBuild(ctx, "", nil, script, "--force") }()
	work := awaitWorkDir(t, tmp, failed)
	cancel()
	select {
	case err := <-failed:
		require.ErrorContains(t, err, "build cancelled")
		require.ErrorIs(t, err, context.Canceled)
	case <-time.After(time.Minute):
		t.Fatal("the build did not stop within a minute of its cancellation")
	}
	assert.NoDirExists(t, work, "the cancelled build removes its work directory")
}

// TestNodeImageBuildKilled: a build killed outright (SIGKILL to its process group: no trap runs) leaves its
// work directory, and `make clean`'s `build.sh --clean` removes it (unmounting what debootstrap mounted).
func TestNodeImageBuildKilled(t *testing.T) {
	script, tmp := nodeBuild(t)
	cmd := exec.Command("bash", script, "--force")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	require.NoError(t, cmd.Start())
	failed := make(chan error, 1)
	go func() { failed <- cmd.Wait() }()
	work := awaitWorkDir(t, tmp, failed)
	require.NoError(t, syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL))
	<-failed
	// Processes of the group may outlive the shell for a moment: --clean leaves a directory whose lock a live
	// process still holds, so wait for the group to be gone.
	for deadline := time.Now().Add(30 * time.Second); syscall.Kill(-cmd.Process.Pid, 0) == nil; {
		require.True(t, time.Now().Before(deadline), "the killed build's processes are still running after 30 s")
		time.Sleep(10 * time.Millisecond)
	}
	require.DirExists(t, work, "a killed build leaves its work directory (build output:\n%s)", out.String())

	clean, err := exec.Command("bash", script, "--clean").CombinedOutput()
	require.NoError(t, err, string(clean))
	assert.Contains(t, string(clean), "removing "+work)
	assert.NoDirExists(t, work, "build.sh --clean removes a dead build's work directory")
	mounts, err := os.ReadFile("/proc/mounts")
	require.NoError(t, err)
	assert.NotContains(t, string(mounts), work, "nothing stays mounted under the removed directory")
	again, err := exec.Command("bash", script, "--clean").CombinedOutput()
	require.NoError(t, err, string(again))
	assert.False(t, strings.Contains(string(again), "removing"), "a second clean finds nothing: %s", again)
}
