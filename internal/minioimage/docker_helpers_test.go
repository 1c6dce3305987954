package minioimage_test

import (
	"context"
	"io"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"

	"github.com/gosebs/sebs/fixtures"
	"github.com/gosebs/sebs/internal/minioimage/miniotest"
)

// pythonImage builds (or finds) the Python base image with build.sh and returns its tag.
func pythonImage(t testing.TB, ctx context.Context) string {
	t.Helper()
	root, err := fixtures.Root()
	if err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(root, "python", "image", "build.sh")
	if out, err := exec.CommandContext(ctx, "bash", script).CombinedOutput(); err != nil {
		t.Fatalf("build the Python image: %v\n%s", err, out)
	}
	out, err := exec.CommandContext(ctx, "bash", script, "--print-tag").Output()
	if err != nil {
		t.Fatalf("Python image tag: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// codeDir lays out a Python fixture's code package as upstream's local platform does: the fixture's
// function/ files with the storage wrapper beside them as function/storage.py, readable by the
// container's unprivileged user.
func codeDir(t testing.TB, fixture string) string {
	t.Helper()
	src, err := fixtures.PythonSource(fixture)
	if err != nil {
		t.Fatal(err)
	}
	root, err := fixtures.Root()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	fn := filepath.Join(dir, "function")
	if err := os.Mkdir(fn, 0o755); err != nil {
		t.Fatal(err)
	}
	copyFile(t, filepath.Join(src, "function", "function.py"), filepath.Join(fn, "function.py"))
	copyFile(t, filepath.Join(root, "python", "runtime", "storage.py"), filepath.Join(fn, "storage.py"))
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func copyFile(t testing.TB, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// runFunction starts the Python image serving the code in dir on network, with env, its port published on
// 127.0.0.1, and returns its URL once GET /alive answers 200. The container is removed at the end of
// the test.
func runFunction(t testing.TB, ctx context.Context, cli *client.Client, image, net, dir string, env map[string]string) string {
	t.Helper()
	port := network.MustParsePort("9000/tcp")
	labels := miniotest.Labels()
	labels["dev.gosebs.kind"] = "function"
	var envList []string
	for k, v := range env {
		envList = append(envList, k+"="+v)
	}
	created, err := cli.ContainerCreate(ctx, client.ContainerCreateOptions{
		Config: &container.Config{Image: image, Env: envList, Labels: labels, ExposedPorts: network.PortSet{port: {}}},
		HostConfig: &container.HostConfig{
			PortBindings: network.PortMap{port: {{HostIP: netip.MustParseAddr("127.0.0.1")}}},
			Mounts:       []mount.Mount{{Type: mount.TypeBind, Source: dir, Target: "/function", ReadOnly: true}},
			Tmpfs:        map[string]string{"/tmp": "rw,nosuid,nodev,size=64m"},
			CapDrop:      []string{"ALL"},
		},
		NetworkingConfig: &network.NetworkingConfig{EndpointsConfig: map[string]*network.EndpointSettings{net: {}}},
	})
	if err != nil {
		t.Fatalf("create the function container: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := cli.ContainerRemove(ctx, created.ID, client.ContainerRemoveOptions{Force: true}); err != nil {
			t.Errorf("remove the function container: %v", err)
		}
	})
	began := time.Now()
	if _, err := cli.ContainerStart(ctx, created.ID, client.ContainerStartOptions{}); err != nil {
		t.Fatalf("start the function container: %v", err)
	}
	ins, err := cli.ContainerInspect(ctx, created.ID, client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	bound := ins.Container.NetworkSettings.Ports[port]
	if len(bound) == 0 {
		t.Fatal("the function container has no published port")
	}
	url := "http://127.0.0.1:" + bound[0].HostPort + "/"
	waitAlive(t, ctx, url+"alive")
	t.Logf("function container on %s answered /alive %s after its start", net, time.Since(began).Round(time.Millisecond))
	return url
}

// waitAlive polls url every 5 ms until it answers 200, for at most 60 s (the Python server imports boto3
// and Pillow before it listens: seconds on a loaded machine).
func waitAlive(t testing.TB, ctx context.Context, url string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	hc := &http.Client{Timeout: time.Second}
	defer hc.CloseIdleConnections()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := hc.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s never answered 200: %v", url, err)
		case <-tick.C:
		}
	}
}
