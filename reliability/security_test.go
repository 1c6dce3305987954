package reliability

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	"github.com/gosebs/sebs"
	"github.com/gosebs/sebs/sebstest"
)

// securityMemoryMB is the memory the security tests configure, to find it again as the container's limit.
const securityMemoryMB = 128

// TestSecurityDefaultsGo inspects the container of a Go function: the defaults of our own runtime,
// including a read-only root file system.
func TestSecurityDefaultsGo(t *testing.T) {
	checkSecurityDefaults(t, sebs.LanguageGo, true)
}

// TestSecurityPublishedPort: a function invoked on its published port (WithPublishedPort; the path
// remote engines and Docker Desktop take) publishes it on 127.0.0.1 only.
func TestSecurityPublishedPort(t *testing.T) {
	checkSecurityDefaults(t, sebs.LanguageGo, true, sebstest.WithPublishedPort())
}

// TestSecurityDefaultsPython inspects the container of a Python function (not in -short: the first run
// on a machine builds the Python image). Its root file system stays writable.
func TestSecurityDefaultsPython(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the Python image on first use (minutes); not in -short")
	}
	checkSecurityDefaults(t, sebs.LanguagePython, false)
}

// checkSecurityDefaults starts the sleep fixture in lang (with more options) and asserts, on the engine's
// view of its container: ports published on 127.0.0.1 only (none at all when the function is invoked on
// its bridge address, issue 16), not privileged, all capabilities dropped and none
// added, no-new-privileges, memory and PID limits, no Docker socket mounted, a non-root user, and a
// read-only root file system when readOnly.
func checkSecurityDefaults(t *testing.T, lang sebs.Language, readOnly bool, more ...testcontainers.ContainerCustomizer) {
	cli := testDocker(t)
	fn := sebstest.New(t, sebstest.Fixture("sleep", lang), append([]testcontainers.ContainerCustomizer{
		sebstest.WithConfig(sebs.FunctionConfig{Timeout: 10, Memory: securityMemoryMB})}, more...)...)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	first, err := fn.Invoke(ctx, map[string]any{"sleep": 0})
	if err != nil {
		t.Fatalf("the function does not answer under these restrictions: %v", err)
	}
	published := first.Detail == nil || first.Detail.Address != "bridge"
	res, err := cli.ContainerInspect(ctx, fn.ContainerID(), client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c := res.Container
	hc := c.HostConfig
	if hc == nil || c.Config == nil || c.NetworkSettings == nil {
		t.Fatalf("container %.12s inspects without host config, config or network settings", c.ID)
	}

	checkLoopbackPorts(t, hc.PortBindings, "host config port bindings", published)
	checkLoopbackPorts(t, c.NetworkSettings.Ports, "published ports", published)
	if hc.Privileged {
		t.Error("the container is privileged")
	}
	if !slices.Contains(hc.CapDrop, "ALL") {
		t.Errorf("capabilities dropped: %v, want ALL", hc.CapDrop)
	}
	if len(hc.CapAdd) > 0 {
		t.Errorf("capabilities added: %v, want none", hc.CapAdd)
	}
	if !slices.ContainsFunc(hc.SecurityOpt, func(o string) bool {
		return o == "no-new-privileges" || o == "no-new-privileges:true" || o == "no-new-privileges=true"
	}) {
		t.Errorf("security options %v lack no-new-privileges", hc.SecurityOpt)
	}
	if hc.ReadonlyRootfs != readOnly {
		t.Errorf("read-only root file system is %v, want %v", hc.ReadonlyRootfs, readOnly)
	}
	if want := int64(securityMemoryMB) << 20; hc.Memory != want {
		t.Errorf("memory limit %d bytes, want the configured %d", hc.Memory, want)
	}
	if hc.PidsLimit == nil || *hc.PidsLimit <= 0 {
		t.Errorf("no PID limit (%v)", hc.PidsLimit)
	}
	for _, m := range c.Mounts {
		if strings.Contains(m.Source, "docker.sock") || strings.Contains(m.Destination, "docker.sock") {
			t.Errorf("the Docker socket is mounted: %s -> %s", m.Source, m.Destination)
		}
		if m.RW && m.Type == "bind" {
			t.Errorf("host directory %s is mounted writable at %s", m.Source, m.Destination)
		}
	}
	for _, b := range hc.Binds {
		if strings.Contains(b, "docker.sock") {
			t.Errorf("the Docker socket is bound: %s", b)
		}
	}
	if u := c.Config.User; u == "" || u == "0" || u == "root" || strings.HasPrefix(u, "0:") || strings.HasPrefix(u, "root:") {
		t.Errorf("the function runs as user %q, want an unprivileged one", u)
	}
	if _, err := fn.Invoke(ctx, map[string]any{"sleep": 0}); err != nil {
		t.Errorf("the function does not answer under these restrictions: %v", err)
	}
}

// checkLoopbackPorts fails the test unless every binding is on 127.0.0.1, and at least one exists when
// published, none otherwise.
func checkLoopbackPorts(t *testing.T, ports network.PortMap, what string, published bool) {
	t.Helper()
	n := 0
	for p, bs := range ports {
		for _, b := range bs {
			n++
			if ip := b.HostIP.String(); ip != "127.0.0.1" {
				t.Errorf("%s: %v is published on %q, want 127.0.0.1 only", what, p, ip)
			}
		}
	}
	if published && n == 0 {
		t.Errorf("%s: none, for a function invoked on its published port", what)
	}
	if !published && n > 0 {
		t.Errorf("%s: %d, for a function invoked on its bridge address, which needs none", what, n)
	}
}
