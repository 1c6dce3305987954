// Package dockertest holds the helpers of this module's Docker integration tests: an engine, a tiny test
// server image, and containers made from it. Everything they create is removed in t.Cleanup. Only tests
// import it.
package dockertest

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"

	"github.com/gosebs/sebs/internal/buildctx"
	"github.com/gosebs/sebs/internal/engine"
	"github.com/gosebs/sebs/internal/owner"
)

// Engine connects to the Docker engine. In -short mode the test is skipped; without an engine too, except
// under CI=true, where it fails: CI must never pass by skipping the integration tests.
func Engine(t testing.TB) *engine.Engine {
	t.Helper()
	if testing.Short() {
		t.Skip("needs a Docker engine: not in -short (make unit)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	eng, err := engine.Open(ctx)
	if err == nil {
		_, err = eng.Ping(ctx, client.PingOptions{})
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("docker engine needed under CI=true: %v", err)
		}
		t.Skipf("no docker engine (start dockerd, or set DOCKER_HOST), skipping: %v", err)
	}
	t.Cleanup(func() { _ = eng.Close() })
	return eng
}

// testServerSource is a tiny HTTP server on port 9000: GET /alive answers 200; GET /alloc?mib=N allocates
// N MiB, touches every page and keeps it; GET /exit exits the process. SIGTERM exits at once.
const testServerSource = `package main

import (
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"syscall"
)

var (
	mu   sync.Mutex
	held [][]byte
)

func main() {
	http.HandleFunc("/alive", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("{\"status\":\"ok\"}")) })
	http.HandleFunc("/alloc", func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(r.URL.Query().Get("mib"))
		if err != nil || n < 0 {
			http.Error(w, "mib: want a non-negative integer", http.StatusBadRequest)
			return
		}
		b := make([]byte, n<<20)
		for i := 0; i < len(b); i += 4096 {
			b[i] = 1
		}
		mu.Lock()
		held = append(held, b)
		mu.Unlock()
		w.Write([]byte("{}"))
	})
	http.HandleFunc("/exit", func(w http.ResponseWriter, r *http.Request) { os.Exit(3) })
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	go func() { <-sig; os.Exit(0) }()
	if err := http.ListenAndServe(":9000", nil); err != nil {
		os.Exit(1)
	}
}
`

// testLabel marks images and containers made by these tests (not by the package under test).
const testLabel = owner.LabelTestScope

// Image builds the test server statically and an image FROM scratch around it, and returns the
// image's tag. The image carries only [testLabel], so containers made from it inherit none of our
// ownership labels.
func Image(t testing.TB, eng *engine.Engine) string {
	t.Helper()
	dir := t.TempDir()
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatalf("write test server %s: %v", name, err)
		}
	}
	write("go.mod", "module testserver\n\ngo 1.22\n")
	write("main.go", testServerSource)
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", "server", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOWORK=off", "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build test server: %v\n%s", err, out)
	}
	bin, err := os.ReadFile(filepath.Join(dir, "server"))
	if err != nil {
		t.Fatalf("read test server binary: %v", err)
	}

	buf, err := buildctx.Tar(
		buildctx.File{Name: "Dockerfile", Mode: 0o644, Data: []byte("FROM scratch\nCOPY server /server\nENTRYPOINT [\"/server\"]\n")},
		buildctx.File{Name: "server", Mode: 0o755, Data: bin},
	)
	if err != nil {
		t.Fatal(err)
	}

	tag := fmt.Sprintf("sebstest-test-server:%d-%d", os.Getpid(), time.Now().UnixNano())
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := eng.ImageBuild(ctx, buf, client.ImageBuildOptions{
		Tags:        []string{tag},
		Remove:      true,
		ForceRemove: true,
		Labels:      map[string]string{testLabel: "true"},
	})
	if err != nil {
		t.Fatalf("build test image: %v", err)
	}
	defer res.Body.Close()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := eng.ImageRemove(ctx, tag, client.ImageRemoveOptions{Force: true, PruneChildren: true}); err != nil && !cerrdefs.IsNotFound(err) {
			t.Errorf("remove test image %s: %v", tag, err)
		}
	})
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var msg struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(sc.Bytes(), &msg) == nil && msg.Error != "" {
			t.Fatalf("build test image: %s", msg.Error)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("build test image: read output: %v", err)
	}
	return tag
}

// Container is a running test server container.
type Container struct {
	ID   string
	Addr string // host:port of the published port 9000 (127.0.0.1 on a local engine)
}

// Start creates and starts a container from image with labels, its port 9000 published on
// 127.0.0.1 only (on a remote engine, on the address eng.Endpoint names), waits until it answers,
// and removes it (with its volumes) in t.Cleanup.
func Start(t testing.TB, eng *engine.Engine, image string, labels map[string]string) Container {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	port := network.MustParsePort("9000/tcp")
	ep := eng.Endpoint() // 127.0.0.1 for a local engine, the engine's address for a remote one (issue 15)
	res, err := eng.ContainerCreate(ctx, client.ContainerCreateOptions{
		Config: &container.Config{
			Image:        image,
			Labels:       labels,
			ExposedPorts: network.PortSet{port: {}},
		},
		HostConfig: &container.HostConfig{
			PortBindings: network.PortMap{port: {{HostIP: ep.BindIP}}},
		},
	})
	if err != nil {
		t.Fatalf("create test container: %v", err)
	}
	t.Cleanup(func() { Remove(t, eng, res.ID) })
	if _, err := eng.ContainerStart(ctx, res.ID, client.ContainerStartOptions{}); err != nil {
		t.Fatalf("start test container: %v", err)
	}
	ins, err := eng.ContainerInspect(ctx, res.ID, client.ContainerInspectOptions{})
	if err != nil {
		t.Fatalf("inspect test container: %v", err)
	}
	var addr string
	if ns := ins.Container.NetworkSettings; ns != nil {
		for _, b := range ns.Ports[port] {
			if b.HostIP.Is4() {
				addr = net.JoinHostPort(ep.Host, b.HostPort)
			}
		}
	}
	if addr == "" {
		t.Fatalf("test container %s: port 9000 not published on %s", res.ID[:12], ep.BindIP)
	}
	c := Container{ID: res.ID, Addr: addr}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := c.Get("/alive"); err == nil {
			return c
		} else if time.Now().After(deadline) {
			t.Fatalf("test container %s not ready after 30 s: %v", res.ID[:12], err)
		}
		time.Sleep(5 * time.Millisecond) // poll interval, not synchronisation
	}
}

// Get sends GET path to the container and returns the body; a status other than 200 is an error.
func (c Container) Get(path string) (string, error) {
	cl := http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := cl.Get("http://" + c.Addr + path)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var b strings.Builder
	_, err = bufio.NewReader(resp.Body).WriteTo(&b)
	if resp.StatusCode != http.StatusOK {
		return b.String(), fmt.Errorf("GET %s: status %s", path, resp.Status)
	}
	return b.String(), err
}

// Remove force-removes a container and its volumes; a container already gone is fine.
func Remove(t testing.TB, eng *engine.Engine, id string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := eng.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
	if err != nil && !cerrdefs.IsNotFound(err) {
		t.Errorf("remove test container %s: %v", id[:12], err)
	}
}

// Exists reports whether the engine still has a container with this ID.
func Exists(t testing.TB, eng *engine.Engine, id string) bool {
	t.Helper()
	_, err := eng.ContainerInspect(context.Background(), id, client.ContainerInspectOptions{})
	if cerrdefs.IsNotFound(err) {
		return false
	}
	if err != nil {
		t.Fatalf("inspect container %s: %v", id[:12], err)
	}
	return true
}

// DeadPID returns the ID of a process that has exited (and been reaped), as a dead owner.
func DeadPID(t testing.TB) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatalf("run true: %v", err)
	}
	return cmd.Process.Pid
}
