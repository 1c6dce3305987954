package lambdaimage_test

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/gosebs/sebs/internal/owner"
	"io"
	"net/http"
	"net/netip"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/internal/lambdaimage"
	"github.com/gosebs/sebs/sebstest"
)

// ownerLabels are the labels every resource of ours carries (sebstest's, until the owner package has them).
func ownerLabels() map[string]string { return owner.Labels() }

// engine connects to the Docker engine as testcontainers resolves it; it fails the test when none
// answers under CI=true, and skips it otherwise.
func engine(t testing.TB) *client.Client {
	t.Helper()
	sebstest.RequireDocker(t)
	cli, err := testcontainers.NewDockerClientWithOpts(t.Context())
	if err != nil {
		t.Fatalf("connect to the Docker engine: %v", err)
	}
	t.Cleanup(func() { _ = cli.Close() })
	return cli.Client
}

// buildFixture packs fixtures/lambda/go/<name>, logging progress to the test.
func buildFixture(t testing.TB, eng *client.Client, name string) lambdaimage.Image {
	t.Helper()
	labels := ownerLabels()
	labels[owner.LabelKind] = owner.KindImage
	img, err := lambdaimage.Build(t.Context(), eng, filepath.Join("..", "..", "fixtures", "lambda", "go", name),
		lambdaimage.Options{Labels: labels, Progress: testWriter{t}})
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// lambdaContainer is a started emulator container and what the test reads from it.
type lambdaContainer struct {
	id      string
	addr    string // 127.0.0.1:<published port>
	reports *sebs.LambdaReports
	stderr  *lockedBuffer
}

// startLambda creates and starts img with our security settings (all capabilities dropped,
// no-new-privileges, read-only root, memory and PID limits, port on 127.0.0.1 only) and the emulator's
// environment, changed by host, follows its stdout into a LambdaReports, and waits until the emulator answers. The
// container is removed, and the log follower ended, when the test ends.
func startLambda(t testing.TB, eng *client.Client, img lambdaimage.Image, memoryMB, timeoutS int, host ...func(*container.HostConfig)) *lambdaContainer {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	env, err := lambdaimage.Env(img.Name, memoryMB, timeoutS)
	if err != nil {
		t.Fatal(err)
	}
	port := network.MustParsePort(lambdaimage.Port)
	pids := int64(256)
	hc := &container.HostConfig{
		PortBindings:   network.PortMap{port: {{HostIP: netip.MustParseAddr("127.0.0.1")}}},
		ReadonlyRootfs: true,
		CapDrop:        []string{"ALL"},
		SecurityOpt:    []string{"no-new-privileges"},
		Resources:      container.Resources{Memory: int64(memoryMB) << 20, PidsLimit: &pids},
	}
	for _, h := range host {
		h(hc)
	}
	created, err := eng.ContainerCreate(ctx, client.ContainerCreateOptions{
		Config:     &container.Config{Image: img.Ref, Env: env, Labels: ownerLabels(), ExposedPorts: network.PortSet{port: {}}},
		HostConfig: hc,
	})
	if err != nil {
		t.Fatalf("create the Lambda container: %v", err)
	}
	c := &lambdaContainer{id: created.ID, reports: new(sebs.LambdaReports), stderr: new(lockedBuffer)}
	var follow sync.WaitGroup
	t.Cleanup(follow.Wait) // runs after the removal below: the log stream ends with the container
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := eng.ContainerRemove(ctx, c.id, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true}); err != nil {
			t.Errorf("remove the Lambda container: %v", err)
		}
	})
	if _, err := eng.ContainerStart(ctx, c.id, client.ContainerStartOptions{}); err != nil {
		t.Fatalf("start the Lambda container: %v", err)
	}
	logs, err := eng.ContainerLogs(context.Background(), c.id, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Follow: true})
	if err != nil {
		t.Fatalf("follow the Lambda container's logs: %v", err)
	}
	follow.Go(func() {
		defer logs.Close()
		_, err := stdcopy.StdCopy(c.reports, c.stderr, logs)
		c.reports.Close(err)
	})
	ins, err := eng.ContainerInspect(ctx, c.id, client.ContainerInspectOptions{})
	if err != nil {
		t.Fatalf("inspect the Lambda container: %v", err)
	}
	for _, b := range ins.Container.NetworkSettings.Ports[port] {
		c.addr = "127.0.0.1:" + b.HostPort
	}
	if c.addr == "" {
		t.Fatalf("the Lambda container's port %s is not published", port)
	}
	awaitEmulator(t, ctx, c)
	return c
}

// awaitEmulator polls GET / until the emulator answers anything (404: it serves only the invoke path;
// Docker's port proxy accepts connections before the emulator listens, then drops them).
func awaitEmulator(t testing.TB, ctx context.Context, c *lambdaContainer) {
	t.Helper()
	tr := &http.Transport{DisableKeepAlives: true, Proxy: nil}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: time.Second}
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+c.addr+"/", nil)
		resp, err := hc.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the emulator did not answer on %s: %v; its log:\n%s", c.addr, err, c.stderr)
		case <-tick.C:
		}
	}
}

// trigger returns a Lambda trigger of c, reading c's reports, whose own timeout leaves the emulator's
// (timeoutS) room to answer first.
func (c *lambdaContainer) trigger(t testing.TB, timeoutS int) *sebs.LambdaTrigger {
	tr := &sebs.LambdaTrigger{URL: c.addr, Reports: c.reports, Timeout: time.Duration(timeoutS)*time.Second + 3*time.Second}
	t.Cleanup(tr.Close)
	return tr
}

// lockedBuffer is a bytes.Buffer safe for one writer and concurrent readers.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testWriter sends progress lines to the test's log.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(bytes.TrimRight(p, "\n")))
	return len(p), nil
}

// jsonValue encodes v, a decoded JSON value, again.
func jsonValue(v any) (json.RawMessage, error) { return json.Marshal(v) }
