//go:build linux

package netnsengine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"

	"github.com/gosebs/sebs/internal/buildctx"
)

// helloImage is the tag of the test function's image on the engine; helloLabel is a label it carries.
const (
	helloImage = "sebs-netns-hello:test"
	helloLabel = "dev.gosebs.test"
)

// requireSupported skips the test in -short mode (it starts a Docker daemon) and where an engine cannot
// start (not root, a program missing); under CI=true the latter fails it, since a skip would hide that
// the test never ran.
func requireSupported(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a second Docker daemon; not in -short (make test-remote runs it)")
	}
	if err := Check(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true and %v", err)
		}
		t.Skip(err)
	}
}

// startEngine starts an engine for the test and closes it when the test ends.
func startEngine(t *testing.T, ctx context.Context) *Engine {
	t.Helper()
	eng, err := Start(ctx, Options{Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := eng.Close(); err != nil {
			t.Error(err)
		}
	})
	return eng
}

// buildHello compiles testdata/hello statically and builds it into helloImage FROM scratch on the
// engine behind cli; it returns how long the engine's build took (the compile not included).
func buildHello(t *testing.T, ctx context.Context, cli *client.Client) time.Duration {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "hello")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", bin, "./testdata/hello")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("compile the test function: %v\n%s", err, out)
	}
	prog, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	dockerfile := "FROM scratch\nCOPY hello /hello\nEXPOSE 8080\nENTRYPOINT [\"/hello\"]\n" +
		buildctx.LabelLine(map[string]string{helloLabel: "netnsengine"})
	tar, err := buildctx.Tar(buildctx.File{Name: "Dockerfile", Mode: 0o644, Data: []byte(dockerfile)},
		buildctx.File{Name: "hello", Mode: 0o755, Data: prog})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	res, err := cli.ImageBuild(ctx, tar, client.ImageBuildOptions{Tags: []string{helloImage}, Remove: true, ForceRemove: true})
	if err != nil {
		t.Fatalf("build on the engine: %v", err)
	}
	defer res.Body.Close()
	if err := buildErr(res.Body); err != nil {
		t.Fatalf("build on the engine: %v", err)
	}
	return time.Since(start)
}

// buildErr reads a build's progress stream to its end and returns the error it reports, if any.
func buildErr(r io.Reader) error {
	dec := json.NewDecoder(r)
	for {
		var msg struct {
			Error       string `json:"error"`
			ErrorDetail *struct {
				Message string `json:"message"`
			} `json:"errorDetail"`
		}
		if err := dec.Decode(&msg); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return fmt.Errorf("read build output: %w", err)
		}
		if msg.Error != "" {
			return errors.New(msg.Error)
		}
	}
}

// runHello runs helloImage on the engine with port 8080 published on the engine's address and returns
// the container's inspection and the URL to call it at.
func runHello(t *testing.T, ctx context.Context, cli *client.Client, eng *Engine) (container.InspectResponse, string) {
	t.Helper()
	port := network.MustParsePort("8080/tcp")
	created, err := cli.ContainerCreate(ctx, client.ContainerCreateOptions{
		Config: &container.Config{Image: helloImage, ExposedPorts: network.PortSet{port: {}}},
		HostConfig: &container.HostConfig{PortBindings: network.PortMap{
			port: {{HostIP: eng.IP()}},
		}},
	})
	if err != nil {
		t.Fatalf("create the container: %v", err)
	}
	if _, err := cli.ContainerStart(ctx, created.ID, client.ContainerStartOptions{}); err != nil {
		t.Fatalf("start the container: %v", err)
	}
	ins, err := cli.ContainerInspect(ctx, created.ID, client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	bound := ins.Container.NetworkSettings.Ports[port]
	if len(bound) != 1 || bound[0].HostIP != eng.IP() {
		t.Fatalf("port 8080 published at %+v, want once on %s", bound, eng.IP())
	}
	return ins.Container, "http://" + netip.AddrPortFrom(eng.IP(), mustPort(t, bound[0].HostPort)).String() + "/"
}

// mustPort parses a published port number.
func mustPort(t *testing.T, s string) uint16 {
	t.Helper()
	p, err := strconv.ParseUint(s, 10, 16)
	if err != nil {
		t.Fatalf("published port %q: %v", s, err)
	}
	return uint16(p)
}

// call polls url until it answers 200 (the server starts a moment after the container) or 10 s pass,
// and returns the body.
func call(t *testing.T, ctx context.Context, url string) string {
	t.Helper()
	hc := &http.Client{Timeout: 2 * time.Second}
	defer hc.CloseIdleConnections()
	deadline := time.Now().Add(10 * time.Second)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := hc.Do(req)
		if err == nil {
			body, rerr := io.ReadAll(resp.Body)
			resp.Body.Close()
			if rerr == nil && resp.StatusCode == http.StatusOK {
				return string(body)
			}
			err = fmt.Errorf("status %s, body %q, read error %v", resp.Status, body, rerr)
		}
		if time.Now().After(deadline) {
			t.Fatalf("call %s: %v", url, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
