package sebstest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	cerrdefs "github.com/containerd/errdefs"

	"github.com/gosebs/sebs/fixtures"
	"github.com/gosebs/sebs/internal/engine"
)

// PythonImageRepo is the repository of the Python base image; its tag is a hash of the recipe.
const PythonImageRepo = "sebs-python"

// pythonRecipe lists the files, relative to fixtures/python, whose contents make the Python image's tag.
// fixtures/python/image/build.sh hashes the same files in the same order and the same framing.
var pythonRecipe = []string{"image/build.sh", "image/packages.txt", "runtime/server.py", "../image-common.sh"}

// pythonBuildMu serialises builds within this process; build.sh serialises across processes with a lock
// file (/tmp/sebs-python-image.lock, or SEBS_IMAGE_LOCK).
var pythonBuildMu sync.Mutex

// PythonImage returns the tag of the Python base image, "sebs-python:<recipe hash>": a Debian root file
// system with python3 and the modules the benchmarks need (fixtures/python/image/packages.txt) and the
// wrapper server at /sebs/server.py, running unprivileged. If the Docker engine does not have the image
// yet, PythonImage builds it with fixtures/python/image/build.sh (debootstrap + docker import, one to
// three minutes; it needs root, debootstrap and a reachable Debian mirror) and streams the build's progress,
// each line stamped with the time elapsed, live to stderr (whatever go test -v says, so a one-time build
// of minutes does not look like a hang) and to progress, which may be nil. Concurrent calls, also from other processes, build the image once.
func PythonImage(ctx context.Context, progress io.Writer) (string, error) {
	eng, err := engine.Open(ctx)
	if err != nil {
		return "", fmt.Errorf("python image: %w", err)
	}
	defer eng.Close()
	return pythonImage(ctx, eng, progress)
}

// pythonImage is [PythonImage] through eng.
func pythonImage(ctx context.Context, eng *engine.Engine, progress io.Writer) (string, error) {
	dir, err := pythonFixturesDir()
	if err != nil {
		return "", err
	}
	tag, err := pythonImageTag(dir)
	if err != nil {
		return "", err
	}
	cli := eng
	exists := func() (bool, error) {
		_, err := cli.ImageInspect(ctx, tag)
		switch {
		case err == nil:
			return true, nil
		case cerrdefs.IsNotFound(err):
			return false, nil
		default:
			return false, fmt.Errorf("python image %s: inspect: %w", tag, err)
		}
	}
	if ok, err := exists(); err != nil {
		return "", err
	} else if ok {
		return tag, nil
	}

	pythonBuildMu.Lock()
	defer pythonBuildMu.Unlock()
	if ok, err := exists(); err != nil {
		return "", err
	} else if ok {
		return tag, nil
	}
	if err := runPythonBuild(ctx, dir, cli.DaemonHost(), progress); err != nil {
		return "", fmt.Errorf("python image %s: %w", tag, err)
	}
	if ok, err := exists(); !ok || err != nil {
		return "", errors.Join(fmt.Errorf("python image %s: build.sh succeeded but the engine at %s has no such image", tag, cli.DaemonHost()), err)
	}
	return tag, nil
}

// PythonImageTag returns the tag [PythonImage] builds or reuses, without contacting Docker: it changes
// whenever the recipe (fixtures/python/image) or the wrapper server (fixtures/python/runtime/server.py)
// changes.
func PythonImageTag() (string, error) {
	dir, err := pythonFixturesDir()
	if err != nil {
		return "", err
	}
	return pythonImageTag(dir)
}

// pythonImageTag hashes the recipe files under dir (fixtures/python) as build.sh does: for each file,
// "== <path>\n" followed by its contents; the tag is the first 16 hex digits of the SHA-256.
func pythonImageTag(dir string) (string, error) {
	h := sha256.New()
	for _, rel := range pythonRecipe {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil {
			return "", fmt.Errorf("python image recipe: %w", err)
		}
		fmt.Fprintf(h, "== %s\n", rel)
		h.Write(b)
	}
	return PythonImageRepo + ":" + hex.EncodeToString(h.Sum(nil))[:16], nil
}

// pythonFixturesDir is the absolute path of fixtures/python in this module's checkout.
func pythonFixturesDir() (string, error) {
	root, err := fixtures.Root()
	if err != nil {
		return "", fmt.Errorf("python image: cannot find the recipe: %w", err)
	}
	dir := filepath.Join(root, "python")
	if _, err := os.Stat(filepath.Join(dir, "image", "build.sh")); err != nil {
		return "", fmt.Errorf("python image: recipe missing from the checkout: %w", err)
	}
	return dir, nil
}

// runPythonBuild runs build.sh against the engine at daemonHost, copying its output to progress and keeping
// the last lines for the error. Cancelling ctx stops the whole build (its process group), which cleans up.
func runPythonBuild(ctx context.Context, dir, daemonHost string, progress io.Writer) error {
	if progress == nil {
		progress = io.Discard
	}
	if _, err := exec.LookPath("bash"); err != nil {
		return errors.New("bash is needed to run fixtures/python/image/build.sh: install bash")
	}
	tail := &tailBuffer{max: 4096}
	out := io.MultiWriter(progress, tail)
	if progress != io.Writer(os.Stderr) {
		// Live on stderr whatever go test -v says: a one-time build of minutes must not look like a hang.
		out = io.MultiWriter(progress, tail, os.Stderr)
	}
	cmd := exec.CommandContext(ctx, "bash", filepath.Join(dir, "image", "build.sh"))
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Env = os.Environ()
	if daemonHost != "" {
		cmd.Env = append(cmd.Env, "DOCKER_HOST="+daemonHost)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }
	cmd.WaitDelay = 30 * time.Second
	start := time.Now()
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("build cancelled after %s: %w", time.Since(start).Round(time.Second), ctx.Err())
		}
		return fmt.Errorf("fixtures/python/image/build.sh failed (%v); its last output:\n%s", err, tail.String())
	}
	return nil
}

// tailBuffer keeps the last max bytes written to it, from a line start.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
	max int
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = t.buf[over:]
		if i := bytes.IndexByte(t.buf, '\n'); i >= 0 {
			t.buf = t.buf[i+1:]
		}
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimRight(string(t.buf), "\n")
}
