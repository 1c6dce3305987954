//go:build linux

package remotetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/gosebs/sebs/internal/buildctx"
	"github.com/gosebs/sebs/sebstest"
)

// copyPythonImage copies the Python base image from the machine's own engine to the remote one (docker
// save | docker load, over loopback and the veth pair), so the Python tests run remotely without
// building the image there (debootstrap needs a Debian mirror). It reports false, and why, when the
// local engine does not have the image (make python-image builds it).
func copyPythonImage(t *testing.T, ctx context.Context, local localEngine, remote *client.Client) (bool, string) {
	t.Helper()
	tag, err := sebstest.PythonImageTag()
	if err != nil {
		return false, fmt.Sprintf("python image tag: %v", err)
	}
	if local.cli == nil {
		return false, "no local engine to copy " + tag + " from"
	}
	if _, err := local.cli.ImageInspect(ctx, tag); err != nil {
		return false, fmt.Sprintf("the local engine has no %s (make python-image builds it): %v", tag, err)
	}
	start := time.Now()
	saved, err := local.cli.ImageSave(ctx, []string{tag})
	if err != nil {
		t.Fatalf("save %s from the local engine: %v", tag, err)
	}
	defer saved.Close()
	loaded, err := remote.ImageLoad(ctx, saved, client.ImageLoadWithQuiet(true))
	if err != nil {
		t.Fatalf("load %s into the remote engine: %v", tag, err)
	}
	err = buildctx.Drain(loaded) // the same JSON message stream as a build's
	loaded.Close()
	if err != nil {
		t.Fatalf("load %s into the remote engine: %v", tag, err)
	}
	if _, err := remote.ImageInspect(ctx, tag); err != nil {
		t.Fatalf("after the load, the remote engine has no %s: %v", tag, err)
	}
	t.Logf("copied %s to the remote engine in %s", tag, time.Since(start).Round(time.Millisecond))
	return true, ""
}
