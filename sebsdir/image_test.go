package sebsdir_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/client"
)

// skipOrFail skips a test that needs Docker or the Python image when they are missing, but fails it under
// CI=true, where they must be there.
func skipOrFail(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}

var image struct {
	once sync.Once
	tag  string
	err  string
}

// pythonImage returns the Python runtime image's tag as its recipe computes it (build.sh --print-tag),
// building the image with build.sh when the engine lacks it (build.sh needs root and a Debian mirror).
func pythonImage(t testing.TB) string {
	t.Helper()
	image.once.Do(func() {
		script := "../fixtures/python/image/build.sh"
		out, err := exec.Command("bash", script, "--print-tag").Output()
		if err != nil {
			image.err = "bash " + script + " --print-tag: " + err.Error()
			return
		}
		tag := strings.TrimSpace(string(out))
		cli, err := client.New(client.FromEnv)
		if err != nil {
			image.err = "Docker client: " + err.Error()
			return
		}
		defer cli.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		if _, err := cli.Ping(ctx, client.PingOptions{}); err != nil {
			image.err = "no Docker engine: " + err.Error()
			return
		}
		if _, err := cli.ImageInspect(ctx, tag); err != nil {
			if out, err := exec.CommandContext(ctx, "bash", script).CombinedOutput(); err != nil {
				image.err = "build " + tag + " (make python-image): " + err.Error() + "\n" + string(out)
				return
			}
		}
		image.tag = tag
	})
	if image.err != "" {
		skipOrFail(t, "the Python runtime image is not available: %s", image.err)
	}
	return image.tag
}
