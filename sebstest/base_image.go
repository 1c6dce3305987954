package sebstest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	cerrdefs "github.com/containerd/errdefs"

	"github.com/gosebs/sebs/fixtures"
	"github.com/gosebs/sebs/internal/engine"
)

// baseBuildMu serialises base image builds within this process; build.sh serialises across processes with a
// lock file (/tmp/sebs-<lang>-image.lock, or SEBS_IMAGE_LOCK).
var baseBuildMu sync.Mutex

// baseImage returns the tag of the base image of runtime lang ("python", "nodejs"), fixtures.ImageTag(lang),
// building it with fixtures/<lang>/image/build.sh when the engine behind eng lacks it, and streaming the
// build's output to progress (which may be nil). Concurrent calls, also from other processes, build it once.
func baseImage(ctx context.Context, eng *engine.Engine, lang string, progress io.Writer) (string, error) {
	tag, err := fixtures.ImageTag(lang)
	if err != nil {
		return "", fmt.Errorf("%s image: %w", lang, err)
	}
	exists := func() (bool, error) {
		_, err := eng.ImageInspect(ctx, tag)
		switch {
		case err == nil:
			return true, nil
		case cerrdefs.IsNotFound(err):
			return false, nil
		default:
			return false, fmt.Errorf("%s image %s: inspect: %w", lang, tag, err)
		}
	}
	if ok, err := exists(); err != nil || ok {
		return tag, err
	}
	baseBuildMu.Lock()
	defer baseBuildMu.Unlock()
	if ok, err := exists(); err != nil || ok {
		return tag, err
	}
	root, err := fixtures.Root()
	if err != nil {
		return "", fmt.Errorf("%s image: cannot find the recipe: %w", lang, err)
	}
	script := filepath.Join(root, lang, "image", "build.sh")
	if err := runImageBuild(ctx, eng.DaemonHost(), progress, script); err != nil {
		return "", fmt.Errorf("%s image %s: %w", lang, tag, err)
	}
	if ok, err := exists(); !ok || err != nil {
		return "", errors.Join(fmt.Errorf("%s image %s: build.sh succeeded but the engine at %s has no such image", lang, tag, eng.DaemonHost()), err)
	}
	return tag, nil
}

// runImageBuild runs the build script with args against the engine at daemonHost, copying its output to
// progress and keeping the last lines for the error. Cancelling ctx stops the whole build (its process group),
// which cleans up.
func runImageBuild(ctx context.Context, daemonHost string, progress io.Writer, script string, args ...string) error {
	if progress == nil {
		progress = io.Discard
	}
	if _, err := os.Stat(script); err != nil {
		return fmt.Errorf("recipe missing from the checkout: %w", err)
	}
	if _, err := exec.LookPath("bash"); err != nil {
		return fmt.Errorf("bash is needed to run %s: install bash", script)
	}
	tail := &tailBuffer{max: 4096}
	out := io.MultiWriter(progress, tail)
	if progress != io.Writer(os.Stderr) {
		// Live on stderr whatever go test -v says: a one-time build of minutes must not look like a hang.
		out = io.MultiWriter(progress, tail, os.Stderr)
	}
	cmd := exec.CommandContext(ctx, "bash", append([]string{script}, args...)...)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Env = os.Environ()
	if daemonHost != "" {
		cmd.Env = append(cmd.Env, "DOCKER_HOST="+daemonHost)
	}
	inOwnGroup(cmd)
	cmd.WaitDelay = 30 * time.Second
	start := time.Now()
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("build cancelled after %s: %w", time.Since(start).Round(time.Second), ctx.Err())
		}
		return fmt.Errorf("%s failed (%v); its last output:\n%s", script, err, tail.String())
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
