package sebsdir_test

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/client"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/fixtures"
)

// callInImage imports function.function from the package dir mounted at /function in the Python image,
// as the image's server does (sys.path gets /function appended), calls handler(event) once and returns
// its JSON. A stand-in for a function container, so this package's tests need not start one.
func callInImage(t *testing.T, img, dir string, event json.RawMessage) json.RawMessage {
	t.Helper()
	const script = `import json, sys
sys.path.append("/function")
from function import function
print(json.dumps(function.handler(json.loads(sys.argv[1]))))`
	cli, err := client.New(client.FromEnv)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	created, err := cli.ContainerCreate(ctx, client.ContainerCreateOptions{
		Config: &container.Config{Image: img, Cmd: []string{"python3", "-c", script, string(event)},
			Labels: map[string]string{"dev.gosebs.managed": "true"}, NetworkDisabled: true},
		HostConfig: &container.HostConfig{NetworkMode: "none",
			Mounts: []mount.Mount{{Type: mount.TypeBind, Source: dir, Target: "/function", ReadOnly: true}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer cli.ContainerRemove(context.Background(), created.ID, client.ContainerRemoveOptions{Force: true})
	if _, err := cli.ContainerStart(ctx, created.ID, client.ContainerStartOptions{}); err != nil {
		t.Fatal(err)
	}
	wait := cli.ContainerWait(ctx, created.ID, client.ContainerWaitOptions{Condition: container.WaitConditionNotRunning})
	var code int64
	select {
	case r := <-wait.Result:
		code = r.StatusCode
	case err := <-wait.Error:
		t.Fatal(err)
	}
	logs, err := cli.ContainerLogs(ctx, created.ID, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true})
	if err != nil {
		t.Fatal(err)
	}
	defer logs.Close()
	var stdout, stderr bytes.Buffer
	if _, err := stdcopy.StdCopy(&stdout, &stderr, logs); err != nil {
		t.Fatal(err)
	}
	if code != 0 {
		t.Fatalf("handler in the image exited %d; stderr:\n%s", code, stderr.String())
	}
	return bytes.TrimSpace(stdout.Bytes())
}

// TestLaidOutPackageRunsAndValidates goes the whole way for 902.echo: layout (with its init.sh), input
// from its generate_input, the handler run from the package in the Python image, its output checked by
// its validate_output.
func TestLaidOutPackageRunsAndValidates(t *testing.T) {
	img := pythonImage(t)
	dir := filepath.Join(ours, "902.echo")
	b := parse(t, dir)
	if err := b.Runnable(sebs.LanguagePython); err != nil {
		t.Fatal(err)
	}
	p, err := b.Layout(t.Context(), sebs.LanguagePython, filepath.Join(t.TempDir(), "code"))
	if err != nil {
		t.Fatal(err)
	}
	s := open(t, dir)
	for _, size := range fixtures.Sizes {
		in := generate(t, s, size)
		out := callInImage(t, img, p.Dir, in)
		if err := s.Validate(t.Context(), sebs.LanguagePython, in, out); err != nil {
			t.Errorf("%s: %v", size, err)
		}
	}
}
